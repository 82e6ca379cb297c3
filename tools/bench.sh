#!/bin/sh
# bench.sh - make bench: tx2json against the ICU word-break floor on the same
# generated corpus, in one run, with hyperfine medians.
#   (a) throughput, -j 1 and -j 2, MB/s and files/s, on 10,000 Chinese
#       files (the issue's target) and on 10,000 mixed zh/en files;
#   (b) the floor: ICU dictionary word break alone over the same files;
#   (c) start-up: one tiny file, and --version;
#   (d) peak RSS for the 10,000-file batch and one 50 MB file;
#   and the ratios: tx2json / floor, -j 2 / -j 1, time(50 MB) / time(25 MB).
set -eu
BIN=${TX2JSON_BIN:-./tx2json}
FLOOR=${FLOOR:-./build/floor}
DIR=${BENCH_DIR:-build/bench}
RUNS=${BENCH_RUNS:-3}
command -v hyperfine >/dev/null || { echo "bench: needs hyperfine (apt-get install hyperfine)"; exit 1; }
[ -x /usr/bin/time ] || { echo "bench: needs GNU time (apt-get install time)"; exit 1; }
mkdir -p "$DIR"
[ -d "$DIR/corpus10k" ] || tools/gen-corpus --seed 1 --files 10000 --out "$DIR/corpus10k"
[ -d "$DIR/corpus10k-zh" ] || tools/gen-corpus --seed 1 --lang zh --files 10000 --out "$DIR/corpus10k-zh"
[ -f "$DIR/single50.txt" ] || tools/gen-corpus --seed 2 --bytes 50000000 --single "$DIR/single50.txt"
[ -f "$DIR/single25.txt" ] || tools/gen-corpus --seed 2 --bytes 25000000 --single "$DIR/single25.txt"
printf '大家好,这里是某某周报。某公司推出FooNet。\n\n[FooNet] https://a.org/foonet\n' >"$DIR/tiny.txt"
bytes=$(cat "$DIR"/corpus10k/*.txt | wc -c)
bytes_zh=$(cat "$DIR"/corpus10k-zh/*.txt | wc -c)
big="--max-entries 1000000 --max-refs 1000000"

hyperfine -N --warmup 1 --runs "$RUNS" --export-json "$DIR/throughput.json" \
    -n floor "$FLOOR $DIR/corpus10k" \
    -n j1 "$BIN -q -j 1 --format jsonl $DIR/corpus10k" \
    -n j2 "$BIN -q -j 2 --format jsonl $DIR/corpus10k" >/dev/null
hyperfine -N --warmup 1 --runs "$RUNS" --export-json "$DIR/throughput-zh.json" \
    -n floor "$FLOOR $DIR/corpus10k-zh" \
    -n j1 "$BIN -q -j 1 --format jsonl $DIR/corpus10k-zh" \
    -n j2 "$BIN -q -j 2 --format jsonl $DIR/corpus10k-zh" >/dev/null
hyperfine -N --warmup 3 --runs 20 --export-json "$DIR/startup.json" \
    -n tiny "$BIN -q $DIR/tiny.txt" -n version "$BIN --version" >/dev/null
hyperfine -N --warmup 0 --runs "$RUNS" --export-json "$DIR/single.json" \
    -n single25 "$BIN -q -j 1 $big --format jsonl $DIR/single25.txt" \
    -n single50 "$BIN -q -j 1 $big --format jsonl $DIR/single50.txt" >/dev/null
rss_batch=$(/usr/bin/time -f %M "$BIN" -q -j 1 --format jsonl "$DIR/corpus10k" 2>&1 >/dev/null | tail -1)
rss_single=$(/usr/bin/time -f %M "$BIN" -q -j 1 $big --format jsonl "$DIR/single50.txt" 2>&1 >/dev/null | tail -1)

python3 - "$DIR" "$bytes" "$bytes_zh" "$rss_batch" "$rss_single" <<'PY'
import json, sys
d, rss_b, rss_s = sys.argv[1], int(sys.argv[4]), int(sys.argv[5])
def med(f):
    return {r['command']: r['median'] for r in json.load(open(f'{d}/{f}.json'))['results']}
s, u = med('single'), med('startup')
for name, f, nbytes in (('Chinese', 'throughput-zh', int(sys.argv[3])),
                        ('mixed zh/en', 'throughput', int(sys.argv[2]))):
    t, mb = med(f), nbytes / 1e6
    print(f"{name} corpus: 10000 files, {mb:.1f} MB")
    print(f"  (b) floor (ICU word break only): {t['floor']:.2f} s, {mb / t['floor']:.1f} MB/s")
    for k in ('j1', 'j2'):
        print(f"  (a) tx2json -{k[0]} {k[1]}: {t[k]:.2f} s, {mb / t[k]:.1f} MB/s, "
              f"{10000 / t[k]:.0f} files/s")
    print(f"  ratio tx2json -j 1 / floor throughput: {t['floor'] / t['j1']:.2f}")
    print(f"  ratio -j 2 / -j 1 throughput: {t['j1'] / t['j2']:.2f}")
print(f"(c) start-up: tiny file {u['tiny'] * 1000:.1f} ms, --version {u['version'] * 1000:.1f} ms")
print(f"(d) peak RSS: 10,000-file batch {rss_b / 1024:.1f} MB, 50 MB file {rss_s / 1024:.1f} MB")
print(f"ratio time 50 MB / 25 MB: {s['single50'] / s['single25']:.2f}")
PY
