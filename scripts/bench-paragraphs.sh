#!/usr/bin/env bash
# Benchmark of many short paragraphs (#14): N one-line paragraphs rendered with the release build
# and the espeak engine, against bare `espeak-ng -w` speaking the same text in the same run.
# Prints both wall times, the ratio (target ≤ 2), peak memory and the render's stage times.
#
# Usage: scripts/bench-paragraphs.sh [N] [BINARY]   (N defaults to 100000; BINARY to the
# release build, built when missing)
# Needs: GNU time (/usr/bin/time), espeak-ng, and free disk: at 100,000 paragraphs (about 100 hours
# of audio) some 16 GB for each WAV and 32 GB for articast's spool.
set -euo pipefail

n="${1:-100000}"
root="$(cd "$(dirname "$0")/.." && pwd)"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT

bin="${2:-$root/target/release/articast}"
[ -x "$bin" ] || cargo build --release --quiet --all-features --manifest-path "$root/Cargo.toml"

article="$work/paragraphs.txt"
{
    printf 'Many Paragraphs\n\n'
    for ((i = 0; i < n; i++)); do printf 'Line %d is short.\n\n' "$i"; done
} >"$article"

/usr/bin/time -f '%M %e' -o "$work/espeak.time" espeak-ng -w "$work/espeak.wav" -f "$article"
read -r espeak_kb espeak_s <"$work/espeak.time"
rm -f "$work/espeak.wav"

# No cache: espeak-ng alone has none either (and 100,000 paragraphs would fill it with some 16 GB).
if ! /usr/bin/time -f '%M %e' -o "$work/render.time" \
    "$bin" render -q --no-cache --timings --sidecars none -o "$work/out" "$article" 2>"$work/render.log"; then
    echo "articast failed:" >&2
    tail -5 "$work/render.log" >&2
    exit 1
fi
read -r rss_kb render_s <"$work/render.time"

echo "article:   $n one-line paragraphs ($(wc -c <"$article") bytes)"
echo "render:    $(grep -m1 'wrote' "$work/render.log" | sed 's/^[^:]*: //')"
echo "stages:    $(grep -m1 '^timings:' "$work/render.log" | sed 's/^timings: //')"
echo "wall time: articast ${render_s} s; espeak-ng alone ${espeak_s} s; ratio $(awk -v a="$render_s" -v b="$espeak_s" 'BEGIN { printf "%.2f", a / b }') (target ≤ 2)"
echo "peak RSS:  articast $((rss_kb / 1024)) MB; espeak-ng alone $((espeak_kb / 1024)) MB"
