"""The worker pool: results in order whatever the workers, and retired workers replaced by fresh ones."""
from __future__ import annotations

import os
from collections import Counter

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
    # so at least 8 workers in all (two may each be left with one slice when the work runs out: 9);
    # never retiring, the two first ones do everything. The replacements are forked after the pool has
    # started, so they must be given the work as they start (the parent keeps no global of it that
    # they could inherit).
    replaced = Counter(pid for _, pid in parallel.map_indices(64, _square_and_pid, retire_after=8))
    kept = {pid for _, pid in parallel.map_indices(64, _square_and_pid)}
    assert len(replaced) >= 8 and max(replaced.values()) == 8, replaced
    assert len(kept) <= 2


def test_an_error_in_a_worker_reaches_the_caller(two_workers):
    def fails_at_thirty(index: int) -> int:
        if index == 30:
            raise ValueError("item thirty")
        return index

    with pytest.raises(ValueError, match="item thirty"):
        parallel.map_indices(64, fails_at_thirty, retire_after=4)


def _resident_bytes() -> int:
    with open("/proc/self/statm") as statm:
        return int(statm.read().split()[1]) * os.sysconf("SC_PAGE_SIZE")


def _glibc() -> bool:
    return "CS_GNU_LIBC_VERSION" in getattr(os, "confstr_names", {}) and bool(os.confstr("CS_GNU_LIBC_VERSION"))


@pytest.mark.skipif(not (os.path.exists("/proc/self/statm") and _glibc()),
                    reason="measures resident memory on Linux with glibc")
def test_memory_freed_before_a_fork_is_given_back():
    """Freed page-sized blocks stay in the C heap, to be shared and counted by every worker forked
    next; release_free_memory hands them back. (One block is kept last, so the heap's top is in use
    and the C library does not trim it of its own accord.)"""
    blocks = [bytes(20_000) + bytes([n % 256]) for n in range(3000)]  # 60 MB in the C heap
    keep = blocks[-1]
    del blocks
    before = _resident_bytes()
    parallel.release_free_memory()
    assert before - _resident_bytes() > 30_000_000
    assert keep[-1] == 2999 % 256
