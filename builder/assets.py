"""Theme static files with content-hashed names, so they can be cached for a year and never go stale."""
from __future__ import annotations

import hashlib
from dataclasses import dataclass
from pathlib import Path, PurePosixPath


@dataclass(frozen=True, slots=True)
class OutputFile:
    """One file of the built site."""

    dest: PurePosixPath
    """Path relative to the output directory."""
    data: bytes


@dataclass(frozen=True, slots=True)
class AssetManifest:
    """Theme file name -> hashed path under assets/, plus the files themselves."""

    paths: dict[str, str]
    files: tuple[OutputFile, ...]

    def url(self, name: str, root: str) -> str:
        return f"{root}{self.paths[name]}"


def fingerprint(static_dir: Path) -> AssetManifest:
    """Every file under static_dir, renamed name.<hash>.ext (the hash of its bytes).

    Files under static/root/ (favicon.ico, which browsers ask for at the root by that name) are copied
    to the site root unchanged instead."""
    paths: dict[str, str] = {}
    files = []
    for path in sorted(p for p in static_dir.rglob("*") if p.is_file()):
        relative = path.relative_to(static_dir).as_posix()
        data = path.read_bytes()
        if relative.startswith("root/"):
            files.append(OutputFile(PurePosixPath(relative.removeprefix("root/")), data))
            continue
        digest = hashlib.sha256(data).hexdigest()[:10]
        stem, dot, suffix = relative.rpartition(".")
        hashed = f"assets/{stem}.{digest}.{suffix}" if dot else f"assets/{relative}.{digest}"
        paths[relative] = hashed
        files.append(OutputFile(PurePosixPath(hashed), data))
    return AssetManifest(paths, tuple(files))
