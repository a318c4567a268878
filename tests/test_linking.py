"""Mention finding: one pattern, longest match, whole words, possessives, not in links or code."""
from __future__ import annotations

import re
from datetime import date

from hypothesis import given
from hypothesis import strategies as st

from builder.diagnostics import Diagnostics, SourceLocation
from builder.linking import whole_word_matches, build_entity_index, find_mentions, trie_regex
from builder.markdown import make_parser, parse_article
from builder.model import Article, Edition, Entity, MentionOverride

LOC = SourceLocation("glossary.yaml")


def entity(entity_id: str, name: str, *aliases: str) -> Entity:
    return Entity(entity_id, name, "other", "d", aliases, None, (), None, None, LOC, tuple(LOC for _ in aliases))


def edition(*entities: Entity, overrides=()) -> Edition:
    return Edition("t", None, "d", "en", "https://x/", None, None, (), {}, {}, {}, {e.id: e for e in entities},
                   tuple(overrides), (), (), ())


def mentions(body: str, ed: Edition, diags: Diagnostics | None = None):
    article = Article("a", "T", "o", None, date(2020, 1, 1), "report", None, None, None, False, False, (), body, 1,
                      "a.md", SourceLocation("a.md"))
    index = build_entity_index(ed, diags or Diagnostics())
    return [(m.entity_id, m.text, m.first) for m in find_mentions(parse_article(make_parser(), article), index, ed.overrides)]


def test_trie_regex_matches_exactly_the_words_and_prefers_the_longest():
    pattern = re.compile(f"^(?:{trie_regex(['Quds', 'Quds Force', 'Qasem'])})")
    assert pattern.match("Quds Force").group(0) == "Quds Force"
    assert pattern.match("Quds brigade").group(0) == "Quds"
    assert pattern.match("Qase") is None


def test_longest_match_first():
    ed = edition(entity("muhandis", "Abu Mahdi al-Muhandis", "Muhandis", "Al-Muhandis"), entity("quds", "Quds Force"),
                 entity("jerusalem", "Quds"))
    assert mentions("Abu Mahdi al-Muhandis met Quds Force and Quds. Muhandis left.", ed) == [
        ("muhandis", "Abu Mahdi al-Muhandis", True), ("quds", "Quds Force", True), ("jerusalem", "Quds", True),
        ("muhandis", "Muhandis", False)]


def test_whole_words_only_and_case_sensitive():
    ed = edition(entity("iran", "Iran"), entity("us", "United States", "US"))
    assert mentions("Iranian forces; the US and us; USA; Iran.", ed) == [("us", "US", True), ("iran", "Iran", True)]


def test_a_name_refused_inside_a_word_does_not_hide_a_name_within_it():
    ed = edition(entity("quds", "Quds Force"), entity("force", "Force"))
    assert mentions("xQuds Force and anti-Quds Force.", ed) == [("force", "Force", True), ("force", "Force", False)]


@given(st.lists(st.sampled_from(["Quds", "Quds Force", "Force", "Muhandis", "al-", "x", "-", " ", "’s", "_", "é", "2",
                                 "\u00a0", "."]), max_size=12))
def test_names_are_found_exactly_where_a_look_behind_would_find_them(parts):
    index = build_entity_index(edition(entity("quds", "Quds Force", "Quds"), entity("force", "Force"),
                                       entity("muhandis", "Muhandis")), Diagnostics())
    text = "".join(parts)
    behind = re.compile(r"(?<![\w\-])" + index.pattern.pattern)
    assert [m.span() for m in whole_word_matches(index.pattern, text)] == [m.span() for m in behind.finditer(text)]


def test_possessives_count_as_mentions():
    ed = edition(entity("iran", "Iran"))
    assert mentions("Iran’s missiles and Iran's drones.", ed) == [("iran", "Iran", True), ("iran", "Iran", False)]


def test_not_inside_links_or_code():
    ed = edition(entity("iran", "Iran"))
    assert mentions("[Iran](https://x.example) and `Iran` but Iran.", ed) == [("iran", "Iran", True)]


def test_unicode_spellings_and_curly_apostrophes():
    ed = edition(entity("qaim", "Al-Qa’im", "Al-Qa’im region"), entity("soleimani", "Qasem Soleimani", "Qassim Soleimani"))
    assert mentions("Stationed in the Al-Qa’im region with Qassim Soleimani’s men.", ed) == [
        ("qaim", "Al-Qa’im region", True), ("soleimani", "Qassim Soleimani", True)]


def test_ambiguous_alias_warns_and_is_unlinked_until_an_override_says():
    diags = Diagnostics()
    ed = edition(entity("kh", "Kataib Hezbollah", "Hezbollah"), entity("lh", "Lebanese Hezbollah", "Hezbollah"))
    assert mentions("Hezbollah said.", ed, diags) == []
    assert [d.code for d in diags.items] == ["ambiguous-alias"]
    override = MentionOverride("a", "Hezbollah", "", "", "lh", LOC)
    ed = edition(*ed.entities.values(), overrides=[override])
    assert mentions("Hezbollah said.", ed) == [("lh", "Hezbollah", True)]


def test_override_can_exclude_one_occurrence():
    ed = edition(entity("gen", "General Soleimani", "General"),
                 overrides=[MentionOverride("a", "General", "the ", "", None, LOC)])
    assert mentions("The General spoke; the General left.", ed) == [("gen", "General", True)]
