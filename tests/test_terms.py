"""Framing terms: found in any case, as whole words, the fast way (lowered text) exactly where the
case-insensitive pattern finds them."""
from __future__ import annotations

from types import SimpleNamespace

from hypothesis import given
from hypothesis import strategies as st

from builder.analysis import _cased_only_in_ascii, compile_terms, find_terms
from builder.diagnostics import SourceLocation
from builder.markdown import Passage
from builder.model import Concept, Term


def terms(*forms_by_term: tuple[str, ...]):
    concept = Concept("force", "Use of force", None, tuple(Term(f"t{i}", forms, None) for i, forms in enumerate(forms_by_term)),
                      SourceLocation("framing.yaml"))
    return compile_terms((concept,))


def parsed(*texts: str):
    return SimpleNamespace(passages=tuple(Passage(n, f"p-{n}", 0, "paragraph", 1, t) for n, t in enumerate(texts, 1)))


def spans(found):
    return [(hit.term, hit.passage, hit.start, hit.end) for hit in found]


ASCII_FORMS = terms(("strike", "strikes"), ("attack",), ("retaliation", "act of war", "Iran’s response"))


def test_any_case_whole_words_only():
    text = "A Strike, two STRIKES; a counter-strike, strikeout, attacks and an Act of War."
    war = text.index("Act of War")
    assert spans(find_terms(parsed(text), ASCII_FORMS)) == [("t0", 0, 2, 8), ("t0", 0, 14, 21), ("t2", 0, war, war + 10)]


def test_the_fast_way_is_taken_for_text_whose_cased_letters_are_ascii():
    assert ASCII_FORMS.lowered is not None
    assert _cased_only_in_ascii("The strike’s aftermath — “retaliation”, 2 000 km")
    # Each of these has a cased letter beyond ASCII: lowering could change a length, or the letter
    # matches an ASCII one only case-insensitively.
    for text in ("café strike", "\u212a", "ſtrike", "İran", "ıran", "ΣΤΡΑΙΚ"):
        assert not _cased_only_in_ascii(text), text


def test_forms_with_cased_letters_beyond_ascii_are_always_matched_case_insensitively():
    found = terms(("Ḥezbollah strike",), ("frappe aérienne",))
    assert found.lowered is None
    assert spans(find_terms(parsed("A ḤEZBOLLAH STRIKE, then a Frappe Aérienne."), found)) == [("t0", 0, 2, 18), ("t1", 0, 27, 42)]


@given(st.lists(st.lists(st.sampled_from([
    "strike", "Strike", "STRIKES", "attack", "ATTACK", "retaliation", "act of war", "Act", " of ", "War",
    "Iran", "’s", " response", "ſtrike", "attac\u212a", "İ", "ı", "Σ", "é", "É", "’s", "-", "_", "x", "2", " ", "\u00a0", ".", "“", "ß",
]), max_size=10), min_size=1, max_size=3))
def test_the_fast_way_finds_exactly_what_the_case_insensitive_pattern_finds(passages):
    article = parsed(*("".join(parts) for parts in passages))
    assert find_terms(article, ASCII_FORMS) == find_terms(article, ASCII_FORMS._replace(lowered=None))
