#!/usr/bin/env python3
"""Print the phoneme ids the reference Python piper (PyPI `piper-tts`) gives each sentence.

One JSON line per non-empty input line: [[ids of sentence 1], [ids of sentence 2], ...], the
format of `cargo run --example piper-ids`.

Usage: piper_ids.py VOICE.onnx [--espeak-data DIR] < text.txt
"""
import argparse
import json
import sys

from piper import PiperVoice
from piper.phonemize_espeak import ESPEAK_DATA_DIR


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("model")
    ap.add_argument("--espeak-data", default=str(ESPEAK_DATA_DIR),
                    help="espeak-ng-data folder (default: the one inside piper-tts)")
    args = ap.parse_args()
    voice = PiperVoice.load(args.model, espeak_data_dir=args.espeak_data)
    for line in sys.stdin:
        line = line.strip()
        if not line:
            continue
        sentences = voice.phonemize(line)
        print(json.dumps([voice.phonemes_to_ids(p) for p in sentences]))


if __name__ == "__main__":
    main()
