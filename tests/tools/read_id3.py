#!/usr/bin/env python3
"""Reads an MP3's ID3v2 tag with mutagen (not articast's own reader) and prints it as JSON.

    read_id3.py FILE

Output: {"version": [2, 4, 0], "tags": {frame id: text}, "comment": {lang, text},
"picture": {mime, bytes} or null, "chapters": [{id, start_ms, end_ms, title}],
"tocs": [{id, top_level, ordered, children, title}], "length": seconds (mutagen's MPEG reader,
which reads the LAME/Xing header)}.
"""
import json
import sys

from mutagen.id3 import ID3, CTOCFlags
from mutagen.mp3 import MP3


def title(frames):
    tit2 = frames.get("TIT2")
    return str(tit2.text[0]) if tit2 else None


def main(path):
    tag = ID3(path)
    out = {"version": list(tag.version), "tags": {}, "chapters": [], "tocs": []}
    for key in ("TIT2", "TPE1", "TALB", "TDRC", "TLAN", "TCON", "TLEN", "TSSE"):
        if key in tag:
            out["tags"][key] = str(tag[key].text[0])
    comments = tag.getall("COMM")
    out["comment"] = {"lang": comments[0].lang, "text": str(comments[0].text[0])} if comments else None
    pictures = tag.getall("APIC")
    out["picture"] = (
        {"mime": pictures[0].mime, "type": int(pictures[0].type), "bytes": len(pictures[0].data)}
        if pictures
        else None
    )
    for chap in tag.getall("CHAP"):
        out["chapters"].append(
            {
                "id": chap.element_id,
                "start_ms": chap.start_time,
                "end_ms": chap.end_time,
                "title": title(chap.sub_frames),
            }
        )
    for toc in tag.getall("CTOC"):
        out["tocs"].append(
            {
                "id": toc.element_id,
                "top_level": bool(toc.flags & CTOCFlags.TOP_LEVEL),
                "ordered": bool(toc.flags & CTOCFlags.ORDERED),
                "children": list(toc.child_element_ids),
                "title": title(toc.sub_frames),
            }
        )
    out["chapters"].sort(key=lambda c: (c["start_ms"], c["id"]))
    out["length"] = MP3(path).info.length
    json.dump(out, sys.stdout, ensure_ascii=False)


if __name__ == "__main__":
    main(sys.argv[1])
