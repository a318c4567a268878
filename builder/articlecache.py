"""The per-article cache: each article's finished work, kept between builds in append-only pack files.

An entry is one article's pickled result, its parts (entity-page sections and search entries) and its
page, stored under the article's key (articlework.article_keys). Each process that stores entries
appends them to a pack file of its own, and the parent records where each landed in an index written
at the end of the build. So a cold build of 10,000 articles appends to two files instead of creating
10,000 (creating a file costs about four times as much as appending to one here), and the parts are
read back, by offset, straight from the packs: the build needs no other scratch file for them.

The directory is the build's own (beside the output, never inside it); pickle is safe here for the
same reason the builder's code is: whoever can write there can change the builder. Anything that does
not check out (a damaged index, a truncated pack, a header that does not match its key) is treated as
missing, so the article is simply done again.
"""
from __future__ import annotations

import json
import os
import struct
from pathlib import Path
from typing import Iterable, NamedTuple

from .views import Spooled

try:
    import fcntl
except ImportError:  # pragma: no cover - not POSIX
    fcntl = None  # type: ignore[assignment]

_FORMAT = "article-packs-1"
_HEADER = struct.Struct("<8s32sQQQ")
"""Before each entry: magic, the key (binary), and the lengths of its result, parts and page."""
_MAGIC = b"edition2"
_PACK_BITS = 40
"""A Spooled offset is (pack number << 40) + the offset in that pack: one integer locates any byte."""
_MAX_PACKS = 8
"""Above this many packs, the small ones are merged (each build that stores anything starts one)."""


class Entry(NamedTuple):
    """Where an entry is: its pack, the offset of its header there, and the lengths of its sections."""

    pack: str
    offset: int
    result: int
    parts: int
    page: int

    @property
    def size(self) -> int:
        return _HEADER.size + self.result + self.parts + self.page


class ArticleCache:
    def __init__(self, directory: Path, *, read: bool = True):
        """`read` False: a build from scratch (--force) takes nothing from here, and refills it."""
        self.directory = directory
        directory.mkdir(parents=True, exist_ok=True)
        self.entries: dict[str, Entry] = self._read_index() if read else {}
        self._indexed: dict[str, Entry] | None = dict(self.entries) if read else None
        """What index.json says now (unknown after --force): save() does not write it again unchanged."""
        self.packs: list[str] = sorted({entry.pack for entry in self.entries.values()})
        """Pack numbers (for Spooled offsets) -> names; set in the parent, inherited by forked workers."""
        self._numbers = {name: number for number, name in enumerate(self.packs)}
        self._earlier = frozenset(self.packs)
        """Packs of earlier builds: the others in `packs` were started by this build's processes."""
        self._readers: dict[str, tuple[int, int, int]] = {}
        """pack name -> (pid, descriptor, size) of this process's reading descriptor."""
        self._writer: tuple[int, int, str, int] | None = None
        """(pid, descriptor, pack name, size) of the pack this process appends to."""

    # Reading -------------------------------------------------------------------------------------

    def has(self, key: str) -> bool:
        """Whether an entry for `key` is indexed and its pack holds it (load may still find it damaged).
        Reads nothing: a warm build asks for every article first and loads each result only as it uses
        it, so that the results' pickles are never in memory all at once."""
        entry = self.entries.get(key)
        if entry is None:
            return False
        reader = self._reader(entry.pack)
        return reader is not None and reader[1] >= entry.offset + entry.size

    def load(self, key: str) -> bytes | None:
        """The stored result (pickled), or None if there is none or it does not check out."""
        if not self.has(key):
            return None
        entry = self.entries[key]
        reader = self._reader(entry.pack)
        assert reader is not None
        data = os.pread(reader[0], _HEADER.size + entry.result, entry.offset)
        if len(data) < _HEADER.size or _HEADER.unpack_from(data) != (
                _MAGIC, bytes.fromhex(key), entry.result, entry.parts, entry.page):
            return None
        return data[_HEADER.size:]

    def parts_base(self, key: str) -> int:
        """Where the entry's parts start, as a Spooled offset (see fetch)."""
        entry = self.entries[key]
        return (self._numbers[entry.pack] << _PACK_BITS) + entry.offset + _HEADER.size + entry.result

    def fetch(self, ref: Spooled) -> bytes:
        """A range of some entry's parts (ArticleResult.spooled gives it)."""
        reader = self._reader(self.packs[ref.offset >> _PACK_BITS])
        assert reader is not None, "a pack went missing during the build"
        return os.pread(reader[0], ref.length, ref.offset & ((1 << _PACK_BITS) - 1))

    def page(self, key: str) -> bytes | None:
        entry = self.entries.get(key)
        reader = self._reader(entry.pack) if entry else None
        if entry is None or reader is None:
            return None
        return os.pread(reader[0], entry.page, entry.offset + _HEADER.size + entry.result + entry.parts)

    def _reader(self, pack: str) -> tuple[int, int] | None:
        """(descriptor, size) for reading `pack` in this process, or None if it cannot be opened."""
        known = self._readers.get(pack)
        if known is None or known[0] != os.getpid():
            try:
                fd = os.open(self.directory / pack, os.O_RDONLY | getattr(os, "O_CLOEXEC", 0))
            except OSError:
                return None
            known = self._readers[pack] = (os.getpid(), fd, os.fstat(fd).st_size)
        return known[1], known[2]

    # Writing -------------------------------------------------------------------------------------

    def store(self, key: str, page: bytes, parts: bytes, result: bytes) -> Entry:
        """Append an entry to the pack this process holds (no two processes append to one pack at
        once, see _claim_pack); the parent then adds the returned Entry (add)."""
        if self._writer is None or self._writer[0] != os.getpid():
            self._writer = (os.getpid(), *self._claim_pack())
        pid, fd, name, size = self._writer
        header = _HEADER.pack(_MAGIC, bytes.fromhex(key), len(result), len(parts), len(page))
        _write_all(fd, [header, result, parts, page])
        entry = Entry(name, size, len(result), len(parts), len(page))
        self._writer = (pid, fd, name, size + entry.size)
        return entry

    def _claim_pack(self) -> tuple[int, str, int]:
        """(descriptor, name, size) of a pack for this process to append to: one this build started
        whose writer has exited, if the parent knew of it when this process was forked, else a new one.
        Workers retire (parallel.RETIRE_AFTER): with a pack each, a cold build of 10,000 articles left
        twenty, and merging them (save) copied 780 MB. A pack is claimed with an exclusive lock on it,
        which lasts as long as the claiming process, so no two processes ever append to one pack."""
        for name in self.packs:
            if name in self._earlier:
                continue
            try:
                fd = os.open(self.directory / name, os.O_WRONLY | os.O_APPEND | getattr(os, "O_CLOEXEC", 0))
            except OSError:
                continue
            if _lock(fd):
                return fd, name, os.fstat(fd).st_size
            os.close(fd)
        fd, name = _new_pack(self.directory)
        _lock(fd)
        return fd, name, 0

    def add(self, key: str, entry: Entry) -> None:
        """Record an entry stored (by any process) during this build."""
        if entry.pack not in self._numbers:
            self._numbers[entry.pack] = len(self.packs)
            self.packs.append(entry.pack)
        stale = self._readers.pop(entry.pack, None)  # it has grown since it was opened here
        if stale is not None and stale[0] == os.getpid():
            os.close(stale[1])
        self.entries[key] = entry

    def save(self, keep: Iterable[str] | None = None) -> None:
        """Write the index and let go of what is no longer needed. With `keep` (a successful build:
        its articles' keys), every other entry is forgotten, and packs that are mostly forgotten,
        or too many small ones, are rewritten. Without it (a failed build) nothing is forgotten:
        the articles done before the failure are still good for the next build."""
        self.close()
        if keep is not None:
            wanted = set(keep)
            self.entries = {key: entry for key, entry in self.entries.items() if key in wanted}
            self._compact()
        if self.entries != self._indexed:  # at 10,000 articles the index is a megabyte of JSON
            temp = self.directory / f".index.{os.getpid()}.tmp"
            temp.write_text(json.dumps({"format": _FORMAT, "entries": self.entries}, sort_keys=True), encoding="utf-8")
            os.replace(temp, self.directory / "index.json")
            self._indexed = dict(self.entries)
        used = {entry.pack for entry in self.entries.values()}
        for path in self.directory.iterdir():
            if path.name not in used and path.name != "index.json":
                path.unlink(missing_ok=True)

    def close(self) -> None:
        for pid, fd, *_ in (*self._readers.values(), *([self._writer] if self._writer else [])):
            if pid == os.getpid():
                os.close(fd)
        self._readers.clear()
        self._writer = None

    def _compact(self) -> None:
        """Copy the live entries of wasteful packs into one new pack (before the index names it)."""
        live: dict[str, int] = {}
        for entry in self.entries.values():
            live[entry.pack] = live.get(entry.pack, 0) + entry.size
        sizes = {pack: _size(self.directory / pack) for pack in live}
        largest = sorted(live, key=lambda pack: -sizes[pack])[:_MAX_PACKS // 2]
        rewrite = {pack for pack in live if live[pack] * 2 < sizes[pack]
                   or (len(live) > _MAX_PACKS and pack not in largest)}
        if not rewrite:
            return
        fd, name = _new_pack(self.directory)
        moved = sorted((entry.pack, entry.offset, key) for key, entry in self.entries.items() if entry.pack in rewrite)
        opened: dict[str, int] = {}
        try:
            at = 0
            for pack, offset, key in moved:
                entry = self.entries.pop(key)
                try:
                    source = opened.get(pack)
                    if source is None:
                        source = opened[pack] = os.open(self.directory / pack, os.O_RDONLY)
                    data = os.pread(source, entry.size, offset)
                except OSError:
                    continue  # gone: forgotten, so the article is done again next time
                if len(data) == entry.size:
                    _write_all(fd, [data])
                    self.entries[key] = entry._replace(pack=name, offset=at)
                    at += entry.size
        finally:
            os.close(fd)
            for source in opened.values():
                os.close(source)

    def _read_index(self) -> dict[str, Entry]:
        try:
            index = json.loads((self.directory / "index.json").read_text(encoding="utf-8"))
            if index.get("format") != _FORMAT:
                return {}
            return {key: Entry(str(pack), int(offset), int(result), int(parts), int(page))
                    for key, (pack, offset, result, parts, page) in index["entries"].items()
                    if "/" not in str(pack) and not str(pack).startswith(".")}
        except (OSError, ValueError, TypeError, AttributeError, KeyError):
            return {}


def _new_pack(directory: Path) -> tuple[int, str]:
    """A new, empty pack file of this process, opened for appending."""
    flags = os.O_WRONLY | os.O_CREAT | os.O_EXCL | os.O_APPEND | getattr(os, "O_CLOEXEC", 0)
    for attempt in range(100):
        name = f"{os.getpid()}-{os.urandom(6).hex()}.pack"
        try:
            return os.open(directory / name, flags, 0o644), name
        except FileExistsError:
            continue
    raise OSError(f"cannot create a pack file in {directory}")


def _lock(fd: int) -> bool:
    """Take an exclusive lock on an open pack without waiting; False if another process holds it.
    Where there are no such locks (not POSIX), nothing is claimed and every process starts its own pack."""
    if fcntl is None:
        return False
    try:
        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except OSError:
        return False
    return True


def _write_all(fd: int, pieces: list[bytes]) -> None:
    for piece in pieces:
        view = memoryview(piece)
        while view:
            view = view[os.write(fd, view):]


def _size(path: Path) -> int:
    try:
        return path.stat().st_size
    except OSError:
        return 0
