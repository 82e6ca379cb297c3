#!/bin/sh
# run.sh - make review-test: the review pages (--format html) in headless
# Chromium, through tests/review/review.js and the cases in
# tests/review/cases/.  Installs what it needs when missing: Debian's
# chromium and fonts-noto-cjk (Han text in the screenshots) with apt-get,
# playwright-core with npm ci.  Pages and screenshots go to build/review/.
# With REVIEW_OPTIONAL=1 (make test) a missing tool is a SKIP, not a
# failure.  Exit status: 0 passed or skipped, 1 failed.
set -u
BIN=${TX2JSON_BIN:-./tx2json}
OUT=${REVIEW_OUT:-build/review}
TX2JSON_RULES=${TX2JSON_RULES:-$(pwd)/rules}
export TX2JSON_RULES

# missing WHAT: a failure, or a skip under make test.
missing() {
    if [ "${REVIEW_OPTIONAL:-0}" = 1 ]; then
        echo "SKIP review-test: $1"
        exit 0
    fi
    echo "FAIL review-test: $1"
    exit 1
}

need=
command -v chromium >/dev/null 2>&1 || need="chromium"
command -v node >/dev/null 2>&1 || need="$need nodejs npm"
fc-list ':lang=zh' family 2>/dev/null | grep -q . || need="$need fonts-noto-cjk"
if [ -n "$need" ] && [ "${REVIEW_OPTIONAL:-0}" != 1 ]; then
    echo "review-test: installing$(printf ' %s' $need) with apt-get"
    SUDO=
    [ "$(id -u)" = 0 ] || SUDO=sudo
    $SUDO apt-get update -qq &&
        DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq $need >/dev/null ||
        missing "apt-get install$(printf ' %s' $need) failed"
fi
command -v chromium >/dev/null 2>&1 || missing "chromium is not installed (make review-test installs it)"
command -v node >/dev/null 2>&1 || missing "node is not installed"
if [ ! -d tests/review/node_modules/playwright-core ] &&
    ! (cd tests/review && npm ci --no-audit --no-fund --silent >/dev/null 2>&1); then
    missing "npm ci in tests/review failed (no registry?)"
fi
mkdir -p "$OUT"
node tests/review/review.js --bin "$BIN" --rules "$TX2JSON_RULES" --out "$OUT" tests/review/cases/*.case
