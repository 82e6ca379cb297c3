#!/bin/sh
# Self-test of tools/score: checks its arithmetic on hand-computed fixtures in
# tools/score-fixtures/ (fake tx2json output served by fake-tx2json), its exit
# statuses, and that every gold file in corpora/ scores 1.000 against itself.
#
# Expected numbers (see the comments beside each check) were worked out by hand
# from the fixture files; they are not produced by the scorer.
#
# Usage: tools/test_score.sh        (from anywhere; needs python3)

ROOT=$(cd "$(dirname "$0")/.." && pwd)
SCORE="$ROOT/tools/score"
FIX="$ROOT/tools/score-fixtures"
FAKE="--bin $FIX/fake-tx2json"
TMP=$(mktemp -d "${TMPDIR:-/tmp}/test_score.XXXXXX")
trap 'rm -rf "$TMP"' EXIT INT TERM

pass=0
fail=0
ok() { pass=$((pass + 1)); }
bad() { fail=$((fail + 1)); echo "FAIL: $*"; }

# run NAME ARGS... : runs the scorer, keeps stdout/stderr/status in $TMP
run() {
    name=$1; shift
    "$SCORE" "$@" >"$TMP/$name.out" 2>"$TMP/$name.err"
    echo $? >"$TMP/$name.rc"
}
# expect_rc NAME N
expect_rc() {
    got=$(cat "$TMP/$1.rc")
    if [ "$got" = "$2" ]; then ok; else
        bad "$1: exit status $got, expected $2"; sed 's/^/    /' "$TMP/$1.err"; fi
}
# expect_last NAME 'TOTAL ...'  (the TOTAL line must be the last stdout line)
expect_last() {
    got=$(tail -n 1 "$TMP/$1.out")
    if [ "$got" = "$2" ]; then ok; else
        bad "$1: last line"; echo "    got:      $got"; echo "    expected: $2"; fi
}
# expect_line NAME FILE-LABEL SUBSTRING...  (per-file line holds each substring)
expect_line() {
    name=$1; label=$2; shift 2
    line=$(grep "^$label " "$TMP/$name.out")
    for s in "$@"; do
        case "$line" in
            *"$s"*) ok ;;
            *) bad "$name: line for $label lacks '$s'"; echo "    line: $line" ;;
        esac
    done
}
# expect_grep NAME out|err PATTERN  (fixed string)
expect_grep() {
    if grep -qF -- "$3" "$TMP/$1.$2"; then ok; else
        bad "$1: $2 lacks '$3'"; sed 's/^/    /' "$TMP/$1.$2"; fi
}

# --- pair/a_en_prose: entry starts gold {45,109,166}, predicted {45,87,109,175}
#     entry tp=2 fp=2 fn=1 -> P=.500 R=.667 F1=.571
#     links gold {(45,Widget 1),(109,Gizmo),(166,Thing 2)}, predicted
#     {(45,Widget 1),(87,Other),(109,Gizmo),(109,Thing 2),(175,Thing 2)}
#     -> tp=2 fp=3 fn=1 -> P=.400 R=.667
#     mentions: " Widget \n One " -> "Widget One" with ref Widget 1 (ok);
#     Gizmo points to Thing 2 (wrong); entry 3 unmatched (wrong) -> 1/3
#     orgs tp=2 (Acme, Beta Labs) fp=2 (Acme at 87, Delta at 175)
#     fn=2 (Gamma Inc, Delta at 166) -> F1=.500
#     intro span [0,45) ends in "\n": ok after stripping; outro starts at "Bye.": NO
# --- pair/b_zh_lines_crlf (BOM + CRLF; headline rule puts entry 0 at its
#     2nd occurrence, 48): entry tp=1 fp=1 (64 is the "2" line) fn=1 (66)
#     -> .500/.500/.500; no refs -> links "-"; mention 1/2; orgs tp=1 fp=1
#     fn=1 -> .500; intro predicted null: NO; outro span from the "\n" at 82: ok
# --- totals: entry tp=3 fp=3 fn=2 -> P=.5 R=.6 F1=.545; links only from a;
#     mention 2/5=.400; org tp=3 fp=3 fn=3 -> .500
run pair $FAKE "$FIX/pair"
expect_rc pair 0
expect_line pair a_en_prose "entry P=0.500 R=0.667 F1=0.571" "link P=0.400 R=0.667" \
    "mention=0.333 (1/3)" "org F1=0.500" "intro=ok outro=NO"
expect_line pair b_zh_lines_crlf "entry P=0.500 R=0.500 F1=0.500" "link P=-" \
    "mention=0.500 (1/2)" "org F1=0.500" "intro=NO outro=ok"
PAIR_TOTAL="TOTAL entry_f1=0.545 link_p=0.400 link_r=0.667 mention=0.400 org_f1=0.500 intro=1/2 outro=1/2 files=2"
expect_last pair "$PAIR_TOTAL"
if [ "$(wc -l <"$TMP/pair.out")" -eq 3 ]; then ok; else bad "pair: expected 3 stdout lines"; fi

# Same files named one by one (a .txt and a .gold.json) give the same totals.
run pair_files $FAKE "$FIX/pair/a_en_prose.txt" "$FIX/pair/b_zh_lines_crlf.gold.json"
expect_rc pair_files 0
expect_last pair_files "$PAIR_TOTAL"

# --json: one JSON line with the raw counts, then the same TOTAL line.
run pair_json $FAKE --json "$FIX/pair"
expect_rc pair_json 0
expect_last pair_json "$PAIR_TOTAL"
if head -n 1 "$TMP/pair_json.out" | python3 -c '
import json, sys
d = json.load(sys.stdin)
a, b = d["files"]
assert a["name"] == "a_en_prose" and b["name"] == "b_zh_lines_crlf"
assert a["entry"]["tp"] == 2 and a["entry"]["fp"] == 2 and a["entry"]["fn"] == 1
assert a["link"]["tp"] == 2 and a["link"]["fp"] == 3 and a["link"]["fn"] == 1
assert a["org"]["tp"] == 2 and a["org"]["fp"] == 2 and a["org"]["fn"] == 2
assert a["mention"] == {"correct": 1, "total": 3, "acc": 1 / 3}
assert a["intro"]["ok"] and not a["outro"]["ok"]
assert a["intro"]["gold_end"] == 44 and a["intro"]["pred_end"] == 44
assert a["outro"]["gold_start"] == 213 and a["outro"]["pred_start"] == 239
assert b["link"] is None and b["intro"]["pred_end"] is None
assert b["outro"]["gold_start"] == 83 and b["outro"]["pred_start"] == 83
t = d["total"]
assert (t["entry"]["tp"], t["entry"]["fp"], t["entry"]["fn"]) == (3, 3, 2)
assert abs(t["entry"]["f1"] - 6 / 11) < 1e-12
assert (t["org"]["tp"], t["org"]["fp"], t["org"]["fn"]) == (3, 3, 3)
assert t["mention"]["correct"] == 2 and t["mention"]["total"] == 5
assert t["files"] == 2 and d["failed"] == []
'; then ok; else bad "pair_json: JSON counts"; fi

# --- thresholds: exit 1 and name the failing total on stderr; TOTAL stays last.
run thr_entry $FAKE --min-entry-f1 0.6 "$FIX/pair"
expect_rc thr_entry 1
expect_grep thr_entry err "FAIL entry_f1=0.545"
expect_last thr_entry "$PAIR_TOTAL"
run thr_mention $FAKE --min-mention 0.41 --min-org-f1=0.6 "$FIX/pair"
expect_rc thr_mention 1
expect_grep thr_mention err "FAIL mention=0.400"
expect_grep thr_mention err "FAIL org_f1=0.500"
expect_last thr_mention "$PAIR_TOTAL"
# totals exactly at the threshold pass (link_p is exactly 2/5)
run thr_pass $FAKE --min-entry-f1 0.5 --min-link-p 0.4 --min-link-r 0.66 --min-mention 0.4 "$FIX/pair"
expect_rc thr_pass 0
expect_last thr_pass "$PAIR_TOTAL"
run thr_link $FAKE --min-link-r 0.7 "$FIX/pair"
expect_rc thr_link 1
expect_grep thr_link err "FAIL link_r=0.667"

# --- misc/c_nulls: no intro/outro/refs anywhere, predicted the same -> all ok;
#     the predicted mention of a gold entry with mention null is not counted.
# --- misc/d_fail: the binary exits 3 -> all missed: entries 0/1, link
#     tp=0 fn=1 -> P=0 R=0, mention 0/1, orgs fn=1, intro and outro NO.
# --- totals: entry tp=2 fp=0 fn=1 -> F1=.800; links from d only -> 0/0;
#     mention 1/2; org tp=2 fn=1 -> F1=.800
run misc $FAKE "$FIX/misc"
expect_rc misc 0
expect_line misc c_nulls "entry P=1.000 R=1.000 F1=1.000" "link P=-" \
    "mention=1.000 (1/1)" "org F1=1.000" "intro=ok outro=ok"
expect_line misc d_fail "entry P=0.000 R=0.000 F1=0.000" "link P=0.000 R=0.000" \
    "mention=0.000 (0/1)" "org F1=0.000" "intro=NO outro=NO" "ERROR: exit status 3"
expect_grep misc err "d_fail: tx2json failed"
expect_last misc "TOTAL entry_f1=0.800 link_p=0.000 link_r=0.000 mention=0.500 org_f1=0.800 intro=1/2 outro=1/2 files=2"

# --- units/e_byte_offsets: spans in UTF-8 bytes instead of code points are
#     wrong and reported; no file has refs -> link totals default to 1.000.
run units $FAKE "$FIX/units"
expect_rc units 0
expect_grep units err "differs from the file text"
expect_last units "TOTAL entry_f1=0.000 link_p=1.000 link_r=1.000 mention=0.000 org_f1=0.000 intro=0/1 outro=0/1 files=1"

# --- names/g_names: unlinked-mention precision.  Gold entries: e0 (names
#     WidgetNet, Gizmo Kit), e1 (names FooBench), e2 (no "names": not
#     counted).  Predicted unlinked mentions: at 0, not a gold start:
#     Hello (not counted); at e0: "Gizmo\nKit" (= Gizmo Kit once
#     whitespace is normalised: right), Acme (wrong), WidgetNet is linked
#     (not counted); at e1: FooBench (right), Beta, "the model" (wrong); at
#     e2: Something (not counted) -> 2/5 = .400.  Entries P=3/4 R=1 ->
#     F1=.857; orgs tp=1 (Acme) fn=2 (Beta, Gamma) -> F1=.500.
run names $FAKE "$FIX/names"
expect_rc names 0
expect_line names g_names "entry P=0.750 R=1.000 F1=0.857" "org F1=0.500" "unlinked P=0.400 (2/5)"
NAMES_TOTAL="TOTAL entry_f1=0.857 link_p=1.000 link_r=1.000 mention=1.000 org_f1=0.500 intro=1/1 outro=1/1 files=1 unlinked_p=0.400 (2/5)"
expect_last names "$NAMES_TOTAL"
run names_thr $FAKE --min-unlinked-p 0.5 "$FIX/names"
expect_rc names_thr 1
expect_grep names_thr err "FAIL unlinked_p=0.400"
# files without names: no unlinked figure on their lines, none in TOTAL
if grep -q unlinked "$TMP/pair.out"; then bad "pair: unlinked reported without gold names"; else ok; fi
# self-check: the names other than a linked mention are unlinked mentions
# of the fake prediction, so 2/2 (Gizmo Kit at e0, FooBench at e1)
run names_self --self-check "$FIX/names"
expect_rc names_self 0
expect_last names_self "TOTAL entry_f1=1.000 link_p=1.000 link_r=1.000 mention=1.000 org_f1=1.000 intro=1/1 outro=1/1 files=1 unlinked_p=1.000 (2/2)"
if [ -s "$TMP/names_self.err" ]; then bad "names_self: gold lint warnings"; sed 's/^/    /' "$TMP/names_self.err"; else ok; fi
# names must be a list of non-empty strings
run gold_names --self-check "$FIX/bad/z_names.txt"
expect_rc gold_names 2
expect_grep gold_names err "entries[0].names must be a list of non-empty strings"

# --- self-check: gold scored against itself is perfect everywhere.
run self_fix --self-check "$FIX/pair" "$FIX/misc" "$FIX/units"
expect_rc self_fix 0
expect_last self_fix "TOTAL entry_f1=1.000 link_p=1.000 link_r=1.000 mention=1.000 org_f1=1.000 intro=5/5 outro=5/5 files=5"
run self_corpora --self-check "$ROOT/corpora"
expect_rc self_corpora 0
n=$(grep -c -v '^TOTAL ' "$TMP/self_corpora.out")
expect_last self_corpora "TOTAL entry_f1=1.000 link_p=1.000 link_r=1.000 mention=1.000 org_f1=1.000 intro=$n/$n outro=$n/$n files=$n"
if [ -s "$TMP/self_corpora.err" ]; then
    bad "self_corpora: gold lint warnings"; sed 's/^/    /' "$TMP/self_corpora.err"
else ok; fi

# --- times/f_srt_times (an SRT file; gold entries carry "start" seconds):
#     gold starts 3.5, 6, 8.25, 10; predicted entries at the first three
#     offsets with times 3.5 (right), 6.1 (0.1 s late: wrong), 8.2504 (within
#     the 0.0005 s tolerance: right); "And one more." has no predicted entry
#     (wrong) -> time=2/4.  Entries tp=3 fp=0 fn=1 -> P=1 R=.750 F1=.857.
#     Files without any gold "start" print no time field (all the checks above).
run times $FAKE "$FIX/times"
expect_rc times 0
expect_line times f_srt_times "entry P=1.000 R=0.750 F1=0.857" "intro=ok outro=ok" "time=2/4"
expect_last times "TOTAL entry_f1=0.857 link_p=1.000 link_r=1.000 mention=1.000 org_f1=1.000 intro=1/1 outro=1/1 files=1 time=2/4"
run times_gold $FAKE "$FIX/times/f_srt_times.gold.json"
expect_last times_gold "TOTAL entry_f1=0.857 link_p=1.000 link_r=1.000 mention=1.000 org_f1=1.000 intro=1/1 outro=1/1 files=1 time=2/4"
run times_self --self-check "$FIX/times"
expect_last times_self "TOTAL entry_f1=1.000 link_p=1.000 link_r=1.000 mention=1.000 org_f1=1.000 intro=1/1 outro=1/1 files=1 time=4/4"
# The real subtitle files of corpora/subtitles/ (gold with times, show notes
# in NAME.notes.txt) against themselves: perfect, and no lint warning.
run self_subtitles --self-check "$ROOT/corpora/subtitles"
expect_rc self_subtitles 0
n=$(grep -c -v '^TOTAL ' "$TMP/self_subtitles.out")
expect_grep self_subtitles out "intro=$n/$n outro=$n/$n files=$n time="
if [ -s "$TMP/self_subtitles.err" ]; then
    bad "self_subtitles: gold lint warnings"; sed 's/^/    /' "$TMP/self_subtitles.err"
else ok; fi

# --- gold errors exit 2 and name the gold file and the string.
run gold_missing $FAKE "$FIX/bad/x_missing.txt"
expect_rc gold_missing 2
expect_grep gold_missing err "x_missing.gold.json"
expect_grep gold_missing err "'Nonexistent entry'"
run gold_schema --self-check "$FIX/bad/y_schema.txt"
expect_rc gold_schema 2
expect_grep gold_schema err "y_schema.gold.json"
run gold_start --self-check "$FIX/bad/z_start.txt"
expect_rc gold_start 2
expect_grep gold_start err "entries[0].start must be a number of seconds >= 0"

# --- usage errors exit 2.
run use_none
expect_rc use_none 2
run use_opt --bogus "$FIX/pair"
expect_rc use_opt 2
run use_num --min-entry-f1 abc "$FIX/pair"
expect_rc use_num 2
run use_range --min-link-p 1.5 "$FIX/pair"
expect_rc use_range 2
run use_bin --bin "$TMP/no-such-binary" "$FIX/pair"
expect_rc use_bin 2
run use_nogold $FAKE "$FIX/fake-tx2json"
expect_rc use_nogold 2
run use_missing $FAKE "$FIX/pair/nope.txt"
expect_rc use_missing 2

echo "$pass passed, $fail failed"
[ "$fail" -eq 0 ]
