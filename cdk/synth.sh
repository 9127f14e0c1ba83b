#!/usr/bin/env bash
# Builds the StepConnect CDK constructs and synthesizes the example app (cdk/example/) into cdk/cdk.out/.
# Needs Java 17+, Maven and Node.js (the CDK's jsii runtime); no AWS account, no CDK CLI.
set -euo pipefail
cd "$(dirname "$0")"
rm -rf cdk.out
mvn -q -B -ntp -DskipTests test-compile exec:java \
  -Dexec.mainClass=dev.stepconnect.cdk.example.PartnerCallApp \
  -Dexec.classpathScope=test
echo "synthesized: $(ls cdk.out/*.template.json)"
