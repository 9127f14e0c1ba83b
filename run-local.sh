#!/usr/bin/env bash
# StepConnect's whole story on this machine: starts a local AWS emulator (moto), sets up a connection
# through the custom resource handler, lets the connection guardian sync a value an operator put into the
# secret by hand, rotates its credential, fails a state machine and lets the remediation handler alarm and
# retry it (Standard and Express), then lets the sweep find a failure whose event was lost.
# With AWS_ENDPOINT_URL set, uses that endpoint instead.
# Needs JDK 17+, Maven and Python 3 with moto[server]. Exits non-zero if any step misbehaves.
set -euo pipefail
cd "$(dirname "$0")"
exec mvn -q -B -ntp -DskipTests test-compile exec:java \
  -Dexec.mainClass=dev.stepconnect.demo.LocalStory -Dexec.classpathScope=test -Dexec.cleanupDaemonThreads=false
