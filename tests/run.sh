#!/bin/sh
# run.sh - the test runner.  Runs the unit tests, then every tests/cli/*.case
# (one CLI invocation each: expected exit status, stderr fragment, stdout
# fragment or golden file), then the rule examples through the unit binary.
# Then every broken rule file in tests/rules against its expected
# diagnostics, and the SARIF output against the SARIF 2.1.0 schema.
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

# 2. Fuzz inputs: the seed corpus and every saved crash, replayed.
REPLAY=${TX2JSON_REPLAY:-./build/replay_}
for f in extract rules reference; do
    set -- tests/fuzz/corpus/$f/*
    for c in tests/fuzz/crashes/$f-*; do [ -e "$c" ] && set -- "$@" "$c"; done
    if "$REPLAY$f" "$@" >"$TMP/replay.out" 2>&1; then
        ok
    else
        bad "fuzz replay $f: $(tail -3 "$TMP/replay.out")"
    fi
done

# 3. CLI cases.
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

# 4. The bad-input catalogue: tests/bad/*.case.  Keys as for CLI cases,
#    plus gen: (shell that writes $IN), env: (run with the failio shim and
#    these variables), json: yes (stdout is one valid JSON document) and
#    absent: (a file that must not exist afterwards, nor temporaries
#    beside it).  Each case runs under a 120 s timeout.
TOOLS=${TX2JSON_TOOLS:-./build}
for case in tests/bad/*.case; do
    name=$(basename "$case" .case)
    IN="$TMP/bad-input-$name"
    rm -rf "$IN"
    gen=$(sed -n 's/^gen:[ ]*//p' "$case")
    [ -n "$gen" ] && IN="$IN" TMP="$TMP" sh -c "$gen"
    args=$(sed -n 's/^args:[ ]*//p' "$case" | sed "s|\$IN|$IN|g; s|\$TMP|$TMP|g")
    envv=$(sed -n 's/^env:[ ]*//p' "$case")
    want=$(sed -n 's/^status:[ ]*//p' "$case")
    if [ -n "$envv" ]; then
        # shellcheck disable=SC2086
        env $envv LD_PRELOAD="$TOOLS/libfailio.so" ASAN_OPTIONS="${ASAN_OPTIONS:-}:verify_asan_link_order=0" \
            timeout 120 $BIN $args >"$TMP/stdout" 2>"$TMP/stderr"
    else
        # shellcheck disable=SC2086
        timeout 120 $BIN $args >"$TMP/stdout" 2>"$TMP/stderr"
    fi
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
        json:*)
            "$TOOLS/jsoncheck" <"$TMP/stdout" || failed="$failed; stdout is not valid JSON"
            ;;
        absent:*)
            f=$(echo "${l#absent: }" | sed "s|\$TMP|$TMP|g")
            [ -e "$f" ] && failed="$failed; $f exists"
            ls "$f".tmp.* >/dev/null 2>&1 && failed="$failed; temporary file left beside $f"
            ;;
        esac
    done <"$case"
    rm -rf "$IN"
    if [ -n "$failed" ]; then
        bad "bad/$name: $failed"
        sed 's/^/    stderr: /' "$TMP/stderr" | head -3
    else
        ok
    fi
done

# 5. Allocation failures: every allocation of a seed conversion, failed in
#    turn, must give success or a clean error (leaks: under make asan).
if "$TOOLS/oom" rules corpora/000_3c858c9825c89cc2.txt 1 >"$TMP/oom.out" 2>&1; then
    ok
else
    bad "oom: $(tail -5 "$TMP/oom.out")"
fi

# 6. Broken rule files: `tx2json check FILE` must print exactly FILE.expected
#    and exit 1 when it holds an error, 0 when only warnings; with --werror
#    any diagnostic exits 1.
for r in tests/rules/*.rules; do
    exp=${r%.rules}.expected
    $BIN check "$r" >"$TMP/check.out" 2>"$TMP/check.err"
    got=$?
    want=0
    grep -q ': error: ' "$exp" && want=1
    if ! cmp -s "$exp" "$TMP/check.out"; then
        bad "rules/$(basename "$r"): output differs from $exp:"
        diff "$exp" "$TMP/check.out" | head -10 | sed 's/^/    /'
    elif [ "$got" != "$want" ]; then
        bad "rules/$(basename "$r"): exit status $got, expected $want"
    else
        ok
    fi
    $BIN check --werror "$r" >/dev/null 2>&1
    got=$?
    if [ -s "$exp" ] && [ "$got" != 1 ]; then bad "rules/$(basename "$r"): --werror exit $got, expected 1"; else ok; fi
done

# 7. The SARIF report of every broken file and of the shipped rules
#    validates against the SARIF 2.1.0 schema (Ajv, from the npm registry).
$BIN check --format sarif tests/rules/*.rules rules >"$TMP/all.sarif"
if ! command -v node >/dev/null 2>&1; then
    echo "SKIP sarif-schema: node is not installed"
    skip=1
elif [ ! -d tools/sarif/node_modules ] &&
    ! (cd tools/sarif && npm ci --no-audit --no-fund --silent >/dev/null 2>&1); then
    echo "SKIP sarif-schema: npm ci in tools/sarif failed (no registry?)"
    skip=1
elif node tools/sarif/validate.js "$TMP/all.sarif" >"$TMP/sarif.log" 2>&1; then
    ok
else
    bad "sarif-schema: $(head -5 "$TMP/sarif.log")"
fi

if [ "${skip:-0}" = 1 ]; then
    echo "$pass passed, $fail failed, 1 skipped"
else
    echo "$pass passed, $fail failed"
fi
[ "$fail" = 0 ]
