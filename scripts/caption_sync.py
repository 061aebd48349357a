#!/usr/bin/env python3
"""How well do articast's captions start where the words are heard?

Renders the sample article with espeak-ng, listens to it with the offline recognizer in
/work/shared/tools/asr_check.py --words (Whisper word timings, good to about 0.1-0.2 s), aligns
the caption words to the heard words, and prints the share of captions that start within 0.3 s
of where their first words are heard (target: at least 90 %). A caption is measured at the
first of its first three words that the recognizer heard and timed (it gives some words no
length, hence no time): the caption start against the heard start of its first word, or, for
the second or third word, that word's start in the timing map against its heard start.

A second, recognizer-free figure: for captions that begin after a silence, the distance from the
caption start to the first loud 5-ms window of the WAV (the speech onset).

    ~/.cache/asr-venv/bin/python scripts/caption_sync.py [--articast target/debug/articast]
        [--asr /work/shared/tools/asr_check.py] [--keep DIR] [--tolerance 0.3]

Needs webvtt-py, soundfile and faster-whisper in the Python that runs it (all three in
~/.cache/asr-venv).
"""
import argparse
import difflib
import json
import os
import re
import subprocess
import sys
import tempfile
import unicodedata

import webvtt

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
SAMPLE = os.path.join(ROOT, "tests", "fixtures", "free-russian-legion.txt")


def tokens(text):
    # Curly apostrophes straight, accents off ("César" is heard as "Cesar").
    plain = unicodedata.normalize("NFKD", text.replace("\u2019", "'"))
    return re.findall(r"[a-z0-9']+", plain.encode("ascii", "ignore").decode().lower())


def seconds(ts):
    h, m, s = ts.split(":")
    return int(h) * 3600 + int(m) * 60 + float(s)


def heard_words(asr, wav, cache):
    if os.path.exists(cache) and os.path.getmtime(cache) > os.path.getmtime(wav):
        out = open(cache, encoding="utf-8").read()
    else:
        out = subprocess.run([sys.executable, asr, wav, "--words"], check=True,
                             capture_output=True, text=True).stdout
        open(cache, "w", encoding="utf-8").write(out)
    words = []
    for line in out.splitlines():
        m = re.match(r"\s*([\d.]+)\s+([\d.]+)\s+(.+)$", line)
        if m:
            for t in tokens(m.group(3)):
                words.append((float(m.group(1)), t, float(m.group(2)) - float(m.group(1))))
    return words


def onsets(wav, starts):
    """Onset minus caption start, for captions whose start lies near the end of a silence."""
    import numpy as np
    import soundfile as sf

    x, sr = sf.read(wav, dtype="int16", always_2d=True)
    x = np.abs(x[:, 0].astype(np.int32))
    w = int(sr * 0.005)
    found = []
    for t in starts:
        a = max(0, int((t - 0.3) * sr))
        seg = x[a:a + int(0.6 * sr)]
        peaks = [int(seg[i:i + w].max()) for i in range(0, len(seg) - w, w)]
        for i in range(10, len(peaks)):
            if peaks[i] > 1000 and max(peaks[i - 10:i]) < 300:
                found.append((a / sr + i * 0.005) - t)
                break
    return found


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--articast", default=os.path.join(ROOT, "target", "debug", "articast"))
    ap.add_argument("--asr", default="/work/shared/tools/asr_check.py")
    ap.add_argument("--keep", help="render into this folder and keep it")
    ap.add_argument("--tolerance", type=float, default=0.3)
    ap.add_argument("--no-render", action="store_true",
                    help="reuse the WAV and captions in --keep (and the heard words if newer)")
    ap.add_argument("--verbose", action="store_true", help="print every caption's offset")
    args = ap.parse_args()

    out = args.keep or tempfile.mkdtemp(prefix="caption-sync-")
    if not args.no_render:
        subprocess.run([args.articast, "render", "-q", "-o", out, "--sidecars", "vtt,timing",
                        SAMPLE], check=True)
    stem = os.path.splitext(os.path.basename(SAMPLE))[0]
    cues = list(webvtt.read(os.path.join(out, stem + ".vtt")))
    captions = [(seconds(c.start), c.text.split()) for c in cues]
    heard = heard_words(args.asr, os.path.join(out, stem + ".wav"),
                        os.path.join(out, stem + ".heard.txt"))
    # Our start of every word, in the order the captions show them.
    timing = json.load(open(os.path.join(out, stem + ".timing.json"), encoding="utf-8"))
    word_starts = [w["start"] for s in timing["sentences"] for w in s.get("words", [])]
    if len(word_starts) != sum(len(ws) for _, ws in captions):
        sys.exit("caption_sync: the timing map's words are not the captions' words")

    # Align the caption tokens with the heard tokens; equal runs and same-length replacements
    # (misheard words) map token to token; a replacement of another length (a word heard as
    # two, two as one) begins where the heard run begins, between the same matched neighbours.
    # A heard word of zero length carries no time (the recognizer could not place it).
    ours = [(i, j, t) for i, (_, ws) in enumerate(captions)
            for j, w in enumerate(ws) for t in tokens(w)]
    matcher = difflib.SequenceMatcher(a=[t for _, _, t in ours], b=[h[1] for h in heard],
                                      autojunk=False)
    heard_at = {}
    for op, a0, a1, b0, b1 in matcher.get_opcodes():
        pairs = []
        if op == "equal" or (op == "replace" and a1 - a0 == b1 - b0):
            pairs = [(a0 + n, b0 + n) for n in range(a1 - a0)]
        elif op == "replace":
            pairs = [(a0, b0)]
        for a, b in pairs:
            if heard[b][2] > 0:
                heard_at[a] = heard[b][0]
    first_token = {}
    for n, (i, j, _) in enumerate(ours):
        first_token.setdefault((i, j), n)

    # Each caption is measured at the first of its first three words that the recognizer
    # heard and timed: our start of that word (the caption start, for the first word)
    # against the heard start.
    offsets, unaligned, by_word = [], 0, [0, 0, 0]
    word_base = 0
    for i, (start, ws) in enumerate(captions):
        base, word_base = word_base, word_base + len(ws)
        measured = next(((j, first_token[(i, j)]) for j in range(min(3, len(ws)))
                         if first_token.get((i, j)) in heard_at), None)
        if measured is None:
            unaligned += 1
            if args.verbose:
                print(f"unaligned {start:8.2f} {' '.join(ws[:6])}")
            continue
        j, n = measured
        by_word[j] += 1
        ours_at = start if j == 0 else word_starts[base + j]
        offsets.append(ours_at - heard_at[n])
        if args.verbose:
            print(f"{offsets[-1]:+.2f} {start:8.2f} word {j + 1}: {' '.join(ws[:6])}")

    within = sum(abs(d) <= args.tolerance for d in offsets)
    total = len(captions)
    print(f"captions: {total}, measured: {len(offsets)} (at their first word {by_word[0]}, "
          f"second {by_word[1]}, third {by_word[2]}), not heard or not timed: {unaligned}")
    if offsets:
        offsets.sort()
        print(f"caption start - heard start: median {offsets[len(offsets) // 2]:+.3f} s, "
              f"min {offsets[0]:+.3f} s, max {offsets[-1]:+.3f} s")
        print(f"within {args.tolerance} s: {within}/{len(offsets)} aligned = "
              f"{100 * within / len(offsets):.1f} % (of all captions: {100 * within / total:.1f} %)")
    found = onsets(os.path.join(out, stem + ".wav"), [start for start, _ in captions])
    if found:
        close = sum(abs(d) <= 0.05 for d in found)
        found.sort()
        print(f"captions after a silence: {len(found)}; speech onset within 0.05 s of the caption "
              f"start: {close} ({100 * close / len(found):.1f} %), median {found[len(found) // 2]:+.3f} s")
    return 0 if offsets and within >= 0.9 * total else 1


if __name__ == "__main__":
    sys.exit(main())
