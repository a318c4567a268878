"""Layout a machine can judge: on a wide screen each margin note starts within a screen of its
reference (full-length notes used to stack up to 5,000 px below their references; now the margin
shows each note's first lines; at present the furthest is about 600 px)."""
from __future__ import annotations

import pytest

from .support import ARTICLE_SLUGS

SCREEN = 900


@pytest.mark.parametrize("slug", ARTICLE_SLUGS)
def test_margin_notes_stay_beside_their_references(open_page, file_root, slug):
    page, watch = open_page(file_root, width=1280, height=SCREEN)
    page.goto(f"{file_root}articles/{slug}.html")
    drift = page.evaluate("""() => [...document.querySelectorAll('a[role="doc-noteref"]')].map(ref => {
        const note = ref.parentNode.nextElementSibling;
        return [ref.textContent, Math.round(note.getBoundingClientRect().top - ref.getBoundingClientRect().top),
                getComputedStyle(note).float];
    })""")
    assert drift and all(float_ == "right" for _, _, float_ in drift), "no margin notes at 1280 px"
    far = [(number, px) for number, px, _ in drift if px > SCREEN]
    assert not far, f"margin notes more than a screen ({SCREEN} px) below their reference (note, px): {far}"
    assert not watch.problems(), watch.problems()


@pytest.mark.parametrize("width", [390, 1280])
def test_the_glossary_tables_columns_of_counts_are_even(open_page, file_root, width):
    """One article's column (an outlet's, in a large edition) used to be wider than the others only because it held a 10."""
    page, watch = open_page(file_root, width=width, height=SCREEN)
    page.goto(f"{file_root}glossary/index.html")
    columns = page.evaluate("""() => [...document.querySelector('.glossary-table thead tr').cells].slice(1)
        .map(cell => [cell.textContent, cell.getBoundingClientRect().width])""")
    counts = [value for _, value in columns]
    assert len(counts) >= 3, columns
    assert max(counts) - min(counts) < 1.5, f"columns of counts of uneven width (header, px): {columns}"
    assert not watch.problems(), watch.problems()
