"""Stage 7: write the site atomically. The only writer of the output directory.

Everything is written into a fresh temporary directory beside the output and swapped in by rename
only when every file is written, so a failed build never leaves a half-written site and readers of
the old site never see a mixture.
"""
from __future__ import annotations

import os
import shutil
import tempfile
from pathlib import Path, PurePosixPath
from typing import Iterable

from .assets import OutputFile


class UnsafeOutput(Exception):
    """An output path that would escape the output directory, or two outputs with one path."""


def _checked(dest: PurePosixPath) -> PurePosixPath:
    if not dest.parts or dest.is_absolute() or any(part in ("", ".", "..") for part in dest.parts) or "\\" in str(dest):
        raise UnsafeOutput(f"refusing to write outside the output directory: {dest}")
    return dest


def write_site(outputs: Iterable[OutputFile], out_dir: Path) -> None:
    """Write `outputs` to a temporary directory and swap it in place of `out_dir`."""
    out_dir = out_dir.absolute()
    out_dir.parent.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=f".{out_dir.name}.", dir=out_dir.parent))
    try:
        seen: set[PurePosixPath] = set()
        for output in outputs:
            dest = _checked(output.dest)
            if dest in seen:
                raise UnsafeOutput(f"two pages would be written to {dest}")
            seen.add(dest)
            target = staging.joinpath(*dest.parts)
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_bytes(output.data)
        os.chmod(staging, 0o755)
        _swap(staging, out_dir)
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise


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
