#!/usr/bin/env bash
# Benchmark of one article end to end: the sample article rendered by the release build
# (cleaning, synthesis, loudness, WAV and every default sidecar; no cache) against bare
# `espeak-ng -v en-us -w` speaking the article's cleaned text, in interleaved runs of the same
# session. Prints each median and their ratio (target: ≤ 1.0), and where the render's time went.
#
# Usage: scripts/bench-sample.sh [RUNS] [BINARY]   (RUNS defaults to 7)
# Needs: espeak-ng, python3.
set -euo pipefail

runs="${1:-7}"
root="$(cd "$(dirname "$0")/.." && pwd)"
bin="${2:-$root/target/release/articast}"
sample="$root/tests/fixtures/free-russian-legion.txt"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT

[ -x "$bin" ] || cargo build --release --quiet --all-features --manifest-path "$root/Cargo.toml"

# The cleaned text: what the render speaks (title and every block), one block per paragraph.
"$bin" inspect --json "$sample" | python3 -c '
import json, sys
article = json.load(sys.stdin)
blocks = [article.get("title") or ""] + [b["text"] for b in article["blocks"] if b.get("text")]
print("\n\n".join(blocks))
' >"$work/cleaned.txt"

seconds() { # wall seconds of a command, to the millisecond
    local start end
    start=$(date +%s.%N)
    "$@" >/dev/null 2>&1
    end=$(date +%s.%N)
    awk -v a="$start" -v b="$end" 'BEGIN { printf "%.3f\n", b - a }'
}

: >"$work/espeak.times"
: >"$work/render.times"
for ((i = 0; i < runs; i++)); do
    seconds espeak-ng -v en-us -w "$work/espeak.wav" -f "$work/cleaned.txt" >>"$work/espeak.times"
    rm -rf "$work/out"
    seconds "$bin" render -q --no-cache -o "$work/out" "$sample" >>"$work/render.times"
done
median() { sort -n "$1" | awk '{ v[NR] = $1 } END { print (NR % 2) ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2 }'; }
espeak_s=$(median "$work/espeak.times")
render_s=$(median "$work/render.times")
"$bin" render -q --force --no-cache --timings -o "$work/out" "$sample" 2>"$work/timings.log" || true

echo "sample article: $(wc -w <"$work/cleaned.txt") words cleaned; $runs interleaved runs each"
echo "bare espeak-ng: median ${espeak_s} s ($(paste -sd' ' "$work/espeak.times"))"
echo "articast:       median ${render_s} s ($(paste -sd' ' "$work/render.times"))"
echo "ratio:          $(awk -v a="$render_s" -v b="$espeak_s" 'BEGIN { printf "%.2f", a / b }') (target ≤ 1.0)"
echo "stages:         $(grep -m1 '^timings:' "$work/timings.log" | sed 's/^timings: //')"
