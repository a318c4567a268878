"""Stage 7: write the site atomically. The only writer of the output directory.

Pages are written, as they are rendered, into a fresh directory beside the output (forked render
workers write there too), and that directory is swapped in by rename only when every page is written.
So a failed build never leaves a half-written site, readers of the old site never see a mixture, and
no build holds the whole site in memory.
"""
from __future__ import annotations

import os
import shutil
import tempfile
from pathlib import Path, PurePosixPath
from typing import BinaryIO, Iterable

from .assets import OutputFile


class UnsafeOutput(Exception):
    """An output path that would escape the output directory, or two outputs with one path."""


def _checked(dest: PurePosixPath) -> PurePosixPath:
    if not dest.parts or dest.is_absolute() or any(part in ("", ".", "..") for part in dest.parts) or "\\" in str(dest):
        raise UnsafeOutput(f"refusing to write outside the output directory: {dest}")
    return dest


class SiteWriter:
    """A staging directory for one build. Use as a context manager: leaving it by an exception removes
    the staging directory and leaves the output untouched; commit() swaps the staged site in."""

    def __init__(self, out_dir: Path):
        self.out_dir = out_dir.absolute()
        self.out_dir.parent.mkdir(parents=True, exist_ok=True)
        self.staging = Path(tempfile.mkdtemp(prefix=f".{self.out_dir.name}.", dir=self.out_dir.parent))
        self.dests: list[PurePosixPath] = []
        self._seen: set[PurePosixPath] = set()
        self._dirs: set[Path] = {self.staging}

    def __enter__(self) -> "SiteWriter":
        return self

    def __exit__(self, *_: object) -> None:
        shutil.rmtree(self.staging, ignore_errors=True)  # after commit() it has been renamed: nothing to do

    def _target(self, dest: PurePosixPath) -> Path:
        target = self.staging.joinpath(*_checked(dest).parts)
        if target.parent not in self._dirs:
            target.parent.mkdir(parents=True, exist_ok=True)
            self._dirs.add(target.parent)
        return target

    def write(self, dest: PurePosixPath, data: bytes) -> PurePosixPath:
        """Write one file (from this process or a forked worker); register() it afterwards."""
        self._target(dest).write_bytes(data)
        return dest

    def write_stream(self, dest: PurePosixPath, chunks: Iterable[bytes]) -> PurePosixPath:
        """Write a file that is too large to build in memory, piece by piece."""
        with open(self._target(dest), "wb") as stream:
            for chunk in chunks:
                stream.write(chunk)
        return dest

    def open(self, dest: PurePosixPath) -> BinaryIO:
        """A new file to write as its content comes (the caller closes it, and registers `dest`)."""
        return open(self._target(dest), "wb")

    def link(self, dest: PurePosixPath, source: Path) -> PurePosixPath:
        """Reuse a file of the previous site unchanged: a hard link (a copy where links are impossible),
        in place of what was written to `dest`, if anything."""
        target = self._target(dest)
        temp = target.with_name(f".{target.name}.link")  # then renamed: `dest` may have been written already
        try:
            os.link(source, temp)
        except OSError:
            shutil.copyfile(source, temp)
        os.replace(temp, target)
        return dest

    def register(self, dests: Iterable[PurePosixPath]) -> None:
        """Record written files in site order; two pages with one path are refused."""
        for dest in dests:
            if dest in self._seen:
                raise UnsafeOutput(f"two pages would be written to {dest}")
            self._seen.add(dest)
            self.dests.append(dest)

    def add(self, dest: PurePosixPath, data: bytes) -> None:
        self.register([self.write(dest, data)])

    def commit(self) -> None:
        os.chmod(self.staging, 0o755)
        _swap(self.staging, self.out_dir)


def write_site(outputs: Iterable[OutputFile], out_dir: Path) -> None:
    """Write `outputs` to a temporary directory and swap it in place of `out_dir`."""
    with SiteWriter(out_dir) as writer:
        for output in outputs:
            writer.add(output.dest, output.data)
        writer.commit()


def _swap(staging: Path, out_dir: Path) -> None:
    """Replace out_dir by staging; the old tree is renamed away first and removed after."""
    if not out_dir.exists():
        staging.rename(out_dir)
        return
    retired = Path(tempfile.mkdtemp(prefix=f".{out_dir.name}.old.", dir=out_dir.parent))
    retired.rmdir()
    out_dir.rename(retired)
    try:
        staging.rename(out_dir)
    except BaseException:
        retired.rename(out_dir)
        raise
    shutil.rmtree(retired, ignore_errors=True)
