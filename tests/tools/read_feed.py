#!/usr/bin/env python3
"""Reads a podcast feed with feedparser (and the standard library's XML parser for what
feedparser keeps only once) and prints what a podcast app would see, as JSON.

    read_feed.py FILE

Output: {"version", "bozo", "bozo_exception", "namespaces", "feed": {title, link, language,
image}, "entries": [{id, guidislink, ispermalink, title, published, enclosures: [{href, length, type}],
itunes_duration, chapters: {url, type}, transcripts: [{url, type, rel}]}]}
"""
import json
import sys
import xml.etree.ElementTree as ET

import feedparser

PODCAST = "{https://podcastindex.org/namespace/1.0}"


def main(path):
    parsed = feedparser.parse(path)
    tree = ET.parse(path)
    items = tree.getroot().findall("./channel/item")
    entries = []
    for entry, item in zip(parsed.entries, items):
        entries.append(
            {
                "id": entry.get("id"),
                "guidislink": entry.get("guidislink"),
                # feedparser takes a guid for the link only when the item has no link.
                "ispermalink": item.find("guid").get("isPermaLink"),
                "title": entry.get("title"),
                "published": entry.get("published"),
                "enclosures": [
                    {"href": e.get("href"), "length": e.get("length"), "type": e.get("type")}
                    for e in entry.get("enclosures", [])
                ],
                "itunes_duration": entry.get("itunes_duration"),
                "chapters": entry.get("podcast_chapters"),
                "transcripts": [dict(t.attrib) for t in item.findall(PODCAST + "transcript")],
            }
        )
    feed = parsed.feed
    out = {
        "version": parsed.version,
        "bozo": bool(parsed.bozo),
        "bozo_exception": str(parsed.get("bozo_exception", "")),
        "namespaces": dict(parsed.namespaces),
        "feed": {
            "title": feed.get("title"),
            "link": feed.get("link"),
            "language": feed.get("language"),
            "image": (feed.get("image") or {}).get("href"),
        },
        "entries": entries,
    }
    json.dump(out, sys.stdout)


if __name__ == "__main__":
    main(sys.argv[1])
