"""Live-preview latency: from saving one note to its article page being written, in process.

    python bench/preview_latency.py [--runs 20] [--articles 1000]

Copies content/ (or, with --articles, makes a synthetic edition with bench/generate.py) to a temporary
directory, builds once (as `serve` does at start), then edits one
note's body repeatedly and times QuickPages.refresh() (the page the editor is looking at) and the
full rebuild that follows it.
"""
from __future__ import annotations

import argparse
import shutil
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from builder.build import Paths, build  # noqa: E402
from builder.quickpage import QuickPages  # noqa: E402

sys.path.insert(0, str(ROOT / "bench"))
from generate import generate  # noqa: E402


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--runs", type=int, default=20)
    parser.add_argument("--articles", type=int, default=0, help="a synthetic edition of this many articles")
    args = parser.parse_args()
    work = Path(tempfile.mkdtemp(prefix="preview-bench-"))
    try:
        if args.articles:
            content = generate(work / "edition", args.articles)
            notes = sorted((content / "annotations").glob("*.yaml"))[args.articles // 2]
            before, after = "body: ", "body: {marker} "
        else:
            content = work / "content"
            shutil.copytree(ROOT / "content", content)
            notes = content / "annotations" / "magnier-iranian-messages.yaml"
            before, after = "is an Iranian", "{marker} is an Iranian"
        paths = Paths(content, work / "site", ROOT / "themes" / "default")
        quick = QuickPages(paths)
        quick.remember(build(paths, env=quick.env))
        original = notes.read_text(encoding="utf-8")
        page = work / "site" / "articles" / f"{notes.stem}.html"
        fast, full = [], []
        for run in range(args.runs):
            marker = f"Edited {run}."
            notes.write_text(original.replace(before, after.format(marker=marker), 1), encoding="utf-8")
            started = time.perf_counter()
            written = quick.refresh({notes})
            fast.append(time.perf_counter() - started)
            assert written and marker in page.read_text(encoding="utf-8"), "the fast path did not write the page"
            started = time.perf_counter()
            quick.remember(build(paths, env=quick.env))
            full.append(time.perf_counter() - started)
        print(f"note edited -> article page written: median {1000 * statistics.median(fast):.0f} ms "
              f"(max {1000 * max(fast):.0f} ms, {args.runs} runs)")
        print(f"full rebuild that follows: median {1000 * statistics.median(full):.0f} ms")
    finally:
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
