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
[ -d "$DIR/episodes2k-zh" ] || tools/gen-corpus --seed 1 --lang zh --episodes 2000 --out "$DIR/episodes2k-zh"
[ -f "$DIR/single5.txt" ] || tools/gen-corpus --seed 2 --bytes 5000000 --single "$DIR/single5.txt"
[ -f "$DIR/single50.txt" ] || tools/gen-corpus --seed 2 --bytes 50000000 --single "$DIR/single50.txt"
[ -f "$DIR/single25.txt" ] || tools/gen-corpus --seed 2 --bytes 25000000 --single "$DIR/single25.txt"
printf '大家好,这里是某某周报。某公司推出FooNet。\n\n[FooNet] https://a.org/foonet\n' >"$DIR/tiny.txt"
bytes=$(cat "$DIR"/corpus10k/*.txt | wc -c)
bytes_zh=$(cat "$DIR"/corpus10k-zh/*.txt | wc -c)
bytes_ep=$(cat "$DIR"/episodes2k-zh/*.txt | wc -c)
episode=${BENCH_EPISODE:-corpora/101_zh_qianyan_sudi_202403.txt}
big="--max-entries 1000000 --max-refs 1000000"

hyperfine -N --warmup 1 --runs "$RUNS" --export-json "$DIR/throughput.json" \
    -n floor "$FLOOR $DIR/corpus10k" \
    -n j1 "$BIN -q -j 1 --format jsonl $DIR/corpus10k" \
    -n j2 "$BIN -q -j 2 --format jsonl $DIR/corpus10k" >/dev/null
hyperfine -N --warmup 1 --runs "$RUNS" --export-json "$DIR/throughput-zh.json" \
    -n floor "$FLOOR $DIR/corpus10k-zh" \
    -n j1 "$BIN -q -j 1 --format jsonl $DIR/corpus10k-zh" \
    -n j2 "$BIN -q -j 2 --format jsonl $DIR/corpus10k-zh" >/dev/null
hyperfine -N --warmup 1 --runs "$RUNS" --export-json "$DIR/throughput-ep.json" \
    -n floor "$FLOOR $DIR/episodes2k-zh" \
    -n j1 "$BIN -q -j 1 --format jsonl $DIR/episodes2k-zh" \
    -n j2 "$BIN -q -j 2 --format jsonl $DIR/episodes2k-zh" >/dev/null
hyperfine -N --warmup 3 --runs 20 --export-json "$DIR/startup.json" \
    -n tiny "$BIN -q $DIR/tiny.txt" -n episode "$BIN -q $episode" \
    -n version "$BIN --version" -n check "$BIN check rules" >/dev/null
hyperfine -N --warmup 0 --runs "$RUNS" --export-json "$DIR/single.json" \
    -n single25 "$BIN -q -j 1 $big --format jsonl $DIR/single25.txt" \
    -n single50 "$BIN -q -j 1 $big --format jsonl $DIR/single50.txt" >/dev/null
rss_batch=$(/usr/bin/time -f %M "$BIN" -q -j 1 --format jsonl "$DIR/corpus10k" 2>&1 >/dev/null | tail -1)
rss_single=""
for n in 5 25 50; do
    rss_single="$rss_single $(/usr/bin/time -f %M "$BIN" -q -j 1 $big --format jsonl "$DIR/single$n.txt" 2>&1 >/dev/null | tail -1)"
    rss_single="$rss_single $(wc -c <"$DIR/single$n.txt")"
done

python3 - "$DIR" "$bytes" "$bytes_zh" "$bytes_ep" "$rss_batch" $rss_single <<'PY'
import json, sys
d, rss_b = sys.argv[1], int(sys.argv[5])
def load(f):
    return {r['command']: r for r in json.load(open(f'{d}/{f}.json'))['results']}
def med(f):
    return {k: r['median'] for k, r in load(f).items()}
s, u = med('single'), med('startup')
for name, f, nbytes, files in (('Chinese', 'throughput-zh', int(sys.argv[3]), 10000),
                               ('mixed zh/en', 'throughput', int(sys.argv[2]), 10000),
                               ('episode-sized Chinese', 'throughput-ep', int(sys.argv[4]), 2000)):
    t, mb = med(f), nbytes / 1e6
    print(f"{name} corpus: {files} files, {mb:.1f} MB")
    print(f"  (b) floor (ICU word break only): {t['floor']:.2f} s, {mb / t['floor']:.1f} MB/s")
    for k in ('j1', 'j2'):
        print(f"  (a) tx2json -{k[0]} {k[1]}: {t[k]:.2f} s, {mb / t[k]:.1f} MB/s, "
              f"{files / t[k]:.0f} files/s")
    print(f"  ratio tx2json -j 1 / floor throughput: {t['floor'] / t['j1']:.2f}")
    print(f"  ratio -j 2 / -j 1 throughput: {t['j1'] / t['j2']:.2f}")
cpu = {k: r['user'] + r['system'] for k, r in load('throughput-ep').items()}
print(f"  CPU time -j 2 / -j 1 (user + system): {cpu['j2'] / cpu['j1']:.2f}")
print(f"(c) start-up: tiny file {u['tiny'] * 1000:.1f} ms, one Chinese episode "
      f"{u['episode'] * 1000:.1f} ms, --version {u['version'] * 1000:.1f} ms, "
      f"check rules {u['check'] * 1000:.1f} ms")
print(f"(d) peak RSS: 10,000-file batch {rss_b / 1024:.1f} MB")
for rss, size in zip(sys.argv[6::2], sys.argv[7::2]):
    print(f"    {int(size) / 1e6:.0f} MB file: {int(rss) / 1024:.1f} MB, "
          f"{int(rss) * 1024 / int(size):.2f}x the input")
print(f"ratio time 50 MB / 25 MB: {s['single50'] / s['single25']:.2f}")
PY
