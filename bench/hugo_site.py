#!/usr/bin/env python3
"""Writes a minimal Hugo site that builds a Fireside bench corpus's content.

    python3 bench/hugo_site.py SITE HUGO_DIR

HUGO_DIR gets a hugo.toml whose contentDir is SITE/content (nothing is
copied, so both tools read the same Markdown), a one-file theme of layouts
(every page with its rendered body, every list with its pages, tags as a
taxonomy) and code highlighted with CSS classes, as Fireside does. It is the
smallest site that does Fireside's work: parse, highlight, render every
page and list. Standard library only.
"""

import sys
from pathlib import Path

BASEOF = """<!doctype html><html lang="en"><head><meta charset="utf-8"><title>{{ .Title }}</title>
<link rel="stylesheet" href="/chroma.css"></head><body><nav><a href="/">Home</a>
<a href="/sessions/">Sessions</a> <a href="/patterns/">Patterns</a> <a href="/tags/">Tags</a></nav>
<main>{{ block "main" . }}{{ end }}</main></body></html>
"""
SINGLE = """{{ define "main" }}<article><h1>{{ .Title }}</h1><p>{{ .Date.Format "2006-01-02" }}</p>
{{ with .Params.tags }}<ul>{{ range . }}<li><a href="{{ "/tags/" | relURL }}{{ . | urlize }}/">{{ . }}</a></li>{{ end }}</ul>{{ end }}
{{ .TableOfContents }}{{ .Content }}</article>{{ end }}
"""
LIST = """{{ define "main" }}<h1>{{ .Title }}</h1><ul>{{ range .Pages }}<li><a href="{{ .RelPermalink }}">{{ .Title }}</a> {{ .Date.Format "2006-01-02" }} {{ .Summary | plainify | truncate 120 }}</li>{{ end }}</ul>{{ end }}
"""


def main() -> int:
    if len(sys.argv) != 3:
        print(__doc__, file=sys.stderr)
        return 2
    site, out = Path(sys.argv[1]).resolve(), Path(sys.argv[2])
    (out / "layouts" / "_default").mkdir(parents=True, exist_ok=True)
    (out / "hugo.toml").write_text(
        f"""baseURL = "/"
title = "Hugo bench"
contentDir = "{site / 'content'}"
disableKinds = ["RSS"]
[taxonomies]
  tag = "tags"
[markup.highlight]
  noClasses = false
[markup.goldmark.renderer]
  unsafe = false
""",
        encoding="utf-8",
    )
    for name, text in [("baseof.html", BASEOF), ("single.html", SINGLE), ("list.html", LIST)]:
        (out / "layouts" / "_default" / name).write_text(text, encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
