"""The worker pool: results in order whatever the workers, and retired workers replaced by fresh ones."""
from __future__ import annotations

import os
import time

import pytest

import builder.parallel as parallel


@pytest.fixture
def two_workers(monkeypatch):
    monkeypatch.setattr(parallel, "PARALLEL_MIN_ITEMS", 1)
    monkeypatch.setattr(parallel.os, "cpu_count", lambda: 2)


def _square_and_pid(index: int) -> tuple[int, int]:
    return index * index, os.getpid()


@pytest.mark.parametrize("retire_after", [None, 1, 3, 64])
def test_results_come_back_in_order_however_often_workers_are_replaced(two_workers, retire_after):
    results = parallel.map_indices(64, _square_and_pid, retire_after=retire_after)
    assert [square for square, _ in results] == [i * i for i in range(64)]
    assert os.getpid() not in {pid for _, pid in results}, "the work ran in workers"


def test_a_worker_retires_after_its_items_and_a_fresh_one_takes_over(two_workers):
    # 64 items in slices of 4 (64 // (2 workers * 8)): retiring after 8 items means after two slices,
    # so 8 workers in all; never retiring, the two first ones do everything. The replacements are
    # forked after the pool has started, so they must be given the work as they start (the parent
    # keeps no global of it that they could inherit).
    replaced = {pid for _, pid in parallel.map_indices(64, _square_and_pid, retire_after=8)}
    kept = {pid for _, pid in parallel.map_indices(64, _square_and_pid)}
    assert len(replaced) == 8
    assert len(kept) <= 2


def test_an_error_in_a_worker_reaches_the_caller(two_workers):
    def fails_at_thirty(index: int) -> int:
        if index == 30:
            raise ValueError("item thirty")
        return index

    with pytest.raises(ValueError, match="item thirty"):
        parallel.map_indices(64, fails_at_thirty, retire_after=4)


@pytest.mark.parametrize("workers", [1, 2], ids=["in this process", "workers"])
def test_the_callers_own_work_runs_once_while_the_workers_work(monkeypatch, tmp_path, workers):
    """`started` is how the builder overlaps its own serial work with a pool's: it must run while the
    items are being worked on, not after them. Here every item waits for a file that only `started`
    makes, so a `started` called after the results would never come."""
    monkeypatch.setattr(parallel, "PARALLEL_MIN_ITEMS", 1)
    monkeypatch.setattr(parallel.os, "cpu_count", lambda: workers)
    flag = tmp_path / "started"
    calls = []

    def started() -> None:
        calls.append(os.getpid())
        flag.touch()

    def waits_for_started(index: int) -> int:
        for _ in range(1000):
            if flag.exists():
                return index
            time.sleep(0.01)
        raise TimeoutError("started() had not run after ten seconds")

    assert parallel.map_indices(40, waits_for_started, started=started) == list(range(40))
    assert calls == [os.getpid()]
