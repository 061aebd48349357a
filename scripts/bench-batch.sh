# Batch measurements of scripts/bench.sh (sourced by it: uses $bin, $work, $root, $sample).
#   - forty articles with --jobs 2 against --jobs 1, both --no-cache (ratio of wall times;
#     target ≤ 0.6 on two cores), and whether their outputs are byte-identical,
#   - a re-render of the sample after editing one paragraph against its cold render (ratio),
#     with the cache misses of each,
#   - peak RSS of each run.
# Forty articles: the corpus's web pages (../shared/corpus, when present) and the repository's
# fixtures; without the corpus, forty numbered copies of the sample.

batch_articles="$work/forty"
mkdir -p "$batch_articles"
corpus="$root/../shared/corpus"
n=0
for page in "$corpus"/articles/*/source.html "$corpus"/articles-intl/*/source.html \
    "$root"/tests/fixtures/*.txt; do
    [[ -f "$page" && $n -lt 40 ]] || continue
    n=$((n + 1))
    cp "$page" "$batch_articles/$(printf '%02d' "$n")-$(basename "$(dirname "$page")").${page##*.}"
done
while ((n < 40)); do
    n=$((n + 1))
    cp "$sample" "$batch_articles/$(printf '%02d' "$n")-sample.txt"
done

timed() { # timed NAME COMMAND…: wall seconds and peak RSS (KB) into $work/NAME.time
    local name="$1"
    shift
    /usr/bin/time -f '%e %M' -o "$work/$name.time" "$@" 2>"$work/$name.log"
}

# Interleaved: jobs 1, jobs 2, jobs 1, jobs 2 … (median of each).
runs="${BATCH_RUNS:-1}"
for i in $(seq "$runs"); do
    for jobs in 1 2; do
        rm -rf "$work/forty-j$jobs"
        timed "forty-j$jobs-$i" "$bin" render -q --no-cache --jobs "$jobs" \
            -o "$work/forty-j$jobs" "$batch_articles"
    done
done
median() { sort -n | awk '{ v[NR] = $1 } END { print (NR % 2) ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2 }'; }
j1="$(for i in $(seq "$runs"); do cut -d' ' -f1 "$work/forty-j1-$i.time"; done | median)"
j2="$(for i in $(seq "$runs"); do cut -d' ' -f1 "$work/forty-j2-$i.time"; done | median)"
j1_rss="$(cut -d' ' -f2 "$work/forty-j1-1.time")"
j2_rss="$(cut -d' ' -f2 "$work/forty-j2-1.time")"
if diff -r -q "$work/forty-j1" "$work/forty-j2" >/dev/null; then
    identical="byte-identical"
else
    identical="DIFFERENT"
fi
audio_files="$(find "$work/forty-j1" -name '*.wav' | wc -l)"

# The sample cold (empty cache), then again after one paragraph is edited.
cache="$work/cache"
edited="$work/edited/$(basename "$sample")"
mkdir -p "$work/edited"
# The fifth paragraph (a line of its own) gets one more sentence.
awk 'NF && ++p == 5 { $0 = $0 " One more sentence was added to this paragraph." } { print }' \
    "$sample" >"$edited"
timed cold "$bin" render -q --cache-dir "$cache" --report "$work/cold.json" -o "$work/cold" "$sample"
timed edit "$bin" render -q --cache-dir "$cache" --report "$work/edit.json" -o "$work/edit" "$edited"
read -r cold_s cold_rss <"$work/cold.time"
read -r edit_s edit_rss <"$work/edit.time"
misses() { python3 -c 'import json,sys; a=json.load(open(sys.argv[1]))["articles"][0]; print(a["cache_misses"], "of", a["cache_hits"] + a["cache_misses"])' "$1"; }

ratio() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.2f", a / b }'; }
echo "forty articles: $audio_files files; --jobs 1 ${j1} s, --jobs 2 ${j2} s (no cache, median of $runs); ratio $(ratio "$j2" "$j1") (target ≤ 0.60); outputs $identical"
echo "                peak RSS --jobs 1 $((j1_rss / 1024)) MB, --jobs 2 $((j2_rss / 1024)) MB (the largest process)"
echo "edited re-render: cold ${cold_s} s ($(misses "$work/cold.json") utterances spoken), after editing one paragraph ${edit_s} s ($(misses "$work/edit.json") spoken); ratio $(ratio "$edit_s" "$cold_s")"
echo "                peak RSS cold $((cold_rss / 1024)) MB, re-render $((edit_rss / 1024)) MB"
if [[ "$identical" != "byte-identical" ]]; then
    echo "FAIL: --jobs 2 and --jobs 1 wrote different files" >&2
    exit 1
fi
