"""Work on every core: forked workers inherit everything built so far (nothing is pickled going in),
each takes slices of the indices and sends back small results. Results are reassembled in index order,
so the output is byte-identical to a single-process build.

Fork is what makes this cheap (the model is shared copy-on-write); where fork is unavailable, or the
work is small, it simply runs in this process.
"""
from __future__ import annotations

import contextlib
import ctypes
import gc
import multiprocessing
import os
from typing import Any, Callable, Iterator, Sequence, TypeVar

from .diagnostics import Diagnostics

PARALLEL_MIN_ITEMS = 200
"""Below this, starting workers costs more than it saves."""
PARALLEL_MIN_ARTICLES = 64
"""The same for whole articles (parse, anchor, link and render each), which are far heavier than a page."""

RETIRE_AFTER = 512
"""Items a worker of a pool that reads much of the model does before a fresh one takes its place (see
imap_indices). At 10,000 articles: peak memory 483 MiB without, 431 MiB with 512, 405 MiB with 256;
each retirement costs both sides page copies (at 256, 5 to 10 % more CPU over the build)."""

R = TypeVar("R")

_job: Callable[[int], Any] | None = None
"""The work function, set just before forking; read only by the workers."""


def _run_slice(indices: Sequence[int]) -> list[Any]:
    assert _job is not None
    return [_job(index) for index in indices]


@contextlib.contextmanager
def paused_gc() -> Iterator[None]:
    """No automatic collections in this process while building up a large structure without cycles
    (the loaded model, the articles' results): each full collection would walk everything built so
    far, which at 10,000 articles costs a third of the load. Workers forked meanwhile collect as usual."""
    was = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was:
            gc.enable()


def _worker_start(work: Callable[[int], Any]) -> None:
    global _job
    _job = work  # given here, not inherited: a worker that replaces a retired one is forked later
    # What the parent made since it froze its heap (the results so far, when this worker replaces a
    # retired one) is out of the collector's sight too: a collection would write to every object.
    gc.freeze()
    gc.enable()  # forked inside paused_gc(): a worker's own garbage (Jinja's frames) has cycles


def release_free_memory() -> None:
    """Give the memory this process has freed back to the system before it forks again. Pages of HTML
    are C-heap blocks, and the C library keeps freed ones for reuse; the workers forked next would share
    them, and count them, for nothing. glibc's malloc_trim returns them; elsewhere this only collects
    Python's garbage. Before the entity pages' workers, at 10,000 articles: 409–410 MiB at that pool's
    peak instead of 430."""
    gc.collect()
    with contextlib.suppress(OSError, AttributeError, TypeError):  # no such call in this C library
        ctypes.CDLL(None).malloc_trim(0)  # the C library the interpreter itself uses


def worker_count() -> int:
    return os.cpu_count() or 1


def map_indices(count: int, work: Callable[[int], R], *, heavy: bool = False,
                retire_after: int | None = None) -> list[R]:
    """[work(i) for i in range(count)], on every core when it is worth it."""
    return list(imap_indices(count, work, heavy=heavy, retire_after=retire_after))


def imap_indices(count: int, work: Callable[[int], R], *, heavy: bool = False,
                 retire_after: int | None = None) -> Iterator[R]:
    """work(i) for i in range(count), in order, as they are done: the caller can consume (and drop)
    each result while the workers go on, so results never pile up in memory. A worker retires after
    `retire_after` items (None: never): worth it only where the items read much of the model."""
    workers = worker_count()
    threshold = PARALLEL_MIN_ARTICLES if heavy else PARALLEL_MIN_ITEMS
    if count < threshold or workers < 2 or "fork" not in multiprocessing.get_all_start_methods():
        yield from (work(index) for index in range(count))
        return
    # Small slices balance uneven items (a long article, an entity named everywhere); imap keeps order.
    chunk = max(1, min(32, count // (workers * 8)))
    slices = [list(range(start, min(count, start + chunk))) for start in range(0, count, chunk)]
    # Freezing moves everything built so far out of the collector's sight: otherwise each worker's
    # collections walk (and so copy, page by page) the whole inherited heap, and the parent's walk
    # the model again and again while results arrive.
    gc.freeze()
    try:
        # A worker retires after `retire_after` items and a fresh one is forked in its place. Every object
        # a worker reads from the inherited model has its reference count written, so the memory page
        # it lives on is copied into the worker: over a whole edition each worker would come to hold a
        # private copy of the part of the model it read (80 MiB each at 10,000 articles). A fresh worker
        # shares the parent's pages again. (The price: after each fork the parent copies the pages it
        # writes to while they are shared, and the new worker those it writes to.)
        retire = max(1, retire_after // chunk) if retire_after else None
        with multiprocessing.get_context("fork").Pool(workers, _worker_start, (work,), retire) as pool:
            for part in pool.imap(_run_slice, slices):
                yield from part
    finally:
        gc.unfreeze()


def render_pages(count: int, render: Callable[[Any, int], None], make_pages: Callable[[], Any],
                 diags: Diagnostics, retire_after: int | None = None) -> list[Any]:
    """Call render(pages, i) for i in range(count); pages write their files themselves.
    Returns the written paths in order of i; diagnostics are gathered into `diags`."""
    def one(index: int) -> tuple[list[Any], list[Any]]:
        pages = make_pages()
        render(pages, index)
        return pages.dests, pages.diags.items

    written: list[Any] = []
    for dests, problems in map_indices(count, one, retire_after=retire_after):
        written.extend(dests)
        diags.extend(problems)
    return written
