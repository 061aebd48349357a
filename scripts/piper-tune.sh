#!/usr/bin/env bash
# How articast's Piper engine runs best on this machine: sessions × intra-op threads, and ONNX
# Runtime's memory options (CPU arena, memory pattern), measured side by side.
#
# Each configuration renders the same article with `--voice joe --no-cache` (so every sentence
# is spoken), the configurations taking turns run after run (round-robin), so a burst of load
# from other work on the machine falls on all of them alike. Reported per configuration: median
# wall time, throughput (audio seconds per wall second), peak RSS, and the 1-minute load average
# seen at the start of its runs. The WAV of every run is hashed: the speech must not depend on the
# configuration (the noise is seeded per sentence), so one hash is expected per thread count (the
# number of intra-op threads changes how ONNX Runtime splits its sums, so it is part of the
# cache key).
#
# Usage: scripts/piper-tune.sh [RUNS] [ARTICLE]     (RUNS defaults to 3; ARTICLE to the sample)
# Environment: CONFIGS, a space-separated list of sessions:threads:arena:pattern:prepack:jobs
#   (ARTICAST_PIPER_SESSIONS, _THREADS, _ARENA, _MEMORY_PATTERN, _SHARE_PREPACKED; the flags 1 or
#   0; jobs is `--jobs`: with more than one, engine sets speak utterances side by side instead of
#   one engine speaking the next 24 together). Default: sessions × threads on up to 2 cores with
#   the memory options on and one job, then two jobs, then each memory option off in turn.
# Needs: scripts/setup.sh done, GNU time (/usr/bin/time).
set -euo pipefail

runs="${1:-3}"
root="$(cd "$(dirname "$0")/.." && pwd)"
article="${2:-$root/tests/fixtures/free-russian-legion.txt}"
py="$root/.venv/bin/python"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT

configs="${CONFIGS:-1:1:1:1:1:1 1:2:1:1:1:1 2:1:1:1:1:1 2:2:1:1:1:1 2:1:1:1:1:2 2:1:0:1:1:1 2:1:1:0:1:1 2:1:1:1:0:1}"

cargo build --release --quiet --manifest-path "$root/Cargo.toml"
bin="$root/target/release/articast"
seconds_of() { "$py" -c 'import sys, wave; w = wave.open(sys.argv[1]); print(w.getnframes() / w.getframerate())' "$1"; }

echo "machine: $(nproc) cores; article: $(basename "$article"); runs: $runs"
for i in $(seq "$runs"); do
    for c in $configs; do
        IFS=: read -r sessions threads arena pattern prepack jobs <<<"$c"
        load="$(cut -d' ' -f1 /proc/loadavg)"
        out="$work/out-$c"
        rm -rf "$out"
        ARTICAST_PIPER_SESSIONS="$sessions" ARTICAST_PIPER_THREADS="$threads" \
        ARTICAST_PIPER_ARENA="$arena" ARTICAST_PIPER_MEMORY_PATTERN="$pattern" \
        ARTICAST_PIPER_SHARE_PREPACKED="$prepack" \
            /usr/bin/time -f '%M %e' -o "$work/t" \
            "$bin" render -q --no-cache --voice joe --sidecars none -j "$jobs" -o "$out" "$article"
        read -r kb wall <"$work/t"
        wav="$(ls "$out"/*.wav)"
        hash="$(sha256sum "$wav" | cut -c1-12)"
        echo "$c $wall $kb $(seconds_of "$wav") $load $hash" >>"$work/results"
        echo "run $i: $c wall ${wall}s rss $((kb / 1024))MB load $load wav $hash"
    done
done

"$py" - "$work/results" <<'EOF'
import statistics, sys
rows = [l.split() for l in open(sys.argv[1])]
order = list(dict.fromkeys(r[0] for r in rows))
print(f"{'sessions:threads:arena:pattern:prepack:jobs':44s} {'wall s':>7s} {'audio/wall':>10s} {'peak RSS MB':>11s} {'load':>9s}")
for c in order:
    r = [x for x in rows if x[0] == c]
    wall = statistics.median(float(x[1]) for x in r)
    audio = statistics.median(float(x[3]) for x in r)
    rss = max(int(x[2]) for x in r) / 1024
    loads = [float(x[4]) for x in r]
    print(f"{c:44s} {wall:7.1f} {audio / wall:10.2f} {rss:11.0f} {min(loads):4.1f}-{max(loads):<4.1f}")
# The intra-op thread count changes how sums are split (the last bits of the samples); nothing
# else may change a byte.
for threads in sorted({x[0].split(":")[1] for x in rows}):
    hashes = {x[5] for x in rows if x[0].split(":")[1] == threads}
    print(f"{threads} thread(s) per session: " + ("WAV identical across every run and configuration"
          if len(hashes) == 1 else f"WAV differs between runs: {len(hashes)} different hashes"))
EOF
