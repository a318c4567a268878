"""Warm builds: when nothing that a build reads has changed and the site on disk is the one the last
build wrote, there is nothing to do.

The stamp records a hash of every input (content files, theme files, the builder's own code and the
options) and the size and modification time of every file written. It lives in `.cache/` beside the
output directory, never inside it (the output is published as it is). Any difference, including a
file of the site touched by hand, means a full build: a stale stamp can cost time, never correctness.

A content file whose size and modification time (in nanoseconds) are those recorded with its hash is
not read again, as git does with its index: at 10,000 articles, reading and hashing 140 MB was most
of a build with nothing to do. As in git, a file modified within the clock tick of the recording
would look unchanged, so files modified less than two seconds before they were last looked at are
always hashed again.
"""
from __future__ import annotations

import contextlib
import hashlib
import json
import os
import stat
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Iterator

from . import __version__

BUILDER_DIR = Path(__file__).parent


def code_key(theme: Path) -> str:
    """A hash of the builder's code and the theme: what every page's rendering depends on besides content."""
    return _hash_trees(hashlib.sha256(__version__.encode()), (("theme", theme), ("builder", BUILDER_DIR))).hexdigest()


def _hash_trees(digest: "hashlib._Hash", trees: tuple[tuple[str, Path], ...]) -> "hashlib._Hash":
    for label, root in trees:
        for name in _walk(root) if root.is_dir() else []:
            if (root / name).is_file():
                digest.update(f"\0{label}/{name}\0".encode())
                digest.update((root / name).read_bytes())
    return digest


RACY_NS = 2_000_000_000


@dataclass(frozen=True)
class Inputs:
    """What the stamp records of a build's inputs."""

    key: str
    """A hash of everything a build reads."""
    files: dict[str, list[object]]
    """Content file -> [size, mtime_ns, sha256]: lets the next build skip reading unchanged files."""
    taken_ns: int
    """When the files were looked at."""
    previous: dict[str, Any]
    """The last build's stamp (read once: is_current compares against it too)."""


def inputs_key(content: Path, code: str, options: str, out: Path) -> Inputs:
    """A hash of everything a build reads: the content, the editor's guide, `code` (code_key) and options.
    Files unchanged since the stamp of `out` was written are taken at their recorded hash."""
    stamp = _read_stamp(out)
    known, taken = stamp.get("files") or {}, stamp.get("taken_ns") or 0
    now = time.time_ns()
    digest = hashlib.sha256(f"{code}\0{options}".encode())
    guide = content.absolute().parent / "docs" / "editing.md"
    files: dict[str, list[object]] = {}
    # Plain strings rather than Paths: at 20,000 files, building Path objects took most of a warm build.
    root = os.fspath(content)
    for label, path in [*((f"content/{name}", os.path.join(root, name)) for name in _walk(content)), ("guide", os.fspath(guide))]:
        try:
            info = os.stat(path)
        except OSError:
            continue
        if not stat.S_ISREG(info.st_mode):  # a FIFO or device would block or never end: not content
            continue
        seen = known.get(label)
        if isinstance(seen, list) and len(seen) == 3 and seen[:2] == [info.st_size, info.st_mtime_ns] \
                and info.st_mtime_ns < taken - RACY_NS:
            sha = seen[2]
        else:
            with open(path, "rb") as source:
                sha = hashlib.sha256(source.read()).hexdigest()
        files[label] = [info.st_size, info.st_mtime_ns, sha]
        digest.update(f"\0{label}\0{sha}".encode())
    return Inputs(digest.hexdigest(), files, now, stamp)


def _walk(root: Path) -> list[str]:
    """Every file under `root`, as sorted relative POSIX paths (os.walk: several times faster than rglob)."""
    found = []
    for folder, dirs, names in os.walk(root):
        dirs[:] = [d for d in dirs if d != "__pycache__"]
        relative = os.path.relpath(folder, root)
        for name in names:
            found.append(name if relative == "." else f"{relative}/{name}".replace(os.sep, "/"))
    return sorted(found)


def outputs_state(out: Path) -> list[list[object]]:
    state: list[list[object]] = []
    root = os.fspath(out)
    for name in _walk(out) if out.is_dir() else []:
        try:
            info = os.stat(os.path.join(root, name))
        except OSError:  # a dangling link
            continue
        if stat.S_ISREG(info.st_mode):
            state.append([name, info.st_size, info.st_mtime_ns])
    return state


def cache_dir(out: Path) -> Path:
    """The build's own directory for one output directory: beside it, never inside it."""
    out = out.absolute()
    return out.parent / ".cache" / "edition" / out.name


@contextlib.contextmanager
def build_lock(out: Path) -> Iterator[None]:
    """Held by a writing build for one output directory from start to end: a second build of the same
    output (the live preview and a build from the command line, say) waits for the first, instead of
    the two taking each other's cache and staging files away."""
    try:
        import fcntl
    except ImportError:  # pragma: no cover - not on POSIX: builds are not serialised
        yield
        return
    path = out.absolute().parent / ".cache" / "edition" / f"{out.absolute().name}.lock"
    path.parent.mkdir(parents=True, exist_ok=True)
    with open(path, "a") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(lock, fcntl.LOCK_UN)


def stamp_path(out: Path) -> Path:
    out = out.absolute()
    return out.parent / ".cache" / "edition" / f"{out.name}.json"


def _read_stamp(out: Path) -> dict[str, Any]:
    try:
        stamp = json.loads(stamp_path(out).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    return stamp if isinstance(stamp, dict) else {}


def is_current(inputs: Inputs, out: Path) -> bool:
    """True when the last build had exactly these inputs and its output is still as it left it."""
    stamp = inputs.previous
    return stamp.get("inputs") == inputs.key and stamp.get("outputs") == outputs_state(out)


def record(inputs: Inputs, out: Path) -> None:
    path = stamp_path(out)
    path.parent.mkdir(parents=True, exist_ok=True)
    temp = path.with_suffix(".tmp")
    temp.write_text(json.dumps({"inputs": inputs.key, "outputs": outputs_state(out), "files": inputs.files,
                                "taken_ns": inputs.taken_ns}), encoding="utf-8")
    os.replace(temp, path)
