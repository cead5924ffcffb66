#!/usr/bin/env python3
"""Run a command and report its wall time and peak resident memory.

    python3 bench/measure.py [-o FILE] [--] CMD [ARGS...]

Prints `wall_s=<seconds> cpu_s=<seconds> maxrss_mb=<MB> exit=<code>` on stderr and, with -o,
also writes those three key=value lines to FILE (so that the command's own
output can be redirected elsewhere). Exits with the command's exit status.

Used instead of /usr/bin/time, which is not installed everywhere. Peak RSS is
getrusage(RUSAGE_CHILDREN).ru_maxrss: the largest RSS of any child process
this script waited for. As this script runs exactly one command, that is the
command's own peak (or that of its largest descendant, if it forks).
"""

import resource
import subprocess
import sys
import time


def main(argv: list[str]) -> int:
    out_file = None
    if argv[:1] == ["-o"]:
        if len(argv) < 2:
            print(__doc__, file=sys.stderr)
            return 2
        out_file, argv = argv[1], argv[2:]
    if argv[:1] == ["--"]:
        argv = argv[1:]
    if not argv:
        print(__doc__, file=sys.stderr)
        return 2

    start = time.perf_counter()
    try:
        code = subprocess.call(argv)
    except OSError as err:  # command not found, not executable
        print(f"measure.py: cannot run {argv[0]}: {err}", file=sys.stderr)
        return 127
    wall = time.perf_counter() - start

    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = usage.ru_utime + usage.ru_stime  # user + kernel, every thread
    maxrss = usage.ru_maxrss
    # Linux reports KiB, macOS bytes.
    rss_mb = maxrss / (1024 * 1024) if sys.platform == "darwin" else maxrss / 1024
    if code < 0:  # killed by a signal: report it the way a shell would
        code = 128 - code

    report = f"wall_s={wall:.3f}\ncpu_s={cpu:.3f}\nmaxrss_mb={rss_mb:.1f}\nexit={code}\n"
    print(report.replace("\n", " ").strip(), file=sys.stderr)
    if out_file:
        with open(out_file, "w", encoding="utf-8") as f:
            f.write(report)
    return code


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
