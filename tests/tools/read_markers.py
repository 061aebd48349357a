#!/usr/bin/env python3
"""Reads a WAV's markers with readers that are not articast's own and prints them as JSON.

    read_markers.py wavinfo FILE     # Python wavinfo: cues, labl, ltxt lengths
    read_markers.py sndfile FILE     # libsndfile (SFC_GET_CUE through ctypes)

Output: a JSON list of {"frame": int, "label": str} (plus "length" for wavinfo when present).
"""
import ctypes
import ctypes.util
import json
import sys


def with_wavinfo(path):
    import wavinfo

    info = wavinfo.WavInfoReader(path, info_encoding="utf-8")
    out = []
    for cue in info.cues.cues:
        label, note = info.cues.label_and_note(cue.name)
        entry = {"frame": cue.sample_offset, "label": label}
        ranges = [r for r in info.cues.ranges if r.name == cue.name]
        if ranges:
            entry["length"] = ranges[0].length
        out.append(entry)
    return out


SFC_GET_CUE_COUNT = 0x10CD
SFC_GET_CUE = 0x10CE


class CuePoint(ctypes.Structure):
    _fields_ = [
        ("indx", ctypes.c_int32),
        ("position", ctypes.c_uint32),
        ("fcc_chunk", ctypes.c_int32),
        ("chunk_start", ctypes.c_int32),
        ("block_start", ctypes.c_int32),
        ("sample_offset", ctypes.c_uint32),
        ("name", ctypes.c_char * 256),
    ]


class SfInfo(ctypes.Structure):
    _fields_ = [
        ("frames", ctypes.c_int64),
        ("samplerate", ctypes.c_int),
        ("channels", ctypes.c_int),
        ("format", ctypes.c_int),
        ("sections", ctypes.c_int),
        ("seekable", ctypes.c_int),
    ]


def with_sndfile(path):
    lib = ctypes.CDLL(ctypes.util.find_library("sndfile") or "libsndfile.so.1")
    lib.sf_open.restype = ctypes.c_void_p
    lib.sf_open.argtypes = [ctypes.c_char_p, ctypes.c_int, ctypes.POINTER(SfInfo)]
    lib.sf_command.argtypes = [ctypes.c_void_p, ctypes.c_int, ctypes.c_void_p, ctypes.c_int]
    lib.sf_close.argtypes = [ctypes.c_void_p]
    info = SfInfo()
    handle = lib.sf_open(path.encode(), 0x10, ctypes.byref(info))  # SFM_READ
    if not handle:
        raise SystemExit(f"libsndfile cannot open {path}")
    count = ctypes.c_uint32(0)
    lib.sf_command(handle, SFC_GET_CUE_COUNT, ctypes.byref(count), ctypes.sizeof(count))

    class Cues(ctypes.Structure):
        _fields_ = [("cue_count", ctypes.c_uint32), ("cue_points", CuePoint * max(1, count.value))]

    cues = Cues()
    ok = lib.sf_command(handle, SFC_GET_CUE, ctypes.byref(cues), ctypes.sizeof(cues))
    lib.sf_close(handle)
    if count.value and not ok:
        raise SystemExit("libsndfile: SFC_GET_CUE failed")
    return [
        {"frame": p.sample_offset, "position": p.position, "label": p.name.decode("utf-8", "replace")}
        for p in cues.cue_points[: cues.cue_count]
    ]


if __name__ == "__main__":
    reader, path = sys.argv[1], sys.argv[2]
    print(json.dumps({"wavinfo": with_wavinfo, "sndfile": with_sndfile}[reader](path), ensure_ascii=False))
