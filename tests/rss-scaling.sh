#!/bin/sh
# rss-scaling.sh - memory growth check: peak RSS (GNU time's %M) of one
# generated single file of N bytes and of 2N bytes (tools/gen-corpus
# --single, as make bench makes its 5 to 50 MB files), written to standard
# output as JSONL (the streamed path).  Fails when the memory beyond a tiny
# file's (the start-up: rules, ICU data) grows by more than RSS_LIMIT
# (default 2.3) from N to 2N, or when that memory passes RSS_PER_BYTE
# (default 8; issue 14's target is 4) times the input at 2N.  Run by
# `make pathological`.
#   RSS_N        N in bytes (default 4000000)
set -eu
BIN=${TX2JSON_BIN:-./tx2json}
N=${RSS_N:-4000000}
LIMIT=${RSS_LIMIT:-2.3}
PER_BYTE=${RSS_PER_BYTE:-8}
[ -x /usr/bin/time ] || { echo "rss-scaling: skipped (needs GNU time)"; exit 0; }
TMP=$(mktemp -d "${TMPDIR:-/tmp}/tx2json-rss.XXXXXX")
trap 'rm -rf "$TMP"' EXIT INT TERM
big="--max-entries 1000000 --max-refs 1000000"
printf 'hello.\n' >"$TMP/tiny.txt"
python3 tools/gen-corpus --seed 2 --bytes "$N" --single "$TMP/n.txt" >/dev/null
python3 tools/gen-corpus --seed 2 --bytes $((2 * N)) --single "$TMP/2n.txt" >/dev/null
rss() { /usr/bin/time -f %M "$BIN" -q -j 1 $big --format jsonl "$1" 2>&1 >/dev/null | tail -1; }
base=$(rss "$TMP/tiny.txt")
r1=$(rss "$TMP/n.txt")
r2=$(rss "$TMP/2n.txt")
python3 - "$base" "$r1" "$r2" "$(wc -c <"$TMP/n.txt")" "$(wc -c <"$TMP/2n.txt")" "$LIMIT" "$PER_BYTE" <<'PY'
import sys
base, r1, r2, n1, n2 = (int(x) for x in sys.argv[1:6])
limit, per_byte = float(sys.argv[6]), float(sys.argv[7])
g1, g2 = max(r1 - base, 1), r2 - base
ratio, x = g2 / g1, g2 * 1024 / n2
ok = ratio <= limit and x <= per_byte
print(f"rss-scaling: N={n1} rss(N)={r1 / 1024:.1f} MB rss(2N)={r2 / 1024:.1f} MB "
      f"(start-up {base / 1024:.1f} MB) growth ratio={ratio:.2f} growth(2N)/input={x:.2f} "
      f"{'ok' if ok else 'FAIL'}")
sys.exit(0 if ok else 1)
PY
