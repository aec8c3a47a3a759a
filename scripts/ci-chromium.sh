#!/usr/bin/env bash
# A headless browser for the /docs test (CI, Debian 12, as root).
#
#   out=$(scripts/ci-chromium.sh) && eval "$out"   # exports ZKATTEST_TEST_CHROMIUM
#
# (Not `eval "$(scripts/ci-chromium.sh)"`: eval would hide the script's failure.)
#
# Installs Debian's `chromium` package (apt-get, no recommended packages) if
# /usr/bin/chromium is not there, checks that it runs, and prints the export
# line. Nothing is left running: the test starts and stops its own browser.
# Only the export line goes to stdout; progress and errors go to stderr.
#
# Environment: ZKATTEST_CHROMIUM (/usr/bin/chromium), the binary to use.
set -euo pipefail

CHROMIUM="${ZKATTEST_CHROMIUM:-/usr/bin/chromium}"

log() { echo "ci-chromium: $*" >&2; }
die() {
    log "error: $*"
    exit 1
}

install_chromium() {
    [ "$(id -u)" -eq 0 ] || die "Chromium is not installed and installing it needs root"
    log "installing Chromium (apt-get)"
    export DEBIAN_FRONTEND=noninteractive
    apt-get update -qq >&2
    apt-get install -y -qq --no-install-recommends chromium >&2
}

if [ ! -x "$CHROMIUM" ]; then
    install_chromium
    [ -x "$CHROMIUM" ] || die "no $CHROMIUM after installing the chromium package"
fi
version="$("$CHROMIUM" --version 2>/dev/null)" || die "$CHROMIUM does not run"
log "ready: $version"
echo "export ZKATTEST_TEST_CHROMIUM=$CHROMIUM"
