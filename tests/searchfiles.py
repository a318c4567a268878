"""The search index's files read as the search page reads them, for the tests that check them."""
from __future__ import annotations

import json
import re
from dataclasses import dataclass
from pathlib import Path


@dataclass
class SearchIndex:
    """The search index as the search page loads it (see builder/searchindex.py)."""

    manifest: dict
    entries: list
    """[href, title, kind, text] of every entry, in order."""
    words: dict
    """First character -> the text of its word part ("\\n<article> word:ids …")."""
    raw: dict
    """File name (search-index.js, search/….js) -> its text, for checks of the text itself."""


_PART = re.compile(r'EDITION_SEARCH_PART\("([a-z0-9-]+)",(.*)\);\n', re.DOTALL)


def read_search_index(site: Path) -> SearchIndex:
    """Read and check the index's files: ValueError says which one is not what the page expects."""
    raw = {"search-index.js": (site / "search-index.js").read_text(encoding="utf-8")}
    match = re.fullmatch(r"window\.EDITION_SEARCH=(.*);\n", raw["search-index.js"], re.DOTALL)
    if not match:
        raise ValueError("search-index.js is not a single assignment")
    manifest = json.loads(match.group(1))
    parts = {}
    for path in sorted((site / "search").glob("*.js")):
        text = raw[f"search/{path.name}"] = path.read_text(encoding="utf-8")
        found = _PART.fullmatch(text)
        if not found or f"{found.group(1)}.js" != path.name:
            raise ValueError(f"search/{path.name} is not one call of EDITION_SEARCH_PART with its own name")
        parts[found.group(1)] = json.loads(found.group(2))
    entries = [entry for number in range(len(manifest["chunks"])) for entry in parts.pop(f"d-{number}")]
    words = {char: parts.pop(f"w-{char}") for char in manifest["words"]}
    if parts:
        raise ValueError(f"parts the index does not list: {sorted(parts)}")
    if len(entries) != manifest["count"]:
        raise ValueError(f"{len(entries)} entries in the parts, {manifest['count']} in the index")
    return SearchIndex(manifest, entries, words, raw)
