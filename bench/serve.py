#!/usr/bin/env python3
"""Edit-to-reload latency of `fireside serve`.

    python3 bench/serve.py [PAGES...]        default: 1000 10000

For each size: generate a site with bench/generate.py (reused when present),
start `target/release/fireside serve` on a free port, open the live-reload
event stream, then save one session file again and again and measure

  * reload: from just before the file is written to the `reload` event,
    that is, until the incremental build finished and tabs were told;
  * served: from the same start until a GET of the page returns the new text.

Two kinds of edit are timed: a body edit (typing in a write-up: only the
session's page changes) and a title edit (the session's card changes, so
lists, tag, format, facilitator and community pages change too). Before each
save the bench waits for the search index, which the server rebuilds on a
thread of its own after each reload, to catch up: each save is timed as a
single save on an idle server.

A body edit is seen on the session's page, a title edit on the page of
`/sessions/` that lists the session. PACE (seconds, default 1) starts a save
every PACE seconds whatever the server is doing, as a writer who saves while
typing; PACE=0 waits for the server (and its search index) to be idle
before each save instead.

Environment: SEED (default 1), BENCH_DIR (default $TMPDIR/fireside-bench),
EDITS per kind (default 15), PACE, NO_BUILD=1 to skip `cargo build --release`,
CARGO_TARGET_DIR. Standard library only.
"""

from __future__ import annotations

import os
import queue
import re
import signal
import socket
import statistics
import subprocess
import sys
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
TIMEOUT = 120.0


def http_get(address: str, path: str) -> tuple[int, str]:
    host, port = address.rsplit(":", 1)
    with socket.create_connection((host, int(port)), timeout=TIMEOUT) as s:
        s.sendall(f"GET {path} HTTP/1.1\r\nHost: {address}\r\nConnection: close\r\n\r\n".encode())
        chunks = []
        while True:
            data = s.recv(65536)
            if not data:
                break
            chunks.append(data)
    raw = b"".join(chunks).decode("utf-8", "replace")
    head, _, body = raw.partition("\r\n\r\n")
    return int(head.split(" ", 2)[1]), body


class Events:
    """A server-sent event stream, read event by event."""

    def __init__(self, address: str):
        host, port = address.rsplit(":", 1)
        self.sock = socket.create_connection((host, int(port)), timeout=TIMEOUT)
        self.sock.sendall(f"GET /__fireside/events HTTP/1.1\r\nHost: {address}\r\n\r\n".encode())
        self.buffer = ""

    def next(self) -> tuple[str, str]:
        while True:
            end = self.buffer.find("\n\n")
            if end >= 0:
                block, self.buffer = self.buffer[:end], self.buffer[end + 2:]
                name = data = None
                for line in block.splitlines():
                    if line.startswith("event: "):
                        name = line[7:]
                    elif line.startswith("data: "):
                        data = line[6:]
                if name:
                    return name, data or ""
                continue
            chunk = self.sock.recv(65536)
            if not chunk:
                raise RuntimeError("event stream closed")
            self.buffer += chunk.decode("utf-8", "replace").replace("\r\n", "\n")


def start_server(binary: Path, site: Path):
    proc = subprocess.Popen(
        [str(binary), "serve", str(site), "--port", "0"],
        stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True,
        env={**os.environ, "NO_COLOR": "1"},
    )
    address = None
    deadline = time.monotonic() + 600
    for line in proc.stdout:
        m = re.match(r"Serving at http://([^/]+)/", line)
        if m:
            address = m.group(1)
            break
        if time.monotonic() > deadline:
            break
    if not address:
        proc.kill()
        raise RuntimeError("serve did not start")
    # Keep reading stdout (so the server never blocks on a full pipe), line by line.
    lines: queue.Queue[str] = queue.Queue()
    threading.Thread(target=lambda: [lines.put(line) for line in proc.stdout], daemon=True).start()
    return proc, address, lines


def wait_idle(lines: queue.Queue, timeout: float = 120.0) -> None:
    """Waits until the search index caught up with the last build: one save
    is timed on an idle server, as a writer who saves now and then sees it."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            if "Search index updated" in lines.get(timeout=max(0.0, deadline - time.monotonic())):
                return
        except queue.Empty:
            return


def pick_session(site: Path) -> Path:
    sessions = sorted((site / "content" / "sessions").rglob("*.md"))
    return sessions[len(sessions) // 2]


def page_path(file: Path) -> str:
    return f"/sessions/{file.stem}/"


def list_page_of(address: str, url: str) -> str:
    """The page of the split `/sessions/` list that links to `url`."""
    page = 1
    while True:
        path = "/sessions/" if page == 1 else f"/sessions/page/{page}/"
        status, body = http_get(address, path)
        if status != 200:
            raise RuntimeError(f"{url} is on no page of /sessions/")
        if f'href="{url}"' in body:
            return path
        page += 1


def measure(binary: Path, site: Path, edits: int, pace: float) -> dict[str, list[tuple[float, float]]]:
    """Times `edits` saves of each kind. With `pace` > 0 a save starts every
    `pace` seconds whatever the server is doing (a writer saving as they
    type); with 0 each save waits for the server to be idle first."""
    proc, address, lines = start_server(binary, site)
    results: dict[str, list[tuple[float, float]]] = {"body": [], "title": []}
    file = pick_session(site)
    original = file.read_text(encoding="utf-8")
    try:
        wait_idle(lines)
        events = Events(address)
        name, _ = events.next()
        assert name == "hello", name
        url = page_path(file)
        status, _ = http_get(address, url)
        assert status == 200, f"{url}: {status}"
        # A title edit is seen when the session list shows it.
        list_url = list_page_of(address, url)
        for kind in ("body", "title"):
            for i in range(edits):
                marker = f"Bench{kind}{i}x{time.monotonic_ns()}"
                if kind == "body":
                    # A new sentence at the end of the write-up.
                    text = original.rstrip("\n") + f"\n\n{marker} was typed here.\n"
                else:
                    def retitle(m: re.Match) -> str:
                        value = m.group(1)
                        if value[:1] in "\"'":
                            return f"title: {value[0]}{marker} {value[1:]}"
                        return f"title: {marker} {value}"
                    text = re.sub(r"^title: (.*)$", retitle, original, count=1, flags=re.M)
                start = time.perf_counter()
                file.write_text(text, encoding="utf-8")
                while True:
                    name, data = events.next()
                    if name == "reload":
                        break
                    if name == "errors":
                        raise RuntimeError(f"build failed: {data[:500]}")
                reloaded = time.perf_counter() - start
                seen_at = url if kind == "body" else list_url
                while True:
                    status, body = http_get(address, seen_at)
                    if status == 200 and marker in body:
                        break
                    if time.perf_counter() - start > TIMEOUT:
                        raise RuntimeError("new content never served")
                served = time.perf_counter() - start
                results[kind].append((reloaded, served))
                if pace > 0:
                    time.sleep(max(0.0, pace - (time.perf_counter() - start)))
                else:
                    wait_idle(lines)
    finally:
        file.write_text(original, encoding="utf-8")
        proc.send_signal(signal.SIGINT)
        try:
            proc.wait(timeout=60)
        except subprocess.TimeoutExpired:
            proc.kill()
    return results


def ms(values: list[float]) -> str:
    values = sorted(values)
    p90 = values[min(len(values) - 1, int(round(0.9 * (len(values) - 1))))]
    return f"{statistics.median(values) * 1000:.0f} / {p90 * 1000:.0f} / {values[-1] * 1000:.0f}"


def main() -> int:
    sizes = [int(a) for a in sys.argv[1:]] or [1000, 10000]
    seed = os.environ.get("SEED", "1")
    edits = int(os.environ.get("EDITS", "15"))
    pace = float(os.environ.get("PACE", "1"))
    bench_dir = Path(os.environ.get("BENCH_DIR", Path(os.environ.get("TMPDIR", "/tmp")) / "fireside-bench"))
    target = Path(os.environ.get("CARGO_TARGET_DIR", ROOT / "target"))
    binary = target / "release" / "fireside"
    if os.environ.get("NO_BUILD") != "1":
        subprocess.run(["cargo", "build", "--release"], cwd=ROOT, check=True)
    bench_dir.mkdir(parents=True, exist_ok=True)
    rows = []
    for n in sizes:
        site = bench_dir / f"site-{n}-seed{seed}"
        if not (site / ".bench-generated").exists():
            print(f"== generating {n} pages in {site}", flush=True)
            subprocess.run([sys.executable, str(ROOT / "bench" / "generate.py"), str(site),
                            "--pages", str(n), "--seed", seed], check=True, stdout=subprocess.DEVNULL)
        print(f"== {n} pages: {edits} edits of each kind", flush=True)
        results = measure(binary, site, edits, pace)
        for kind, values in results.items():
            reload_ms = ms([r for r, _ in values])
            served_ms = ms([s for _, s in values])
            print(f"   {kind:<5} reload {reload_ms} ms, served {served_ms} ms (median / p90 / max)", flush=True)
            rows.append(f"| {n} | {kind} | {reload_ms} | {served_ms} |")
    print()
    how = f"a save every {pace:g} s" if pace > 0 else "each save on an idle server"
    print(f"fireside serve edit-to-reload latency, {os.cpu_count()} cores, seed {seed}, {edits} edits per kind, {how}")
    print()
    print("| pages | edit | save -> reload event (ms, median / p90 / max) | save -> page shows it (ms; title: on its /sessions/ page) |")
    print("|---:|---|---:|---:|")
    print("\n".join(rows))
    return 0


if __name__ == "__main__":
    sys.exit(main())
