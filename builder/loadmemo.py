"""Warm builds take each unchanged article and annotations file's model from the last build instead of
reading, parsing and checking it again (at 10,000 articles that is most of a build after one edit).

What a file builds into depends on its bytes, its path as given, the content root (links may not leave
it), the outlets and authors (an article names its outlet) and the builder's code: the key covers all of
them, the file by its size, modification time and inode. A file modified less than two seconds before
it is looked at is never taken from here nor stored: within one tick of the file system's clock, a
second edit of the same size would not change the key ("racily clean", as git calls it).
"""
from __future__ import annotations

import os
import stat
import time
from pathlib import Path
from typing import Any

from .articlecache import ArticleCache, Entry
from .reuse import inputs_hash

RACY_SECONDS = 2.0
_now = time.time  # tests move the clock


class LoadMemo:
    def __init__(self, directory: Path, code: str, *, read: bool = True):
        self.cache = ArticleCache(directory, read=read)
        self.base = code
        self.used: list[str] = []
        """Keys of the files this build looked at: the ones kept (see save)."""

    def bind(self, root: Path, outlets: Any, authors: Any) -> None:
        """The edition-wide inputs of every file's model, known once the sources are read."""
        self.base = inputs_hash(self.base, root.absolute().as_posix(), outlets, authors)

    def key(self, path: Path) -> str | None:
        """The file's key, or None when it must be read afresh (not a plain file, or just modified)."""
        try:
            info = os.lstat(path)
        except OSError:
            return None
        if not stat.S_ISREG(info.st_mode) or _now() - info.st_mtime < RACY_SECONDS:
            return None
        return inputs_hash(self.base, path.as_posix(), info.st_size, info.st_mtime_ns, info.st_ino, info.st_dev)

    def has(self, key: str | None) -> bool:
        """Whether the last build left a model for `key` (load then reads it, or finds it damaged)."""
        if key is None:
            return False
        self.used.append(key)
        return self.cache.has(key)

    def load(self, key: str) -> bytes | None:
        return self.cache.load(key)

    def store(self, key: str | None, model: bytes) -> Entry | None:
        """Called in the workers; the parent then adds the returned Entry."""
        return self.cache.store(key, b"", b"", model) if key else None

    def add(self, key: str, entry: Entry) -> None:
        self.cache.add(key, entry)

    def save(self) -> None:
        """After loading: keep the entries of the files just looked at, and nothing else."""
        self.cache.save(self.used)
