"""Warm builds: when nothing that a build reads has changed and the site on disk is the one the last
build wrote, there is nothing to do.

The stamp records a hash of every input (content files, theme files, the builder's own code and the
options) and the size and modification time of every file written. It lives in `.cache/` beside the
output directory, never inside it (the output is published as it is). Any difference, including a
file of the site touched by hand, means a full build: a stale stamp can cost time, never correctness.
"""
from __future__ import annotations

import hashlib
import json
import os
from pathlib import Path

from . import __version__

BUILDER_DIR = Path(__file__).parent


def _files(root: Path) -> list[Path]:
    return sorted(p for p in root.rglob("*") if p.is_file() and "__pycache__" not in p.parts) if root.is_dir() else []


def code_key(theme: Path) -> str:
    """A hash of the builder's code and the theme: what every page's rendering depends on besides content."""
    return _hash_trees(hashlib.sha256(__version__.encode()), (("theme", theme), ("builder", BUILDER_DIR))).hexdigest()


def _hash_trees(digest: "hashlib._Hash", trees: tuple[tuple[str, Path], ...]) -> "hashlib._Hash":
    for label, root in trees:
        for path in _files(root):
            digest.update(f"\0{label}/{path.relative_to(root).as_posix()}\0".encode())
            digest.update(path.read_bytes())
    return digest


def inputs_key(content: Path, code: str, options: str) -> str:
    """A hash of everything a build reads: the content, the editor's guide, `code` (code_key) and options."""
    digest = hashlib.sha256(f"{code}\0{options}".encode())
    guide = content.absolute().parent / "docs" / "editing.md"
    _hash_trees(digest, (("content", content),))
    if guide.is_file():
        digest.update(b"\0guide\0" + guide.read_bytes())
    return digest.hexdigest()


def outputs_state(out: Path) -> list[list[object]]:
    state = []
    for path in _files(out):
        info = path.stat()
        state.append([path.relative_to(out).as_posix(), info.st_size, info.st_mtime_ns])
    return state


def cache_dir(out: Path) -> Path:
    """The build's own directory for one output directory: beside it, never inside it."""
    out = out.absolute()
    return out.parent / ".cache" / "edition" / out.name


def stamp_path(out: Path) -> Path:
    out = out.absolute()
    return out.parent / ".cache" / "edition" / f"{out.name}.json"


def is_current(key: str, out: Path) -> bool:
    """True when the last build had exactly these inputs and its output is still as it left it."""
    try:
        stamp = json.loads(stamp_path(out).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return False
    return stamp.get("inputs") == key and stamp.get("outputs") == outputs_state(out)


def record(key: str, out: Path) -> None:
    path = stamp_path(out)
    path.parent.mkdir(parents=True, exist_ok=True)
    temp = path.with_suffix(".tmp")
    temp.write_text(json.dumps({"inputs": key, "outputs": outputs_state(out)}), encoding="utf-8")
    os.replace(temp, path)
