#!/usr/bin/env python3
"""Headline check on pages that are not in the corpus.

usage: scripts/headline-check.py READABILITY_REPO ARTICAST_BIN [CORPUS_DIR] [-v]

Takes the English Readability test pages (mozilla/readability, test/test-pages) that are not in
the corpus (../shared/corpus/articles, articles-intl), turns each source.html into pasted text as
a browser's innerText would (block elements on lines of their own, paragraphs and headings
between blank lines, scripts, styles and the head left out), runs `articast inspect --json` on
it and compares the headline with the page's title in expected-metadata.json, as
tests/corpus.rs does. Prints each miss and the count right / findable (a line of the text
matches the title at all).

usage: scripts/headline-check.py --html-dir DIR ARTICAST_BIN [-v] [--all]

Does the same for a folder of saved pages, DIR/*.html (for instance the newspaper4k test pages,
tests/data/html of AndyTheFactory/newspaper4k at commit 79553f6, whose sites each have a page
`site1.html` and `site2.html`), the headline being right when it matches the page's og:title or
its <title>. The pages are split by name: `*1.html` are the ones to look at while building rules
(their misses are printed), the others are only counted (`--all` prints theirs too).
"""
import html.parser, json, os, re, subprocess, sys, tempfile

PAGES = ("breitbart citylab-1 cnet dev418 ebb-org firefox-nightly-blog guardian-1 "
         "google-sre-book-1 ietf-1 medium-3 mozilla-1 mozilla-2 msn nytimes-1 nytimes-4 quanta-1 "
         "seattletimes-1 spiceworks tmz-1 wapo-2 webmd-1 wikia yahoo-1 yahoo-2 yahoo-3 yahoo-4 "
         "youth lazy-image-3 mercurial wikipedia archive-of-our-own article-author-tag").split()
SKIP_TAGS = {"script", "style", "noscript", "template", "head", "svg", "iframe", "select",
             "option", "button"}
BLOCK = {"div", "section", "article", "header", "footer", "nav", "aside", "main", "ul", "ol",
         "li", "dl", "dt", "dd", "table", "tr", "form", "figure", "figcaption", "blockquote",
         "pre", "address", "hr", "br", "fieldset", "legend", "details", "summary", "td", "th",
         "tbody", "thead"}
PARA = {"p", "h1", "h2", "h3", "h4", "h5", "h6"}


class Text(html.parser.HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.out, self.skip = [], 0

    def handle_starttag(self, tag, attrs):
        if tag in SKIP_TAGS:
            self.skip += 1
        elif tag in PARA:
            self.out.append(("\n", 2))
        elif tag in BLOCK:
            self.out.append(("\n", 1))
        if tag in ("td", "th"):
            self.out.append(" ")

    def handle_endtag(self, tag):
        if tag in SKIP_TAGS:
            self.skip = max(0, self.skip - 1)
        elif tag in PARA:
            self.out.append(("\n", 2))
        elif tag in BLOCK:
            self.out.append(("\n", 1))

    def handle_startendtag(self, tag, attrs):
        if tag in ("br", "hr"):
            self.out.append(("\n", 1))

    def handle_data(self, data):
        if not self.skip:
            self.out.append(re.sub(r"\s+", " ", data))


def page_text(source):
    parser = Text()
    parser.feed(source)
    res, pending = [], 0
    for x in parser.out:
        if isinstance(x, tuple):
            pending = max(pending, x[1])
            continue
        if not x.strip():
            if res and not pending and x:
                res.append(" ")
            continue
        if pending:
            res.append("\n" * pending)
            pending = 0
        res.append(x)
    text = "\n".join(l.strip() for l in "".join(res).split("\n"))
    return re.sub(r"\n{3,}", "\n\n", text).strip() + "\n"


def fold(t):
    return " ".join(w.lower() for w in re.split(r"[^\w]+", t or "") if w)


def right(found, want):
    f, w = fold(found), fold(want)
    if not f or not w:
        return False
    s, l = (f, w) if len(f) <= len(w) else (w, f)
    return f == w or (s in l and 3 * len(s.split()) >= 2 * len(l.split()))


def meta_content(source, prop):
    for pattern in (r'<meta[^>]+(?:property|name)=["\']%s["\'][^>]*content=["\']([^"\']*)',
                    r'<meta[^>]+content=["\']([^"\']*)["\'][^>]*(?:property|name)=["\']%s["\']'):
        m = re.search(pattern % prop, source, re.I)
        if m:
            return html.unescape(m.group(1)).strip()
    return None


def html_dir(folder, binary, verbose, show_all):
    totals = {"development (*1.html)": [0, 0, 0], "check (the others)": [0, 0, 0]}
    with tempfile.TemporaryDirectory() as tmp:
        for name in sorted(os.listdir(folder)):
            if not name.endswith(".html"):
                continue
            source = open(os.path.join(folder, name), encoding="utf-8", errors="replace").read()
            title = re.search(r"<title[^>]*>(.*?)</title>", source, re.S | re.I)
            title = html.unescape(" ".join(title.group(1).split())) if title else None
            wants = [w for w in (meta_content(source, "og:title"), title) if w]
            if not wants:
                continue
            text = page_text(source)
            path = os.path.join(tmp, name[:-5] + ".txt")
            open(path, "w").write(text)
            r = subprocess.run([binary, "inspect", "--json", "--format", "text", path],
                               capture_output=True, text=True)
            got = json.loads(r.stdout)["title"] if r.returncode == 0 else None
            can = any(right(l, w) for l in text.split("\n") if l.strip() for w in wants)
            good = any(right(got, w) for w in wants)
            dev = name.endswith("1.html")
            t = totals["development (*1.html)" if dev else "check (the others)"]
            t[0], t[1], t[2] = t[0] + 1, t[1] + good, t[2] + can
            if (dev or show_all) and (verbose or (can and not good)):
                print(f"{'right' if good else 'wrong'}{'' if can else ' (not in the text)'} {name}: "
                      f"{got!r}, want {wants[0]!r}")
    for label, (n, ok, findable) in totals.items():
        print(f"{label}: headline right on {ok} of {n} pages ({findable} findable)")


def main():
    if "--html-dir" in sys.argv:
        args = [a for a in sys.argv[1:] if not a.startswith("-")]
        html_dir(args[0], args[1], "-v" in sys.argv, "--all" in sys.argv)
        return
    args = [a for a in sys.argv[1:] if a != "-v"]
    verbose = "-v" in sys.argv
    repo, binary = args[0], args[1]
    corpus = args[2] if len(args) > 2 else os.path.join(os.path.dirname(__file__), "../../shared/corpus")
    taken = set()
    for sub in ("articles", "articles-intl"):
        d = os.path.join(corpus, sub)
        if os.path.isdir(d):
            taken |= set(os.listdir(d))
    show = lambda name, f: subprocess.run(["git", "-C", repo, "show", f"HEAD:test/test-pages/{name}/{f}"],
                                          capture_output=True).stdout
    n = ok = findable = 0
    with tempfile.TemporaryDirectory() as tmp:
        for name in PAGES:
            if name in taken:
                continue
            text = page_text(show(name, "source.html").decode("utf-8", "replace"))
            want = json.loads(show(name, "expected-metadata.json") or b"{}").get("title")
            path = os.path.join(tmp, name + ".txt")
            open(path, "w").write(text)
            r = subprocess.run([binary, "inspect", "--json", "--format", "text", path],
                               capture_output=True, text=True)
            got = json.loads(r.stdout)["title"] if r.returncode == 0 else None
            can = any(right(l, want) for l in text.split("\n") if l.strip())
            good = right(got, want)
            n, ok, findable = n + 1, ok + good, findable + can
            if verbose or not good:
                print(f"{'right' if good else 'wrong'}{'' if can else ' (not in the text)'} {name}: "
                      f"{got!r}, want {want!r}")
    print(f"headline right on {ok} of {n} pages ({findable} findable)")


main()
