#!/usr/bin/env bash
# Builds every module and runs every test: unit tests, the examples' output checks and a bounded
# jcstress run (its failures fail the build). Needs Maven 3.6.3+ and a JDK 25 that Maven's
# toolchain discovery can find (JAVA_HOME, /usr/lib/jvm, ~/.sdkman, ~/.jdks, ...).
set -euo pipefail
cd "$(dirname "$0")"
exec mvn -B -ntp verify "$@"
