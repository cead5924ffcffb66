#!/usr/bin/env python3
"""Generate a site with many tags and facilitators, to check that output and
memory grow linearly with the content (issue 9: 2,000 tags x 1,000
facilitators once took 1 GB and wrote 208 MB).

    python3 bench/many_facets.py OUT_DIR --tags 2000 --facilitators 1000
    /usr/bin/time -v target/release/fireside build OUT_DIR -o OUT_DIR/public \
        --now 2026-11-24T12:00:00Z

`--shape spread` (the default): each session has one tag and one
facilitator, round-robin, so there are max(tags, facilitators) sessions.
`--shape crowd`: a few sessions (`--sessions`, default 3) that each carry every
tag and every facilitator, the shape that once made output quadratic (each
session's card, with all its tags and facilitators, on every tag's and every
facilitator's page). Either way the content is linear in both counts, and so
must the output be. Only the standard library is used; output is
deterministic.
"""

import argparse
import datetime as dt
import shutil
from pathlib import Path


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("out", type=Path)
    ap.add_argument("--tags", type=int, default=2000)
    ap.add_argument("--facilitators", type=int, default=1000)
    ap.add_argument("--shape", choices=["spread", "crowd"], default="spread")
    ap.add_argument("--sessions", type=int, default=3)
    a = ap.parse_args()
    if a.out.exists():
        shutil.rmtree(a.out)
    sessions = a.out / "content" / "sessions"
    sessions.mkdir(parents=True)
    (a.out / "site.yaml").write_text("title: Many facets\ntimezone: Europe/Madrid\n")
    communities = a.out / "content" / "communities"
    communities.mkdir()
    (communities / "dev.md").write_text(
        "---\ntitle: Dev\npurpose: Build well.\n---\nWe meet.\n"
    )
    start = dt.date(2024, 1, 1)
    if a.shape == "crowd":
        people = ", ".join(f"Person {p}" for p in range(a.facilitators))
        tags = ", ".join(f"tag-{t}" for t in range(a.tags))
        for i in range(a.sessions):
            (sessions / f"s{i:05}.md").write_text(
                "---\n"
                f"title: Session {i}\n"
                f"date: {(start + dt.timedelta(days=i)).isoformat()}\n"
                "community: dev\n"
                f"facilitators: [{people}]\n"
                f"tags: [{tags}]\n"
                "status: held\n"
                "---\n"
                f"Notes of session {i}.\n"
            )
        return
    for i in range(max(a.tags, a.facilitators)):
        day = start + dt.timedelta(days=i % 700)
        (sessions / f"s{i:05}.md").write_text(
            "---\n"
            f"title: Session {i}\n"
            f"date: {day.isoformat()}\n"
            "time: \"10:00-11:00\"\n"
            "community: dev\n"
            f"facilitators: [Person {i % a.facilitators}]\n"
            f"tags: [tag-{i % a.tags}]\n"
            "status: held\n"
            "---\n"
            f"Notes of session {i}.\n"
        )


if __name__ == "__main__":
    main()
