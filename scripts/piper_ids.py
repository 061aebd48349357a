#!/usr/bin/env python3
"""Print the phoneme ids the reference Python piper (PyPI `piper-tts`) gives each sentence.

One JSON line per non-empty input line: [[ids of sentence 1], [ids of sentence 2], ...], the
format of tests/fixtures/piper-ids-*.jsonl.

piper-tts carries its own espeak-ng (library code 1.53 and data) inside its `espeakbridge`
extension; articast uses the system's libespeak-ng (1.51 on Debian 12). The library's code, not
only its data, changes the IPA (1.53 inserts a ʲ glide between i and a vowel), so by default the
comparison would not be like for like. With --system-espeak the reference runs piper's own
Python phonemizer and id mapping, but its espeak-ng calls go to the system library:

- the phonemes of each clause come from the system libespeak-ng (`espeak_TextToPhonemes`,
  IPA, its default data), exactly as articast calls it;
- where each clause ends and with which punctuation come from piper's own bridge
  (`espeak_TextToPhonemesWithTerminator`, which libespeak-ng 1.51 lacks) run on the same text
  with the system's data. The two libraries must cut the text into the same number of clauses;
  a line where they do not is reported on stderr and printed with the bridge's phonemes.

Usage: piper_ids.py VOICE.onnx [--espeak-data DIR] [--system-espeak] < text.txt
"""
import argparse
import ctypes
import ctypes.util
import json
import sys

from piper import PiperVoice
from piper import espeakbridge as bundled
from piper.phonemize_espeak import ESPEAK_DATA_DIR

SYSTEM_DATA = "/usr/lib/x86_64-linux-gnu/espeak-ng-data"


class SystemBridge:
    """piper's `espeakbridge` interface with the system libespeak-ng's phonemes."""

    CHARS_UTF8 = 1
    PHONEMES_IPA = 0x02
    AUDIO_OUTPUT_SYNCHRONOUS = 2

    def __init__(self):
        name = ctypes.util.find_library("espeak-ng") or "libespeak-ng.so.1"
        self.lib = ctypes.CDLL(name)
        self.lib.espeak_Initialize.argtypes = [
            ctypes.c_int, ctypes.c_int, ctypes.c_char_p, ctypes.c_int]
        self.lib.espeak_SetVoiceByName.argtypes = [ctypes.c_char_p]
        self.lib.espeak_TextToPhonemes.argtypes = [
            ctypes.POINTER(ctypes.c_void_p), ctypes.c_int, ctypes.c_int]
        self.lib.espeak_TextToPhonemes.restype = ctypes.c_char_p
        self.lib.espeak_Info.restype = ctypes.c_char_p
        if self.lib.espeak_Initialize(self.AUDIO_OUTPUT_SYNCHRONOUS, 0, None, 0) < 0:
            sys.exit("the system libespeak-ng could not start")
        self.voice = None
        self.mismatches = 0

    def version(self):
        return self.lib.espeak_Info(None).decode()

    def initialize(self, data_dir):
        bundled.initialize(data_dir)

    def set_voice(self, voice):
        self.voice = voice
        bundled.set_voice(voice)
        if self.lib.espeak_SetVoiceByName(voice.encode()) != 0:
            sys.exit(f"the system libespeak-ng has no voice {voice}")

    def system_clauses(self, text):
        buf = ctypes.create_string_buffer(text.encode("utf-8"))
        ptr = ctypes.c_void_p(ctypes.addressof(buf))
        out = []
        while ptr.value:
            ipa = self.lib.espeak_TextToPhonemes(
                ctypes.byref(ptr), self.CHARS_UTF8, self.PHONEMES_IPA)
            out.append((ipa or b"").decode("utf-8", "replace"))
        return out

    def get_phonemes(self, text):
        clauses = bundled.get_phonemes(text)
        ours = self.system_clauses(text)
        if len(ours) != len(clauses):
            self.mismatches += 1
            print(f"clauses differ ({len(ours)} vs {len(clauses)}): {text[:60]}",
                  file=sys.stderr)
            return clauses
        return [(ipa, term, end) for ipa, (_, term, end) in zip(ours, clauses)]


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("model")
    ap.add_argument("--espeak-data", default=None,
                    help="espeak-ng-data folder (default: piper-tts's own, or the system's "
                         "with --system-espeak)")
    ap.add_argument("--system-espeak", action="store_true",
                    help="phonemes from the system libespeak-ng (see above)")
    args = ap.parse_args()
    data = args.espeak_data
    if args.system_espeak:
        import piper.phonemize_espeak as phonemize_espeak
        bridge = SystemBridge()
        sys.modules["piper.espeakbridge"] = bridge
        import piper
        piper.espeakbridge = bridge
        data = data or SYSTEM_DATA
        print(f"system libespeak-ng {bridge.version()}, data {data}", file=sys.stderr)
        del phonemize_espeak
    voice = PiperVoice.load(args.model, espeak_data_dir=data or str(ESPEAK_DATA_DIR))
    for line in sys.stdin:
        line = line.strip()
        if not line:
            continue
        sentences = voice.phonemize(line)
        print(json.dumps([voice.phonemes_to_ids(p) for p in sentences]))
    if args.system_espeak and bridge.mismatches:
        print(f"{bridge.mismatches} lines with clauses cut differently", file=sys.stderr)


if __name__ == "__main__":
    main()
