"""The offline bundle: the built site as a zip that works unzipped anywhere, opened by its index.html.

Entries are written in sorted order with a fixed timestamp, so the same site always gives the same zip.
"""
from __future__ import annotations

import os
import tempfile
import zipfile
from pathlib import Path

FIXED_TIME = (2020, 1, 1, 0, 0, 0)


def zip_site(site_dir: Path, zip_path: Path, folder: str = "edition") -> int:
    """Write every file of `site_dir` under `folder/` in `zip_path` (atomically). Returns the file count."""
    zip_path.parent.mkdir(parents=True, exist_ok=True)
    files = sorted(p for p in site_dir.rglob("*") if p.is_file())
    handle, temp_name = tempfile.mkstemp(prefix=f".{zip_path.name}.", dir=zip_path.parent)
    os.close(handle)
    try:
        with zipfile.ZipFile(temp_name, "w", compression=zipfile.ZIP_DEFLATED, compresslevel=9) as archive:
            for path in files:
                info = zipfile.ZipInfo(f"{folder}/{path.relative_to(site_dir).as_posix()}", FIXED_TIME)
                info.compress_type = zipfile.ZIP_DEFLATED
                info.external_attr = 0o644 << 16
                archive.writestr(info, path.read_bytes())
        os.chmod(temp_name, 0o644)
        os.replace(temp_name, zip_path)
    except BaseException:
        Path(temp_name).unlink(missing_ok=True)
        raise
    return len(files)
