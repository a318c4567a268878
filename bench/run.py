"""Build benchmark: cold builds of a synthetic edition, timed in a fresh interpreter each run.

    python bench/run.py --articles 1000 [--runs 3]

Reports wall time (median of the runs), pages per second and peak memory (RSS) of the build process.
The edition comes from bench/generate.py (deterministic from --seed).
"""
from __future__ import annotations

import argparse
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from generate import generate  # noqa: E402

ROOT = Path(__file__).resolve().parent.parent


def timed_build(content: Path, out: Path, fresh: bool = True) -> tuple[float, int]:
    """Wall seconds and peak RSS (bytes) of one `python -m builder build` in a child process.

    RUSAGE_CHILDREN reports the largest child so far; runs are equal in size, so that is the peak."""
    if fresh and out.exists():
        shutil.rmtree(out)
        shutil.rmtree(out.parent / ".cache", ignore_errors=True)
    started = time.perf_counter()
    process = subprocess.Popen([sys.executable, "-m", "builder", "build", "--content", str(content), "--out", str(out),
                                "--theme", str(ROOT / "themes" / "default")], cwd=ROOT,
                               stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    _, err = process.communicate()
    elapsed = time.perf_counter() - started
    if process.returncode != 0:
        raise SystemExit(f"build failed:\n{err.decode()}")
    peak = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss * 1024
    return elapsed, peak


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--articles", type=int, default=1000)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--seed", type=int, default=2020)
    args = parser.parse_args()
    work = Path(tempfile.mkdtemp(prefix="edition-bench-"))
    try:
        content = generate(work / "edition", args.articles, args.seed)
        times, peaks = [], []
        for _ in range(args.runs):
            elapsed, peak = timed_build(content, work / "site")
            times.append(elapsed)
            peaks.append(peak)
        warm = [timed_build(content, work / "site", fresh=False)[0] for _ in range(args.runs)]
        pages = sum(1 for p in (work / "site").rglob("*.html"))
        median = statistics.median(times)
        print(f"articles={args.articles} pages={pages} runs={args.runs}")
        print(f"cold build: median {median:.2f} s ({1000 * median / args.articles:.2f} ms/article), "
              f"{pages / median:.0f} pages/s, peak RSS {max(peaks) / 1048576:.0f} MiB")
        print(f"warm build, nothing changed: median {statistics.median(warm):.2f} s "
              f"({statistics.median(warm) / median:.2f} x cold)")
    finally:
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
