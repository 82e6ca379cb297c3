#!/bin/sh
# pathological.sh - generated worst cases, each under a timeout, each
# required to end with a valid document (exit 0) or a clean diagnostic
# (exit 1 with "error:"): never a crash, a hang or garbage.  Like cmark's
# pathological tests.  Run with `make pathological`.
set -u
BIN=${TX2JSON_BIN:-./tx2json}
JSONCHECK=${TX2JSON_TOOLS:-./build}/jsoncheck
LIMIT=${PATHOLOGICAL_TIMEOUT:-30}
TMP=$(mktemp -d "${TMPDIR:-/tmp}/tx2json-patho.XXXXXX")
trap 'rm -rf "$TMP"' EXIT INT TERM
pass=0
fail=0

# run NAME [ARGS...]: input is $TMP/NAME.txt
run() {
    name=$1
    shift
    start=$(date +%s%N)
    timeout "$LIMIT" "$BIN" -q "$@" "$TMP/$name.txt" >"$TMP/out.json" 2>"$TMP/err"
    rc=$?
    ms=$((($(date +%s%N) - start) / 1000000))
    secs="$((ms / 1000)).$(printf %03d $((ms % 1000)))"
    if [ "$rc" = 124 ]; then
        echo "FAIL $name: timed out after ${LIMIT}s"
        fail=$((fail + 1))
    elif [ "$rc" = 0 ] && "$JSONCHECK" <"$TMP/out.json"; then
        echo "ok   $name: valid document in ${secs}s"
        pass=$((pass + 1))
    elif [ "$rc" = 1 ] && grep -q 'error:' "$TMP/err"; then
        echo "ok   $name: clean diagnostic in ${secs}s: $(head -c 160 "$TMP/err")"
        pass=$((pass + 1))
    else
        echo "FAIL $name: exit $rc: $(head -c 300 "$TMP/err")"
        fail=$((fail + 1))
    fi
}

awk 'BEGIN { printf "大家好,这里是某某周报。"; for (i = 0; i < 100000; i++) { printf (i % 50 ? "模型很好。" : "某公司推出Foo%d。"), i; if (i % 1000 == 999) printf "\n" } printf "\n\n[Foo0] https://a.org/foo0\n" }' >"$TMP/tiny-sentences.txt"
run tiny-sentences

awk 'BEGIN { printf "某公司推出"; for (i = 0; i < 100000; i++) printf "Name%d,", i; printf "。\n\n[Name5] https://a.org/name5\n" }' >"$TMP/candidate-names.txt"
run candidate-names

awk 'BEGIN { printf "某公司推出FooNet1。另一家公司发布FooNet2。\n\n"; for (i = 0; i < 5000; i++) printf "[FooNet%d] https://a.org/foonet%d\n", i, i }' >"$TMP/lookalike-references.txt"
run lookalike-references

awk 'BEGIN { for (i = 0; i < 100000; i++) printf "首先,"; printf "某公司推出FooNet。\n" }' >"$TMP/repeated-leadins.txt"
run repeated-leadins

awk 'BEGIN { for (i = 0; i < 20000; i++) printf "First up, Next, Finally, Foo%d released Bar%d. ", i, i; printf "\n" }' >"$TMP/english-leadins.txt"
run english-leadins

awk 'BEGIN { for (i = 0; i < 100000; i++) printf "%d\n某公司推出Foo%d\n", (i % 10) + 1, i }' >"$TMP/numbered-items.txt"
run numbered-items

awk 'BEGIN { for (i = 0; i < 60000; i++) { printf "某某大学和某某研究院等研究者推出FooNet%d,", i; if (i % 1000 == 999) printf "\n" } printf "\n" }' >"$TMP/org-flood.txt"
run org-flood

awk 'BEGIN { for (i = 0; i < 50000; i++) printf "[Foo%d] https://a.org/%d\n", i, i }' >"$TMP/only-references.txt"
run only-references --max-refs 100000

# A user rule that backtracks catastrophically, on input made to trigger it.
mkdir -p "$TMP/rules"
cp rules/*.rules "$TMP/rules/"
cat >"$TMP/rules/99-catastrophic.rules" <<'RULES'
rule user.catastrophic
kind: entry-start
pattern: ^(a+)+$
match: aaa
RULES
awk 'BEGIN { for (i = 0; i < 2000; i++) { for (j = 0; j < 40; j++) printf "a"; printf "b\n" } }' >"$TMP/catastrophic-rule.txt"
run catastrophic-rule --rules "$TMP/rules"

# Subtitle framing: a WebVTT cue line of a million '<' with no '>' (each
# '<' opens a tag that never closes: one scan for the closer, not one per
# '<'), an SRT cue line of '<a' and '{\' openers, and 200,000 SRT cues whose
# timing lines all hold malformed arrows (a warning each).
awk 'BEGIN { printf "WEBVTT\n\n00:01.000 --> 00:02.000\n"; for (i = 0; i < 1000000; i++) printf "<"; printf "\n\n00:02.000 --> 00:03.000\nFoo Labs released BarNet.\n" }' >"$TMP/vtt-open-tags.txt"
run vtt-open-tags
awk 'BEGIN { printf "1\n00:00:01,000 --> 00:00:02,000\n"; for (i = 0; i < 250000; i++) printf "<a{\\"; printf "\n" }' >"$TMP/srt-open-tags.txt"
run srt-open-tags
awk 'BEGIN { printf "1\n00:00:01,000 --> 00:00:02,000\nHello.\n\n"; for (i = 2; i < 200000; i++) printf "%d\n00:00:%02d,000 -> 00:00:%02d,500 --> x\nLine %d.\n\n", i, i % 60, i % 60, i }' >"$TMP/srt-malformed-timings.txt"
run srt-malformed-timings

echo "$pass passed, $fail failed"
[ "$fail" = 0 ]
