#!/usr/bin/env python3
"""Reads caption and chapter files with webvtt-py, a parser that is not articast's own.

    read_captions.py FILE.vtt|FILE.srt

Output: a JSON list of {"start": seconds, "end": seconds, "text": str}. Exits non-zero (with
webvtt-py's message) when the file does not parse.
"""
import json
import sys

import webvtt


def seconds(ts):
    h, m, s = ts.replace(",", ".").split(":")
    return int(h) * 3600 + int(m) * 60 + float(s)


path = sys.argv[1]
captions = webvtt.from_srt(path) if path.endswith(".srt") else webvtt.read(path)
print(json.dumps([
    {"start": seconds(c.start), "end": seconds(c.end), "text": c.text}
    for c in captions
], ensure_ascii=False))
