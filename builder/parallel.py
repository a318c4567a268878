"""Work on every core: forked workers inherit everything built so far (nothing is pickled going in),
each takes slices of the indices and sends back small results. Results are reassembled in index order,
so the output is byte-identical to a single-process build.

Fork is what makes this cheap (the model is shared copy-on-write); where fork is unavailable, or the
work is small, it simply runs in this process.
"""
from __future__ import annotations

import multiprocessing
import os
from typing import Any, Callable, Sequence, TypeVar

from .diagnostics import Diagnostics

PARALLEL_MIN_ITEMS = 200
"""Below this, starting workers costs more than it saves."""
PARALLEL_MIN_ARTICLES = 64
"""The same for whole articles (parse, anchor, link and render each), which are far heavier than a page."""

R = TypeVar("R")

_job: Callable[[int], Any] | None = None
"""The work function, set just before forking; read only by the workers."""


def _run_slice(indices: Sequence[int]) -> list[Any]:
    assert _job is not None
    return [_job(index) for index in indices]


def worker_count() -> int:
    return os.cpu_count() or 1


def map_indices(count: int, work: Callable[[int], R], *, heavy: bool = False) -> list[R]:
    """[work(i) for i in range(count)], on every core when it is worth it."""
    global _job
    workers = worker_count()
    threshold = PARALLEL_MIN_ARTICLES if heavy else PARALLEL_MIN_ITEMS
    if count < threshold or workers < 2 or "fork" not in multiprocessing.get_all_start_methods():
        return [work(index) for index in range(count)]
    # Small slices balance uneven items (a long article, an entity named everywhere); imap keeps order.
    chunk = max(1, min(64, count // (workers * 8)))
    slices = [list(range(start, min(count, start + chunk))) for start in range(0, count, chunk)]
    _job = work
    try:
        with multiprocessing.get_context("fork").Pool(workers) as pool:
            results: list[R] = []
            for part in pool.imap(_run_slice, slices):
                results.extend(part)
            return results
    finally:
        _job = None


def render_pages(count: int, render: Callable[[Any, int], None], make_pages: Callable[[], Any],
                 diags: Diagnostics) -> list[Any]:
    """Call render(pages, i) for i in range(count); pages write their files themselves.
    Returns the written paths in order of i; diagnostics are gathered into `diags`."""
    def one(index: int) -> tuple[list[Any], list[Any]]:
        pages = make_pages()
        render(pages, index)
        return pages.dests, pages.diags.items

    written: list[Any] = []
    for dests, problems in map_indices(count, one):
        written.extend(dests)
        diags.extend(problems)
    return written
