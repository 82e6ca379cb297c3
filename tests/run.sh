#!/bin/sh
# run.sh - the test runner.  Runs the unit tests, then every tests/cli/*.case
# (one CLI invocation each: expected exit status, stderr fragment, stdout
# fragment or golden file), then the rule examples through the unit binary.
# Ends with "N passed, N failed"; exits 1 when anything failed.
#
# Case format, one key per line ("# ..." lines are comments):
#   args:   the arguments ($TMP expands to a scratch directory)
#   status: the expected exit status
#   stderr: a fragment stderr must contain (may repeat)
#   stdout: a fragment stdout must contain (may repeat)
#   golden: a file stdout must equal byte for byte
#   file:   a file that must exist afterwards and be non-empty
set -u
BIN=${TX2JSON_BIN:-./tx2json}
UNIT=${TX2JSON_UNIT:-./build/unit}
TMP=$(mktemp -d "${TMPDIR:-/tmp}/tx2json-test.XXXXXX")
trap 'rm -rf "$TMP"' EXIT INT TERM
pass=0
fail=0

ok() { pass=$((pass + 1)); }
bad() { fail=$((fail + 1)); echo "FAIL $*"; }

# 1. Unit tests: each CHECK counts.
out=$("$UNIT" rules 2>&1)
echo "$out" | grep '^FAIL\|^rules/' || true
line=$(echo "$out" | tail -n 1)
up=$(echo "$line" | sed -n 's/^unit: \([0-9]*\) passed, \([0-9]*\) failed$/\1/p')
uf=$(echo "$line" | sed -n 's/^unit: \([0-9]*\) passed, \([0-9]*\) failed$/\2/p')
if [ -z "$up" ]; then
    bad "unit: did not finish: $line"
else
    pass=$((pass + up))
    fail=$((fail + uf))
fi

# 2. CLI cases.
for case in tests/cli/*.case; do
    name=$(basename "$case" .case)
    args=$(sed -n 's/^args:[ ]*//p' "$case" | sed "s|\$TMP|$TMP|g")
    want=$(sed -n 's/^status:[ ]*//p' "$case")
    # shellcheck disable=SC2086
    $BIN $args >"$TMP/stdout" 2>"$TMP/stderr"
    got=$?
    failed=""
    [ "$got" = "$want" ] || failed="exit status $got, expected $want"
    while IFS= read -r l; do
        case "$l" in
        stderr:*)
            frag=${l#stderr: }
            grep -qF -- "$frag" "$TMP/stderr" || failed="$failed; stderr lacks '$frag'"
            ;;
        stdout:*)
            frag=${l#stdout: }
            grep -qF -- "$frag" "$TMP/stdout" || failed="$failed; stdout lacks '$frag'"
            ;;
        golden:*)
            g=${l#golden: }
            cmp -s "$g" "$TMP/stdout" || failed="$failed; stdout differs from $g: $(diff "$g" "$TMP/stdout" | head -5)"
            ;;
        file:*)
            f=$(echo "${l#file: }" | sed "s|\$TMP|$TMP|g")
            [ -s "$f" ] || failed="$failed; $f missing or empty"
            [ -s "$TMP/stdout" ] && failed="$failed; stdout not empty"
            ;;
        esac
    done <"$case"
    if [ -n "$failed" ]; then
        bad "cli/$name: $failed"
        sed 's/^/    stderr: /' "$TMP/stderr" | head -5
    else
        ok
    fi
done

echo "$pass passed, $fail failed"
[ "$fail" = 0 ]
