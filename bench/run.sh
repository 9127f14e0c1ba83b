#!/usr/bin/env bash
# Cold-start benchmark: builds the functions as `sam build` does and runs each one, with an empty Java
# handler as the floor, under the real Lambda runtime interface client. See bench/README.md.
#   bench/run.sh [--runs N] [--warm N] [--functions A,B] [--probes] [--skip-build] [--help]
set -euo pipefail
cd "$(dirname "$0")/.."
exec python3 bench/coldstart.py "$@"
