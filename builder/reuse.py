"""Pages of the previous build taken over unchanged, so a warm build re-renders only what a change touched.

Each page and data file but annotations.jsonld, which carries every note (assembled from the articles'
cached pieces), has an inputs hash: everything its bytes depend on (for an
article page, its article key and its related accounts; for an entity page, the edition-wide key, the
entity, its concordance sections, the notes that cite it, its events and claims; for a site-wide page,
the edition-wide key, the article records and the page's context). When the hash equals the one
recorded for that page by the last build, and the file is still exactly as that build left it (size
and modification time), the file is hard-linked into the new site instead of being rendered again.
Anything else renders: a stale record can cost time, never correctness. The search index's files are
assembled from the articles' cached pieces too: their inputs hash is the hash of their bytes (SameAsLast).
"""
from __future__ import annotations

import hashlib
import io
import json
import os
import pickle
from pathlib import Path, PurePosixPath
from typing import Iterable, Mapping

from .write import SiteWriter


def inputs_hash(*parts: object, known: Mapping[int, str] | None = None) -> str:
    """A digest of `parts` (strings, bytes, and values made of the model's records, tuples, lists, dicts
    and numbers). Those are pickled rather than repr'd: five times faster on the model's records, which
    pickle as constructor calls, and as complete. Nothing hashed holds a set, whose order could vary
    between runs; should a pickle ever differ for equal values, that costs a rebuild, not correctness.
    `known` maps the id() of objects already hashed to their digest, which stands in for them."""
    digest = hashlib.sha256()
    for part in parts:
        data = part.encode("utf-8", "surrogatepass") if isinstance(part, str) else \
            part if isinstance(part, bytes) else _pickled(part, known)
        digest.update(len(data).to_bytes(8, "little"))
        digest.update(data)
    return digest.hexdigest()


def _pickled(value: object, known: Mapping[int, str] | None) -> bytes:
    if not known:
        return pickle.dumps(value, protocol=5)
    buffer = io.BytesIO()
    pickler = pickle.Pickler(buffer, protocol=5)
    pickler.persistent_id = lambda obj: known.get(id(obj))  # type: ignore[method-assign]
    pickler.dump(value)
    return buffer.getvalue()


class PageReuse:
    def __init__(self, out: Path, record: Path, *, read: bool = True):
        self.out, self.record = out.absolute(), record
        self.previous: dict[str, list] = {}
        try:
            if read:
                self.previous = json.loads(record.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            pass
        self.inputs: dict[str, str] = {}
        """dest -> inputs hash of this build (set in the parent before workers fork)."""

    def expect(self, dest: str, inputs: str) -> None:
        self.inputs[dest] = inputs

    def take(self, dest: str, writer: SiteWriter) -> bool:
        """Link the previous build's file for `dest` into the new site if it is still valid."""
        old = self.previous.get(dest)
        if not old or old[0] != self.inputs.get(dest):
            return False
        path = self.out / dest
        try:
            info = path.stat()
        except OSError:
            return False
        if [info.st_size, info.st_mtime_ns] != old[1:]:
            return False
        writer.link(PurePosixPath(dest), path)
        return True

    def save(self, written: Iterable[PurePosixPath]) -> None:
        """After the swap: remember each hashed page's inputs and its file as it now is."""
        state = {}
        for dest in written:
            key = dest.as_posix()
            if key in self.inputs:
                info = (self.out / key).stat()
                state[key] = [self.inputs[key], info.st_size, info.st_mtime_ns]
        self.record.parent.mkdir(parents=True, exist_ok=True)
        temp = self.record.with_name(f".{self.record.name}.{os.getpid()}.tmp")
        temp.write_text(json.dumps(state, sort_keys=True), encoding="utf-8")
        os.replace(temp, self.record)


class SameAsLast:
    """A file written piece by piece (see SiteWriter.open) and hashed as it goes. Closed, it becomes
    the last build's file when that held the same bytes: a file whose content decides whether it
    changed (a part of the search index) keeps its identity, like a page whose inputs are unchanged."""

    def __init__(self, reuse: PageReuse, writer: SiteWriter, dest: PurePosixPath):
        self.reuse, self.writer, self.dest = reuse, writer, dest
        self.stream = writer.open(dest)
        self.digest = hashlib.blake2b(digest_size=16)

    def write(self, data: bytes) -> None:
        self.digest.update(data)
        self.stream.write(data)

    def close(self) -> None:
        self.stream.close()
        self.reuse.expect(self.dest.as_posix(), self.digest.hexdigest())
        self.reuse.take(self.dest.as_posix(), self.writer)

    def __enter__(self) -> "SameAsLast":
        return self

    def __exit__(self, *_: object) -> None:
        self.close()
