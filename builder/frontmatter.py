"""Split an article file into its YAML front matter and its Markdown body, keeping line numbers."""
from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class FrontMatterSplit:
    """The two halves of an article file."""

    meta_text: str
    """YAML between the two `---` lines."""
    meta_line: int
    """1-based line of the first YAML line (2, below the opening `---`)."""
    body: str
    """Markdown after the closing `---`."""
    body_line: int
    """1-based line of the body's first line in the file."""


def split_front_matter(text: str) -> FrontMatterSplit | None:
    """None when the file does not open with a `---` … `---` block."""
    lines = text.split("\n")
    if not lines or lines[0].rstrip() != "---":
        return None
    for index in range(1, len(lines)):
        if lines[index].rstrip() in ("---", "..."):
            meta = "\n".join(lines[1:index])
            body = "\n".join(lines[index + 1 :])
            return FrontMatterSplit(meta, 2, body, index + 2)
    return None
