"""TextQuoteSelector anchoring over reader-visible text."""
from __future__ import annotations

from datetime import date

import pytest

from builder.anchoring import PassageIndex, anchor_selector, normalise
from builder.diagnostics import Diagnostics, SourceLocation
from builder.markdown import make_parser, parse_article
from builder.model import Article, Selector

LOC = SourceLocation("notes.yaml", 7, 12)


def parsed(body: str):
    article = Article("a", "T", "o", None, date(2020, 1, 1), "report", None, None, None, False, False, (), body, 5,
                      "a.md", SourceLocation("a.md"))
    return parse_article(make_parser(), article)


def anchor(body: str, exact: str, prefix: str = "", suffix: str = ""):
    diags = Diagnostics()
    index = PassageIndex(parsed(body))
    result = anchor_selector(index, Selector(exact, prefix, suffix, LOC), "note 'x'", diags)
    return result, diags.sorted(), index


def text_of(index, result):
    return index.parsed.passages[result.passage].text[result.start:result.end]


def test_exact_quote_anchors_to_its_passage():
    result, problems, index = anchor("First para.\n\nSecond para with words.", "para with")
    assert problems == [] and result.passage == 1 and text_of(index, result) == "para with"


def test_quote_across_emphasis_and_links_uses_visible_text():
    result, problems, index = anchor("One *emphasised* and [linked](https://x.example) text.", "emphasised and linked")
    assert problems == [] and text_of(index, result) == "emphasised and linked"


def test_whitespace_and_no_break_spaces_count_as_one_space():
    result, problems, index = anchor("Proofread\u00a0 by\nsomeone here.", "Proofread by someone")
    assert problems == [] and text_of(index, result) == "Proofread\u00a0 by\nsomeone"


def test_curly_quotes_must_be_written_as_in_the_text():
    result, problems, _ = anchor("He said “go home” twice.", '"go home"')
    assert result is None
    assert problems[0].code == "quote-not-found"
    assert "different quotation marks" in problems[0].hints[0] and "“go home”" in problems[0].hints[0]
    result, problems, _ = anchor("He said “go home” twice.", "“go home”")
    assert result is not None and problems == []


def test_ambiguous_quote_lists_every_occurrence():
    result, problems, _ = anchor("The base was hit.\n\nAnother base was hit.", "base was hit")
    assert result is None and problems[0].code == "quote-ambiguous"
    assert problems[0].location == LOC
    assert [h.split(":")[0] for h in problems[0].hints] == ["note", "note"]
    assert "paragraph 1" in problems[0].hints[0] and "paragraph 2" in problems[0].hints[1]


@pytest.mark.parametrize("prefix, suffix, passage", [("The ", "", 0), ("Another ", "", 1), ("", " hit.", None),
                                                     ("", "", None)])
def test_prefix_and_suffix_choose_one_occurrence(prefix, suffix, passage):
    result, problems, _ = anchor("The base was hit.\n\nAnother base was hit.", "base was", prefix, suffix)
    if passage is None:
        assert result is None and problems
    else:
        assert result.passage == passage and problems == []


def test_prefix_may_reach_into_the_previous_paragraph():
    result, problems, _ = anchor("End of one.\n\nbase here.\n\nAnother base here.", "base here", "of one. ")
    assert problems == [] and result.passage == 1


def test_small_edit_reanchors_to_the_right_place_with_a_warning():
    body = "Iran fired sixteen missiles at two bases.\n\nThe bases were empty."
    result, problems, index = anchor(body, "Iran fired 16 missiles at two bases")
    assert text_of(index, result) == "Iran fired sixteen missiles at two bases"
    assert [(p.severity, p.code) for p in problems] == [("warning", "quote-reanchored")]
    assert problems[0].hints == ('hint: paste the new quote into the YAML: "Iran fired sixteen missiles at two bases"',)


def test_typo_fixed_in_the_article_reanchors():
    body = "There were few if any victims. The US did not share information."
    result, problems, index = anchor(body, "There were few if any victimz.")
    assert text_of(index, result) == "There were few if any victims."
    assert problems[0].code == "quote-reanchored"


def test_large_edit_orphans_the_note_and_suggests_what_to_paste():
    body = "The mayor called it “the worst storm in a decade” and promised help."
    result, problems, _ = anchor(body, "the worst storm in ten years")
    assert result is None and problems[0].code == "quote-not-found" and problems[0].severity == "error"
    assert problems[0].hints == ('hint: did you mean "the worst storm in a decade" (paragraph 1)?',)


def test_look_alike_passages_are_never_guessed_between():
    body = "The first base was hit by eleven missiles.\n\nThe second base was hit by eleven missiles."
    result, problems, _ = anchor(body, "base was hit by twelve missiles")
    assert result is None and problems[0].code == "quote-not-found"
    assert "look-alike" in problems[0].hints[-1]


def test_context_breaks_the_tie_between_look_alikes():
    body = "The first base was hit by eleven missiles.\n\nThe second base was hit by eleven missiles."
    result, problems, index = anchor(body, "base was hit by twelve missiles", prefix="The second ")
    assert result is not None and result.passage == 1 and problems[0].code == "quote-reanchored"


def test_unrelated_quote_is_orphaned_without_a_suggestion():
    result, problems, _ = anchor("Nothing here matches at all.", "completely different wording entirely")
    assert result is None and problems[0].code == "quote-not-found" and problems[0].hints == ()


def test_quote_across_paragraph_break_is_not_found_and_says_why():
    result, problems, _ = anchor("First ends here.\n\nSecond starts here.", "ends here. Second starts")
    assert result is None and problems[0].code == "quote-not-found"


def test_empty_quote_is_an_error():
    result, problems, _ = anchor("Text.", "   ")
    assert result is None and problems[0].code == "empty-quote"


def test_normalise_maps_back_to_original_offsets():
    normal = normalise("  a \u00a0 b\n c ")
    assert normal.text == "a b c"
    assert [normal.origin[i] for i in range(len(normal.text))] == [2, 5, 6, 8, 9]
