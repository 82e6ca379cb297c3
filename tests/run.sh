#!/bin/sh
# run.sh - the test runner.  Runs the unit tests and the decoding property
# tests (tests/decode_prop.c), the pinyin table against ICU
# (tests/pinyin_check.c), then every tests/cli/*.case
# (one CLI invocation each: expected exit status, stderr fragment, stdout
# fragment or golden file), then the rule examples through the unit binary.
# Then every broken rule file in tests/rules against its expected
# diagnostics, the SARIF output against the SARIF 2.1.0 schema, and an
# install into a temporary prefix (tests/install.sh).
# Ends with "N passed, N failed"; exits 1 when anything failed.
#
# Case format, one key per line ("# ..." lines are comments):
#   args:   the arguments ($TMP expands to a scratch directory; the word ''
#           is an empty argument; in tests/bad, $IN to the case's input,
#           also in file: and absent:)
#   status: the expected exit status
#   stderr: a fragment stderr must contain (may repeat)
#   stdout: a fragment stdout must contain (may repeat)
#   golden: a file stdout must equal byte for byte
#   file:   a file that must exist afterwards and be non-empty
set -u
BIN=${TX2JSON_BIN:-./tx2json}
UNIT=${TX2JSON_UNIT:-./build/unit}
TOOLS=${TX2JSON_TOOLS:-./build}
# The checkout's rules, whatever an earlier `make install` put in DATADIR
# (the default lookup prefers an installed rules directory).
TX2JSON_RULES=${TX2JSON_RULES:-$(pwd)/rules}
export TX2JSON_RULES
TMP=$(mktemp -d "${TMPDIR:-/tmp}/tx2json-test.XXXXXX")
trap 'rm -rf "$TMP"' EXIT INT TERM
pass=0
fail=0
nskip=0
# The problem matcher the README gives for CI (gcc's form: FILE, LINE,
# COLUMN, SEVERITY, MESSAGE, CODE), read from the README itself.
MATCHER_RE=$(sed -n 's/^ *"regexp": "\(.*\)",$/\1/p' README.md | sed 's/\\\\/\\/g')
[ -n "$MATCHER_RE" ] || { echo "FAIL README has no problem-matcher regexp"; exit 1; }

ok() { pass=$((pass + 1)); }
# A document's tool.rules_sha256 changes with every rule edit: golden files
# hold RULES_SHA256 in its place, and outputs are compared through unsha.
# Every document and JSONL stream the suite produces is kept in $KEEP and
# validated against schema/tx2json.schema.json at the end (section 12);
# tools/container-roundtrip and tools/train keep theirs through the
# environment.
KEEP="$TMP/schema"
mkdir -p "$KEEP"
TX2JSON_KEEP_OUTPUT=$KEEP
export TX2JSON_KEEP_OUTPUT
# keep FILE NAME: a copy of FILE as $KEEP/NAME when it holds tx2json
# documents or failure records (not chapters, SARIF or text).
keep() { grep -q '"schema_version"\|^{\("id":.*\)\?"source":{' "$1" 2>/dev/null && cp "$1" "$KEEP/$2"; }
unsha() { sed -E 's/("rules_sha256":[[:space:]]*")[0-9a-f]{64}"/\1RULES_SHA256"/' "$@"; }
bad() { fail=$((fail + 1)); echo "FAIL $*"; }

# expect CASEFILE: checks the case's expectation lines against
# $TMP/stdout and $TMP/stderr; appends problems to $failed.
#   stderr:/stdout: a fragment the stream must contain (may repeat)
#   no-stderr:      a fragment stderr must not contain (may repeat)
#   no-stdout:      a fragment stdout must not contain (may repeat)
#   golden:         a file stdout must equal byte for byte
#   file:           a file that must exist, non-empty, with stdout empty
#   json: yes       stdout is one valid JSON document
#   absent:         a file that must not exist, nor temporaries beside it
#   stderr-lines:   the number of lines stderr must have
#   jq:             jq's arguments: stdout must equal jq's output of it
#                   byte for byte (skipped when jq is not installed)
#   progress-apart: yes  no warning shares a line with the progress line:
#                   after the last carriage return of a stderr line that
#                   holds a warning, no progress text (ETA) remains
#   matcher: yes    every line of stderr and stdout that looks like a
#                   diagnostic (": warning: ", ": error: ") matches the
#                   problem-matcher regex of the README (MATCHER_RE)
expect() {
    while IFS= read -r l; do
        case "$l" in
        stderr:*)
            frag=${l#stderr: }
            grep -qF -- "$frag" "$TMP/stderr" || failed="$failed; stderr lacks '$frag'"
            ;;
        no-stderr:*)
            frag=${l#no-stderr: }
            grep -qF -- "$frag" "$TMP/stderr" && failed="$failed; stderr has '$frag'"
            ;;
        stdout:*)
            frag=${l#stdout: }
            grep -qF -- "$frag" "$TMP/stdout" || failed="$failed; stdout lacks '$frag'"
            ;;
        no-stdout:*)
            frag=${l#no-stdout: }
            grep -qF -- "$frag" "$TMP/stdout" && failed="$failed; stdout has '$frag'"
            ;;
        golden:*)
            g=${l#golden: }
            unsha "$TMP/stdout" >"$TMP/stdout.unsha"
            cmp -s "$g" "$TMP/stdout.unsha" || failed="$failed; stdout differs from $g: $(diff "$g" "$TMP/stdout.unsha" | head -5)"
            ;;
        file:*)
            f=$(echo "${l#file: }" | sed "s|\$TMP|$TMP|g; s|\$IN|${IN:-}|g")
            [ -s "$f" ] || failed="$failed; $f missing or empty"
            [ -s "$TMP/stdout" ] && failed="$failed; stdout not empty"
            ;;
        json:*)
            "$TOOLS/jsoncheck" <"$TMP/stdout" || failed="$failed; stdout is not valid JSON"
            ;;
        stderr-lines:*)
            n=${l#stderr-lines: }
            [ "$(wc -l <"$TMP/stderr")" -eq "$n" ] || failed="$failed; stderr has $(wc -l <"$TMP/stderr") lines, not $n"
            ;;
        jq:*)
            if command -v jq >/dev/null 2>&1; then
                # shellcheck disable=SC2086
                jq ${l#jq:} <"$TMP/stdout" | cmp -s - "$TMP/stdout" || failed="$failed; stdout is not jq${l#jq:}'s layout"
            else
                echo "SKIP jq layout: jq is not installed"
                nskip=$((nskip + 1))
            fi
            ;;
        progress-apart:*)
            if tr '\r' '\n' <"$TMP/stderr" | grep -a ': warning: ' | grep -a 'ETA' >"$TMP/glued"; then
                failed="$failed; a warning shares a line with the progress: $(head -1 "$TMP/glued")"
            fi
            grep -aq 'ETA' "$TMP/stderr" || failed="$failed; no progress line"
            ;;
        matcher:*)
            for s in stderr stdout; do
                if grep -E ': (warning|error): ' "$TMP/$s" | grep -vE "$MATCHER_RE" >"$TMP/nomatch"; then
                    failed="$failed; $s lines the problem matcher misses: $(head -2 "$TMP/nomatch")"
                fi
            done
            grep -qE "$MATCHER_RE" "$TMP/stderr" "$TMP/stdout" || failed="$failed; no line matches the problem matcher"
            ;;
        absent:*)
            f=$(echo "${l#absent: }" | sed "s|\$TMP|$TMP|g; s|\$IN|${IN:-}|g")
            [ -e "$f" ] && failed="$failed; $f exists"
            ls "$f".tmp.* >/dev/null 2>&1 && failed="$failed; temporary file left beside $f"
            ;;
        esac
    done <"$1"
}

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

# 1b. Decoding properties (tests/decode_prop.c): generated text in every
#     encoding read.c takes must decode back exactly, around its 4096-unit
#     chunk boundaries.  One check per group, named after the bug it guards;
#     DECODE_PROP_SEED=N runs them on other texts.
seedarg=
[ -n "${DECODE_PROP_SEED:-}" ] && seedarg="--seed $DECODE_PROP_SEED"
for g in surrogate-chunk-boundary invalid-offset-chunk-boundary unpaired-surrogate random; do
    # shellcheck disable=SC2086
    if "$TOOLS/decode_prop" $seedarg "$g" >"$TMP/prop.out" 2>&1; then
        ok
    else
        bad "decode-$g: $(tail -n 1 "$TMP/prop.out")"
        grep '^    ' "$TMP/prop.out"
    fi
done

# 1c. The generated pinyin table (tools/pinyin-gen.c) gives what ICU's
#     Han-Latin transliterator gives, on every character it holds.
if "$TOOLS/pinyin_check" >"$TMP/pinyin.out" 2>&1; then
    ok
else
    bad "pinyin-table-differs-from-icu: $(tail -n 1 "$TMP/pinyin.out")"
    grep '^    ' "$TMP/pinyin.out"
fi

# 2. Fuzz inputs: the seed corpus and every saved crash, replayed.
REPLAY=${TX2JSON_REPLAY:-./build/replay_}
for f in extract rules reference threads subtitle; do
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
    # The words of args: as arguments, the word '' as an empty one.
    set -f
    set --
    for a in $args; do [ "$a" = "''" ] && a=""; set -- "$@" "$a"; done
    set +f
    $BIN "$@" >"$TMP/stdout" 2>"$TMP/stderr" </dev/null
    got=$?
    keep "$TMP/stdout" "cli-$name"
    failed=""
    [ "$got" = "$want" ] || failed="exit status $got, expected $want"
    expect "$case"
    if [ -n "$failed" ]; then
        bad "cli/$name: $failed"
        sed 's/^/    stderr: /' "$TMP/stderr" | head -5
    else
        ok
    fi
done

# 3b. Batch behaviour.
check_batch() { # NAME CONDITION-COMMAND...
    n=$1
    shift
    if "$@"; then ok; else bad "batch/$n"; fi
}
$BIN -q -j 1 --format jsonl corpora >"$TMP/j1" 2>/dev/null
$BIN -q -j 2 --format jsonl corpora >"$TMP/j2" 2>/dev/null
$BIN -q -j 3 --format jsonl corpora >"$TMP/j3" 2>/dev/null
keep "$TMP/j1" batch-j1.jsonl
check_batch jobs-identical cmp -s "$TMP/j1" "$TMP/j2"
check_batch jobs-identical-3 cmp -s "$TMP/j1" "$TMP/j3"
# -j 64 over both corpora gives the same bytes as -j 1 (workers are capped
# at the number of files, 27 here).  Until the fix of src/episode.c lands
# (starts_entry reads past the one-sentence window of tx_build_episode;
# with threads that garbage can be dereferenced), this can fail with exit
# 139 now and then.
$BIN -q -j 1 --format jsonl corpora corpora-blind >"$TMP/jall1" 2>/dev/null
$BIN -q -j 64 --format jsonl corpora corpora-blind >"$TMP/jall64" 2>"$TMP/jall64.err"
rc64=$?
check_batch "jobs-identical-64 (exit $rc64)" test $rc64 = 0 -a -s "$TMP/jall1"
check_batch jobs-identical-64-bytes cmp -s "$TMP/jall1" "$TMP/jall64"
keep "$TMP/jall1" batch-all.jsonl
# --input jsonl: the records of both corpora (tools/records) give each
# file's own document with its id first, with one worker or two.
if command -v python3 >/dev/null 2>&1; then
    python3 tools/records corpora corpora-blind >"$TMP/rec.jsonl"
    $BIN -q -j 1 --input jsonl "$TMP/rec.jsonl" >"$TMP/rec1" 2>/dev/null
    $BIN -q -j 2 --input jsonl "$TMP/rec.jsonl" >"$TMP/rec2" 2>/dev/null
    keep "$TMP/rec1" batch-records.jsonl
    check_batch records-jobs-bytes cmp -s "$TMP/rec1" "$TMP/rec2"
    check_batch records-equal-files sh -c "test -s '$TMP/jall1' && sed 's/^{\"id\":\"[^\"]*\",/{/' '$TMP/rec1' | cmp -s - '$TMP/jall1'"
fi
# Regression: -j 64 on 64 Chinese files took 15-25 times as long as -j 1
# (every worker built ICU's Han-Latin transliterator at once).  The time is
# checked by make pathological (tests/scaling.sh, "jobs"); here the output.
mkdir -p "$TMP/j64in"
for i in 1 2 3 4 5 6 7 8; do for k in 1 2 3 4 5 6 7 8; do
    cp corpora/101_zh_qianyan_sudi_202403.txt "$TMP/j64in/f$i$k.txt"
done; done
$BIN -q -j 1 --format jsonl "$TMP/j64in" >"$TMP/j64a" 2>/dev/null
$BIN -q -j 64 --format jsonl "$TMP/j64in" >"$TMP/j64b" 2>/dev/null
check_batch jobs-64-chinese-bytes cmp -s "$TMP/j64a" "$TMP/j64b"
rm -rf "$TMP/j64in"
# Regression: nothing capped the memory of the workers together (a 200 MB
# input reached 3.3 GB with several workers).  With --max-memory a file
# starts when 20 x its size fits the budget beside the files in progress:
# four 1.5 MB files (the English episodes 60 times; some 30 MB each) at
# -j 4 under 40M run one at a time, so the peak stays near that of -j 1
# (uncapped -j 4: 2.7 times that).  English only, as written while the
# -j crash in src/episode.c was still open (next-name-stack-heap-compare).
# glibc keeps a thread's freed memory in that thread's arena, which would
# add up over the four workers: MALLOC_TRIM_THRESHOLD_ makes it give the
# memory back, so the peak shows what ran at once.
MALLOC_TRIM_THRESHOLD_=131072
export MALLOC_TRIM_THRESHOLD_
if [ -x /usr/bin/time ]; then
    mkdir -p "$TMP/mem"
    for k in 1 2 3 4; do
        for i in 1 2 3 4 5 6; do for n in 1 2 3 4 5 6 7 8 9 10; do
            cat corpora/2*_en_*.txt
        done; done >"$TMP/mem/f$k.txt"
    done
    /usr/bin/time -f %M -o "$TMP/mem1" $BIN -q -j 1 --format jsonl "$TMP/mem" >"$TMP/memo1" 2>/dev/null
    /usr/bin/time -f %M -o "$TMP/mem4" $BIN -q -j 4 --max-memory 40M --format jsonl "$TMP/mem" >"$TMP/memo4" 2>/dev/null
    check_batch max-memory-caps-workers test "$(tail -1 "$TMP/mem4")" -le $(($(tail -1 "$TMP/mem1") * 3 / 2))
    check_batch max-memory-caps-workers-bytes cmp -s "$TMP/memo1" "$TMP/memo4"
    rm -rf "$TMP/mem" "$TMP/memo1" "$TMP/memo4"
else
    echo "SKIP batch/max-memory-caps-workers: no /usr/bin/time"
fi
unset MALLOC_TRIM_THRESHOLD_
NCORPORA=$(find corpora \( -name '*.txt' ! -name '*.notes.txt' \) -o -name '*.srt' -o -name '*.vtt' | wc -l)
check_batch jsonl-lines test "$(wc -l <"$TMP/j1")" = "$NCORPORA"
head -n 1 "$TMP/j1" >"$TMP/first.json"
check_batch jsonl-valid "$TOOLS/jsoncheck" <"$TMP/first.json"
# Output paths never leave -o DIR, whatever the names hold.
mkdir -p "$TMP/root/in/sub" "$TMP/root/out"
cp corpora/000_3c858c9825c89cc2.txt "$TMP/root/in/sub/ep.txt"
cp corpora/101_zh_qianyan_sudi_202403.txt "$TMP/root/in/top.txt"
printf '%s\0%s\0' "$TMP/root/in/sub/../sub/ep.txt" "$TMP/root/in/top.txt" >"$TMP/list0"
(cd "$TMP/root/in" && "$OLDPWD/$BIN" -q -o ../out sub top.txt ../in/sub/ep.txt) 2>/dev/null
check_batch out-mirrors test -s "$TMP/root/out/sub/ep.json" -a -s "$TMP/root/out/top.json"
check_batch out-no-dotdot test -s "$TMP/root/out/in/sub/ep.json"
$BIN -q -0 --files-from - -o "$TMP/root/out2" <"$TMP/list0"
check_batch files-from-0 test "$(find "$TMP/root/out2" -name '*.json' | wc -l)" = 2
check_batch nothing-outside test "$(find "$TMP/root" -name '*.json' | grep -v -c "/out")" = 0
check_batch no-temporaries test "$(find "$TMP/root" -name '*.tmp.*' | wc -l)" = 0
# -o naming a device or a pipe writes into it: renaming a temporary over
# it replaced the device with a regular file (as root, `-o /dev/null`
# destroyed /dev/null; found when PostgreSQL's initdb then failed on it).
# A named pipe stands for the device; the reader gets the document and the
# pipe stays a pipe.
mkfifo "$TMP/pipe"
timeout 20 cat "$TMP/pipe" >"$TMP/pipe.out" &
reader=$!
timeout 20 $BIN -q -o "$TMP/pipe" corpora/000_3c858c9825c89cc2.txt
wait $reader
check_batch out-pipe-stays-a-pipe test -p "$TMP/pipe"
check_batch out-pipe-gets-the-document "$TOOLS/jsoncheck" <"$TMP/pipe.out"
rm -f "$TMP/pipe" "$TMP/pipe.out"
$BIN -q - <corpora/000_3c858c9825c89cc2.txt >"$TMP/stdin.json"
unsha "$TMP/stdin.json" >"$TMP/stdin.unsha"
check_batch stdin cmp -s "$TMP/stdin.unsha" tests/golden/000_3c858c9825c89cc2.json.stdin
keep "$TMP/stdin.json" batch-stdin.json
for f in $(find "$TMP/root" -name '*.json'); do keep "$f" "batch-out-$(echo "$f" | tr / _)"; done
$BIN --fail-fast -j 2 --format jsonl tests/data/empty.txt corpora >"$TMP/ff" 2>"$TMP/ff.err"
# The failed input is a record line of the stream, and nothing follows it.
check_batch fail-fast test $? = 1 -a "$(wc -l <"$TMP/ff")" = 1
check_batch fail-fast-record grep -q '^{"source":{"path":"tests/data/empty.txt"},"error":{"code":"empty"' "$TMP/ff"
keep "$TMP/ff" batch-fail-fast.jsonl
check_batch fail-fast-summary grep -q "stopped early" "$TMP/ff.err"
$BIN --progress -j 2 --format jsonl corpora >/dev/null 2>"$TMP/prog"
check_batch progress grep -q "\[$NCORPORA/$NCORPORA\]" "$TMP/prog"
# On a terminal (script(1) gives the run one), a batch's warnings default
# to --warnings=summary: a count per code instead of each line, with the
# progress line; one file's warnings still show each.
if command -v script >/dev/null 2>&1; then
    script -qec "$BIN -j 1 tests/data/no-refs.txt tests/data/no-refs.txt >/dev/null" /dev/null \
        >"$TMP/tty" 2>&1
    check_batch warnings-summary-on-terminal grep -q "tx2json: 2 warnings: 2 no-references" "$TMP/tty"
    check_batch warnings-summary-no-lines sh -c "! grep -q ': warning: ' '$TMP/tty'"
    check_batch progress-on-terminal grep -q "ETA" "$TMP/tty"
    script -qec "$BIN tests/data/no-refs.txt >/dev/null" /dev/null >"$TMP/tty1" 2>&1
    check_batch warnings-each-for-one-file grep -q "no-refs.txt:1:1: warning: no reference list found" "$TMP/tty1"
else
    echo "SKIP batch/warnings-summary-on-terminal: no script(1) (apt-get install bsdutils)"
    nskip=$((nskip + 1))
fi

# An interrupted batch leaves only whole files and no temporaries.
if command -v python3 >/dev/null 2>&1; then
    python3 tools/gen-corpus --seed 3 --files 400 --out "$TMP/int-in"
    $BIN -q -j 1 -o "$TMP/int-out" "$TMP/int-in" &
    pid=$!
    sleep 0.5
    kill -INT $pid 2>/dev/null
    wait $pid
    whole=1
    for f in $(find "$TMP/int-out" -name '*.json' 2>/dev/null); do
        "$TOOLS/jsoncheck" <"$f" || whole=0
        keep "$f" "interrupted-$(basename "$f")"
    done
    check_batch interrupted-whole test $whole = 1
    check_batch interrupted-no-temporaries test "$(find "$TMP/int-out" -name '*.tmp.*' 2>/dev/null | wc -l)" = 0
    rm -rf "$TMP/int-in" "$TMP/int-out"
fi

# 4. The bad-input catalogue: tests/bad/*.case.  Keys as for CLI cases,
#    plus gen: (shell that writes $IN), env: (run with the failio shim and
#    these variables), stdin: (a file to read as standard input; default
#    /dev/null), json: yes (stdout is one valid JSON document) and
#    absent: (a file that must not exist afterwards, nor temporaries
#    beside it).  Each case runs under a 120 s timeout.
for case in tests/bad/*.case; do
    name=$(basename "$case" .case)
    IN="$TMP/bad-input-$name"
    rm -rf "$IN"
    gen=$(sed -n 's/^gen:[ ]*//p' "$case")
    [ -n "$gen" ] && IN="$IN" TMP="$TMP" sh -c "$gen"
    args=$(sed -n 's/^args:[ ]*//p' "$case" | sed "s|\$IN|$IN|g; s|\$TMP|$TMP|g")
    envv=$(sed -n 's/^env:[ ]*//p' "$case")
    want=$(sed -n 's/^status:[ ]*//p' "$case")
    sin=$(sed -n 's/^stdin:[ ]*//p' "$case" | sed "s|\$IN|$IN|g; s|\$TMP|$TMP|g")
    [ -n "$sin" ] || sin=/dev/null
    set -f
    set --
    for a in $args; do [ "$a" = "''" ] && a=""; set -- "$@" "$a"; done
    set +f
    if [ -n "$envv" ]; then
        # shellcheck disable=SC2086
        env $envv LD_PRELOAD="$TOOLS/libfailio.so" ASAN_OPTIONS="${ASAN_OPTIONS:-}:verify_asan_link_order=0" \
            timeout 120 $BIN "$@" >"$TMP/stdout" 2>"$TMP/stderr" <"$sin"
    else
        timeout 120 $BIN "$@" >"$TMP/stdout" 2>"$TMP/stderr" <"$sin"
    fi
    got=$?
    keep "$TMP/stdout" "bad-$name"
    failed=""
    [ "$got" = "$want" ] || failed="exit status $got, expected $want"
    expect "$case"
    rm -rf "$IN"
    if [ -n "$failed" ]; then
        bad "bad/$name: $failed"
        sed 's/^/    stderr: /' "$TMP/stderr" | head -3
    else
        ok
    fi
done

# 4b. Show-notes layouts: each tests/notes/NAME.notes.txt, read as the
#     notes of tests/notes/transcript.txt, must give exactly the (label,
#     url) pairs of NAME.expected (one "label<TAB>url" line each, in order).
if command -v python3 >/dev/null 2>&1; then
    for f in tests/notes/*.notes.txt; do
        name=$(basename "$f" .notes.txt)
        $BIN -q --compact --notes "$f" tests/notes/transcript.txt >"$TMP/notes.json" 2>"$TMP/stderr"
        got=$?
        keep "$TMP/notes.json" "notes-$name.json"
        python3 -c 'import json, sys
for r in json.load(open(sys.argv[1], encoding="utf-8"))["references"]:
    sys.stdout.write("%s\t%s\n" % (r["label"], r["url"]))' "$TMP/notes.json" >"$TMP/notes.got" 2>/dev/null
        if [ "$got" = 0 ] && cmp -s "$TMP/notes.got" "tests/notes/$name.expected"; then
            ok
        else
            bad "notes/$name: exit $got; (label, url) pairs differ: $(diff "tests/notes/$name.expected" "$TMP/notes.got" | head -6 | tr '\n' ' ')"
        fi
    done
else
    echo "SKIP notes: python3 is not installed"
fi

# 4b2. SBV (YouTube's caption format): tests/episodes/subtitle-prose-en.sbv
#      is subtitle-prose-en.srt with SBV's timing lines and no cue numbers;
#      it must give the same document as the SRT but for spans and source:
#      the same entries, texts, times, mentions, links and references.
if command -v python3 >/dev/null 2>&1; then
    $BIN -q --compact tests/episodes/subtitle-prose-en.srt >"$TMP/srt.json" 2>/dev/null
    a=$?
    $BIN -q --compact tests/episodes/subtitle-prose-en.sbv >"$TMP/sbv.json" 2>/dev/null
    b=$?
    if [ "$a" = 0 ] && [ "$b" = 0 ] && python3 -c 'import json, sys
def strip(v):
    if isinstance(v, dict):
        return {k: strip(x) for k, x in v.items() if k not in ("span", "source", "line", "column")}
    if isinstance(v, list):
        return [strip(x) for x in v]
    return v
a, b = (strip(json.load(open(f, encoding="utf-8"))) for f in sys.argv[1:])
n = len(b.get("entries") or [])
sys.exit(0 if a == b and n >= 2 and all(e.get("time") for e in b["entries"]) else 1)' "$TMP/srt.json" "$TMP/sbv.json"; then
        ok
    else
        bad "sbv: exit $a/$b, or the SBV document differs from the SRT one beyond spans"
    fi
else
    echo "SKIP sbv: python3 is not installed"
fi

# 4c. Turn headers in plain text ("说话人1 00:12", "Speaker 1 (00:01:02):",
#     "[00:01:02] Name:"): each tests/asr/turns-*.txt against the headers
#     listed by hand in its .expected; every item's time must come from the
#     nearest header before it (tests/asr/turns-check says how).
if command -v python3 >/dev/null 2>&1; then
    for f in tests/asr/turns-*.txt; do
        if python3 tests/asr/turns-check "$BIN" "$f" "${f%.txt}.expected" >"$TMP/turns.out" 2>&1
        then ok; else bad "turns/$(basename "$f"): $(head -3 "$TMP/turns.out" | tr '\n' ' ')"; fi
    done
fi

# 5. Allocation failures: every allocation of a seed conversion, failed in
#    turn, must give success or a clean error (leaks: under make asan).
if "$TOOLS/oom" rules corpora/000_3c858c9825c89cc2.txt 1 >"$TMP/oom.out" 2>&1; then
    ok
else
    bad "oom: $(tail -5 "$TMP/oom.out")"
fi
#    The same over the subtitle files: an SRT, and a WebVTT with its show
#    notes (the container stage and the notes' own decoding and references),
#    and a speech-recognition JSON file with its notes.
if "$TOOLS/oom" rules tests/episodes/subtitle-zh.srt 1 >"$TMP/oom.out" 2>&1; then
    ok
else
    bad "oom srt: $(tail -5 "$TMP/oom.out")"
fi
if "$TOOLS/oom" rules tests/episodes/subtitle-en.vtt 1 tests/episodes/subtitle-en.notes.txt \
    >"$TMP/oom.out" 2>&1; then
    ok
else
    bad "oom vtt+notes: $(tail -5 "$TMP/oom.out")"
fi
#    And over speech-recognition JSON (\u escapes) with its show notes.
if "$TOOLS/oom" rules tests/asr/asr-zh.json 1 tests/asr/asr-zh.notes.txt >"$TMP/oom.out" 2>&1; then
    ok
else
    bad "oom json+notes: $(tail -5 "$TMP/oom.out")"
fi
#    And the chapter outputs (Podcasting 2.0 JSON, WebVTT) and the review
#    page (4, TX2JSON_OUTPUT_HTML) of that file.
for n in 1 3 4; do
    if OOM_OUTPUT=$n "$TOOLS/oom" rules tests/asr/asr-en.json 1 tests/asr/asr-en.notes.txt \
        >"$TMP/oom.out" 2>&1; then
        ok
    else
        bad "oom chapters $n: $(tail -5 "$TMP/oom.out")"
    fi
done

#    And --offsets utf16 (its offset table) over an SRT file.
if OOM_OFFSETS=1 "$TOOLS/oom" rules tests/episodes/subtitle-zh.srt 1 >"$TMP/oom.out" 2>&1; then
    ok
else
    bad "oom offsets utf16: $(tail -5 "$TMP/oom.out")"
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
#    With paths that need percent-encoding: a space and Han characters,
#    relative (tests/rules-paths), absolute below the current directory
#    (a relative URI too) and absolute elsewhere (an absolute file: URI).
mkdir -p "$TMP/含 空格"
cp "tests/rules-paths/坏 规则.rules" "$TMP/含 空格/"
$BIN check --format sarif tests/rules/*.rules rules tests/rules-paths "$(pwd)/tests/rules/no-example.rules" \
    "$TMP/含 空格" >"$TMP/all.sarif"
grep -q '"file:///.*/%E5%90%AB%20%E7%A9%BA%E6%A0%BC/%E5%9D%8F%20%E8%A7%84%E5%88%99.rules"' "$TMP/all.sarif" &&
    ! grep -q "\"uri\":.*\"$(pwd)" "$TMP/all.sarif" && ok || bad "sarif-uris: not percent-encoded or absolute below the current directory"
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

# 7b. The library's namespace: every global symbol it defines starts with
#     tx_ or tx2json_, and a program defining the old unprefixed helper
#     names (sb_free, u8_next, ...) links against it and runs.
#     (ASan adds __odr_asan.NAME for each global NAME: NAME is checked.)
unprefixed=$(nm "$TOOLS/libtx2json.a" 2>/dev/null | awk '$2 ~ /^[TDRBCGSVW]$/ { print $3 }' |
    sed 's/^__odr_asan\.//' | grep -v '^tx_' | grep -v '^tx2json_' | sort -u | tr '\n' ' ')
if [ ! -s "$TOOLS/libtx2json.a" ]; then
    bad "symbols: $TOOLS/libtx2json.a missing"
elif [ -n "$unprefixed" ]; then
    bad "symbols: global symbols without the tx_ prefix: $unprefixed"
else
    ok
fi
if "$TOOLS/symclash" rules >"$TMP/symclash.out" 2>&1; then ok; else bad "symbols: symclash: $(cat "$TMP/symclash.out")"; fi

# 8. Regression next-name-stack-heap-compare: a next-name rule compared a
#    stack copy of a sentence with the heap array's end, so its result
#    depended on the thread's stack address and -j 32 crashed on subtitle
#    files.  64 copies of each subtitle-layout episode at -j 64 must give
#    exactly what -j 1 gives (make asan also builds with pointer-compare,
#    which catches the class single-threaded).
mkdir -p "$TMP/j64"
for f in corpora/301_*.txt corpora-blind/503_*.txt corpora-blind/603_*.txt corpora-blind/703_*.txt; do
    [ -e "$f" ] || continue
    b=$(basename "$f" .txt)
    for i in $(seq 1 64); do cp "$f" "$TMP/j64/$b-$i.txt"; done
done
$BIN -q -j 1 --format jsonl "$TMP/j64" >"$TMP/j64.1" 2>/dev/null
$BIN -q -j 64 --format jsonl "$TMP/j64" >"$TMP/j64.64" 2>/dev/null
got=$?
keep "$TMP/j64.1" regress-j64.jsonl
if [ "$got" = 0 ] && [ -s "$TMP/j64.1" ] && cmp -s "$TMP/j64.1" "$TMP/j64.64"; then
    ok
else
    bad "regress/next-name-stack-heap-compare: -j 64 exit $got or output differs from -j 1"
fi
rm -rf "$TMP/j64"

# 9. Containers: every corpora/ episode cut into SRT, WebVTT and Whisper
#    JSON (tools/container-roundtrip) gives exactly the entries, mentions
#    and links of its .txt (prose and subtitle layout alike), with times of
#    the cues and spans that slice the subtitle file, and chapters in the
#    three formats that keep their rules.  One check per episode and
#    format, and one for the schema of all the JSON chapters.
if command -v python3 >/dev/null 2>&1; then
    python3 tools/container-roundtrip --bin "$BIN" --chapters "$TMP/chapters" corpora >"$TMP/rt.out" 2>&1
    rt_rc=$?
    while IFS= read -r l; do
        case "$l" in
        TOTAL*) echo "containers: ${l#TOTAL }" ;;
        FAIL*) bad "containers: $l" ;;
        *" FAIL "*) bad "containers: $l" ;;
        *) ok ;;
        esac
    done <"$TMP/rt.out"
    # A tool that stopped early (a traceback) printed no TOTAL line.
    if ! grep -q '^TOTAL' "$TMP/rt.out" || { [ "$rt_rc" != 0 ] && ! grep -q 'FAIL' "$TMP/rt.out"; }; then
        bad "containers: tools/container-roundtrip exit $rt_rc: $(tail -3 "$TMP/rt.out")"
    fi
    # The Podcasting 2.0 chapters of every one of them against the schema
    # written from the JSON Chapters Format 1.2 (Ajv, from tools/sarif).
    if [ "${skip:-0}" = 1 ] || [ ! -d tools/sarif/node_modules ]; then
        echo "SKIP chapters-schema: no Ajv (see sarif-schema)"
    elif node tools/chapters/validate.js "$TMP"/chapters/*.json >"$TMP/chapters.log" 2>&1; then
        ok
    else
        bad "chapters-schema: $(head -5 "$TMP/chapters.log")"
    fi
else
    echo "SKIP containers: python3 is not installed"
fi

# 10. Install (tests/install.sh): make install into a temporary prefix
#     from a copy of the tree, the copy deleted, then the installed binary,
#     a pkg-config program against the shared library, its exports, the
#     man pages and make uninstall.
sh tests/install.sh "$TMP/install" >"$TMP/install.out" 2>&1
while IFS= read -r l; do
    case "$l" in
    PASS*) ok ;;
    FAIL*) bad "${l#FAIL }" ;;
    SKIP*) echo "$l" && nskip=$((nskip + 1)) ;;
    *) echo "$l" ;;
    esac
done <"$TMP/install.out"
grep -q '^PASS install/make-install' "$TMP/install.out" || bad "install: did not run"

# 11. The scored segmenter: tools/train's decoder, with the weights of the
#     rules, finds the entry starts the binary finds on every episode (the
#     weights mean to the binary what they meant to the trainer).
if command -v python3 >/dev/null 2>&1; then
    if python3 tools/train --bin "$BIN" --check corpora corpora-blind >"$TMP/tc.out" 2>&1; then
        ok
    else
        bad "train --check: $(tail -3 "$TMP/tc.out")"
    fi
else
    echo "SKIP train --check: python3 is not installed"
fi

# 11b. tools/diagnose on the seed, whose output the golden file checks:
#     every (entry, reference) pair linked in the right entry, no start
#     missed or false, as many entries as the gold.
if command -v python3 >/dev/null 2>&1; then
    python3 tools/diagnose --bin "$BIN" corpora/000_3c858c9825c89cc2.txt >"$TMP/diag.out" 2>&1
    if grep -q '^links   ok=15 entry-missed=0 other-entry=0 never-linked=0 not-read=0$' "$TMP/diag.out" &&
        grep -q '^counts  under=0 over=0 equal=1 files=1 failed=0$' "$TMP/diag.out"; then
        ok
    else
        bad "diagnose on the seed: $(head -4 "$TMP/diag.out" | tr '\n' ' ')"
    fi
else
    echo "SKIP diagnose: python3 is not installed"
fi

# A tool's report in FILE, a line per check: "ok..." passes, any other
# line fails as "NAME: line"; a nonzero exit STATUS with no FAIL line fails
# too (report_lines NAME FILE STATUS TOOL).
report_lines() {
    while IFS= read -r l; do
        case "$l" in
        ok*) ok ;;
        *) bad "$1: $l" ;;
        esac
    done <"$2"
    [ "$3" = 0 ] || grep -q FAIL "$2" || bad "$1: $4 exit $3"
}

# 11. Tables: --format csv and sqlite over corpora/ (tools/dbtest without
#     PostgreSQL, which make dbtest adds): RFC 4180 files with a row per
#     item of the JSON, a second CSV run writing the same bytes, the
#     SQLite database answering docs/databases.md's four queries (and its
#     views) as the JSON does, foreign keys holding, and a second run into
#     the same database keeping its row counts.  One check per line.
if command -v python3 >/dev/null 2>&1; then
    python3 tools/dbtest --bin "$BIN" --no-postgres corpora >"$TMP/db.out" 2>&1
    report_lines tables "$TMP/db.out" $? tools/dbtest
else
    echo "SKIP tables: python3 is not installed"
fi

# 11b. --offsets: utf16 and bytes spans cut the decoded text where code
#      points do (tools/offsets-check; with it a copy of the seed episode
#      with characters beyond the BMP, as UTF-8 and as UTF-16 with CRLF).
if command -v python3 >/dev/null 2>&1; then
    python3 tools/offsets-check --bin "$BIN" corpora/000_3c858c9825c89cc2.txt \
        corpora/201_en_weekly-tensor-ep12.txt tests/episodes/subtitle-zh.srt \
        tests/episodes/subtitle-en.vtt tests/episodes/subtitle-prose-en.srt \
        tests/asr/asr-zh.json >"$TMP/off.out" 2>&1
    report_lines offsets "$TMP/off.out" $? tools/offsets-check
else
    echo "SKIP offsets: python3 is not installed"
fi

# 11c. The scorer's own self-test (tools/test_score.sh: hand-computed
#      fixtures, unlinked-mention precision among them): one check.
if command -v python3 >/dev/null 2>&1; then
    if sh tools/test_score.sh >"$TMP/score.out" 2>&1; then ok; else
        bad "score: tools/test_score.sh: $(grep FAIL "$TMP/score.out" | head -3)"
    fi
else
    echo "SKIP score: python3 is not installed"
fi

# 12. The published contract: every document and failure record kept
#     above (CLI and bad-input cases, batches, -o DIR files, show notes,
#     the container round trips, tools/train's --features runs, the
#     --offsets runs) validates against schema/tx2json.schema.json (Ajv,
#     from tools/sarif), with spans in order and indices pointing into
#     their document.  Not kept: the four 30 MB documents of the
#     max-memory check (the corpora's English episodes, repeated).
if [ "${skip:-0}" = 1 ] || [ ! -d tools/sarif/node_modules ]; then
    echo "SKIP output-schema: no Ajv (see sarif-schema)"
elif node tools/schema/validate.js "$KEEP"/* >"$TMP/schema.log" 2>&1; then
    echo "output-schema: $(tail -n 1 "$TMP/schema.log") in $(ls "$KEEP" | wc -l) files"
    ok
else
    bad "output-schema: $(grep -v '^  / must' "$TMP/schema.log" | head -8)"
fi

nskip=$((nskip + ${skip:-0}))
if [ "$nskip" -gt 0 ]; then
    echo "$pass passed, $fail failed, $nskip skipped"
else
    echo "$pass passed, $fail failed"
fi
[ "$fail" = 0 ]
