#!/usr/bin/env bash
# Benchmark of a long render: peak memory and where the time goes.
#
# Builds an article ten times the sample's length (the sample's body repeated), renders it with
# the release build and the espeak engine, and reports:
#   - peak RSS of the render (target: at most 64 MB, flat as articles grow),
#   - the share of the render spent in each stage, and the passes over the audio (--timings),
#   - the render's wall time against bare `espeak-ng -w` speaking the same text, in the same run,
#   - then the batch measurements of scripts/bench-batch.sh (forty articles --jobs 2 against
#     --jobs 1, a re-render after editing one paragraph against the cold render),
#   - and scripts/bench-sample.sh: the sample article end to end against bare espeak-ng on its
#     cleaned text (medians of interleaved runs).
#
# Usage: scripts/bench.sh [REPEAT]   (REPEAT defaults to 10)
# Needs: GNU time (/usr/bin/time), espeak-ng.
set -euo pipefail

repeat="${1:-10}"
root="$(cd "$(dirname "$0")/.." && pwd)"
sample="$root/tests/fixtures/free-russian-legion.txt"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT

cargo build --release --quiet --all-features --manifest-path "$root/Cargo.toml"
bin="$root/target/release/articast"

# Title block once, then the body REPEAT times: one long article. Each copy's paragraphs start
# with "Part N." (a paragraph repeated word for word is dropped as the page's boilerplate, so
# plain copies would clean back to one sample).
article="$work/long-article.txt"
{
    head -n 4 "$sample"
    for i in $(seq "$repeat"); do
        tail -n +5 "$sample" | sed -E "s/^([A-Z“\"])/Part $i. \1/"
        printf '\n\n'
    done
} >"$article"
words=$(wc -w <"$article")

/usr/bin/time -f '%M %e' -o "$work/render.time" \
    "$bin" render -q --no-cache --timings -o "$work/out" "$article" 2>"$work/render.log"
read -r rss_kb render_s <"$work/render.time"

# The same text, spoken by espeak-ng alone into one WAV (no parsing, trimming or mastering).
/usr/bin/time -f '%M %e' -o "$work/espeak.time" \
    espeak-ng -w "$work/espeak.wav" -f "$article"
read -r espeak_kb espeak_s <"$work/espeak.time"

report="$(grep -m1 'wrote' "$work/render.log" || true)"
timings="$(grep -m1 '^timings:' "$work/render.log" | sed 's/^timings: //')"
share() { sed -n "s/.*$1 [0-9.]* s (\([0-9.]*\)%).*/\1/p" <<<"$timings"; }

echo "article:        $repeat × sample, $words words"
echo "render:         ${report#*: }"
echo "peak RSS:       $((rss_kb / 1024)) MB (target ≤ 64 MB); espeak-ng alone: $((espeak_kb / 1024)) MB"
echo "wall time:      ${render_s} s; espeak-ng alone: ${espeak_s} s; ratio $(awk -v a="$render_s" -v b="$espeak_s" 'BEGIN { printf "%.2f", a / b }')"
echo "stages:         $timings"
echo "synthesis share: $(share synthesis)% of the render; mastering share: $(share mastering)%"
source "$root/scripts/bench-batch.sh"
bash "$root/scripts/bench-sample.sh" 7 "$bin"
if ((rss_kb > 64 * 1024)); then
    echo "FAIL: peak RSS above 64 MB" >&2
    exit 1
fi

