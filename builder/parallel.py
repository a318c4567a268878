"""Render many pages on every core: forked workers inherit the built Site (nothing is pickled going in),
render a slice of the pages each and send back bytes. Results are reassembled in the original order,
so the output is byte-identical to a single-process build.

Fork is what makes this cheap (the model and the parsed articles are shared copy-on-write); where fork
is unavailable, or the edition is small, pages are simply rendered in this process.
"""
from __future__ import annotations

import multiprocessing
import os
from typing import Any, Callable, Sequence

from .assets import OutputFile
from .diagnostics import Diagnostic, Diagnostics

PARALLEL_MIN_PAGES = 200
"""Below this, starting workers costs more than it saves."""

_job: tuple[Callable[[Any, int], None], Any] | None = None
"""The render function and its shared state, set just before forking; read only by the workers."""


def _render_slice(indices: Sequence[int]) -> tuple[list[OutputFile], list[Diagnostic]]:
    assert _job is not None
    render, make_pages = _job
    pages = make_pages()
    for index in indices:
        render(pages, index)
    return pages.outputs, pages.diags.items


def render_pages(count: int, render: Callable[[Any, int], None], make_pages: Callable[[], Any],
                 diags: Diagnostics, workers: int | None = None) -> list[OutputFile]:
    """Call render(pages, i) for i in range(count) and return the outputs in order of i."""
    global _job
    workers = workers if workers is not None else (os.cpu_count() or 1)
    if count < PARALLEL_MIN_PAGES or workers < 2 or "fork" not in multiprocessing.get_all_start_methods():
        pages = make_pages()
        for index in range(count):
            render(pages, index)
        diags.extend(pages.diags.items)
        return pages.outputs
    chunk = max(1, count // (workers * 4))
    slices = [list(range(start, min(count, start + chunk))) for start in range(0, count, chunk)]
    _job = (render, make_pages)
    try:
        with multiprocessing.get_context("fork").Pool(workers) as pool:
            results = pool.map(_render_slice, slices)
    finally:
        _job = None
    outputs: list[OutputFile] = []
    for files, problems in results:
        outputs.extend(files)
        diags.extend(problems)
    return outputs
