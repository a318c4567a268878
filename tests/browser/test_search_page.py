"""Search over file:// (no server, no fetch): every spelling finds the person and the passages of
every article that names him, whatever spelling the article uses."""
from __future__ import annotations

import re

import pytest

from .support import ARTICLE_SLUGS, CONTENT

SOLEIMANI = re.compile(r"Sol[ae]imani|Suleimani", re.IGNORECASE)


def passages(hrefs: list[str]) -> dict[str, list[str]]:
    """article slug -> passage ids among the result links."""
    found: dict[str, list[str]] = {}
    for href in hrefs:
        match = re.fullmatch(r"articles/([a-z0-9-]+)\.html#(p-[0-9a-z-]+)", href)
        if match:
            found.setdefault(match[1], []).append(match[2])
    return found


def search(page, query: str) -> tuple[str, list[str]]:
    page.fill("#search-input", query)
    page.wait_for_function("q => document.getElementById('search-status').textContent.includes(q)", arg=query.strip())
    status = page.text_content("#search-status") or ""
    hrefs = page.eval_on_selector_all("#search-results a", "links => links.map(a => a.getAttribute('href'))")
    return status, hrefs


@pytest.fixture
def search_page(open_page, file_root):
    page, watch = open_page(file_root)
    page.goto(file_root + "search.html")
    yield page
    assert not watch.problems(), watch.problems()


# Every article names him, each in its own spelling; the test below checks that assumption first.
SOLEIMANI_ARTICLES = ["magnier-iranian-messages", "canary-iran-responds", "arms-race-war-started-in-iraq",
                      "al-khafaji-escalation", "iran-strikes-two-bases"]


def test_the_articles_name_soleimani():
    for slug in SOLEIMANI_ARTICLES:
        assert SOLEIMANI.search((CONTENT / "articles" / f"{slug}.md").read_text(encoding="utf-8")), slug


@pytest.mark.parametrize("query", ["Suleimani", "Soleimani", "Qassim"])
def test_any_spelling_finds_soleimani_everywhere(search_page, query):
    status, hrefs = search(search_page, query)
    assert hrefs and hrefs[0] == "glossary/qasem-soleimani.html", f"{status}: the person should come first: {hrefs[:5]}"
    found = passages(hrefs)
    missing = [slug for slug in SOLEIMANI_ARTICLES if slug not in found]
    assert not missing, f"“{query}” finds no passage in {missing} ({status})"


def test_ayn_al_assad_finds_every_spelling_of_the_base(search_page):
    status, hrefs = search(search_page, "Ayn al-Assad")
    assert hrefs[0] == "glossary/ain-al-asad.html", hrefs[:5]
    found = passages(hrefs)
    texts = {slug: (CONTENT / "articles" / f"{slug}.md").read_text(encoding="utf-8") for slug in ARTICLE_SLUGS}
    # The articles write it "Ain al-Assad" (Magnier), "Ein al-Assad" (Al-Khafaji) and "Al-Asad" (the AP summary).
    assert "Ein al-Assad" in texts["al-khafaji-escalation"] and "Al-Asad" in texts["iran-strikes-two-bases"]
    for slug in ["magnier-iranian-messages", "al-khafaji-escalation", "iran-strikes-two-bases"]:
        assert slug in found, f"no passage of {slug} for “Ayn al-Assad” ({status})"


def test_abdul_mahdi_finds_abdel_mahdi(search_page):
    status, hrefs = search(search_page, "abdul mahdi")
    assert hrefs[0] == "glossary/adil-abdul-mahdi.html", hrefs[:5]
    found = passages(hrefs)
    # "Abdel Mahdi" (Magnier), "Abdul-Mahdi" (The Canary), "Abdul Mahdi" (the AP summary).
    for slug in ["magnier-iranian-messages", "canary-iran-responds", "iran-strikes-two-bases"]:
        assert slug in found, f"no passage of {slug} for “abdul mahdi” ({status})"


def test_nonsense_finds_nothing(search_page):
    status, hrefs = search(search_page, "qwzxv plorb")
    assert hrefs == [] and status.startswith("No results"), status


def test_query_in_the_address(open_page, file_root):
    page, watch = open_page(file_root)
    page.goto(file_root + "search.html?q=Kirkuk")
    page.wait_for_selector("#search-results li")
    assert page.input_value("#search-input") == "Kirkuk"
    hrefs = page.eval_on_selector_all("#search-results a", "links => links.map(a => a.getAttribute('href'))")
    assert hrefs[0] == "glossary/kirkuk.html"
    assert {"al-khafaji-escalation", "arms-race-war-started-in-iraq"} <= passages(hrefs).keys()
    assert "for “Kirkuk”" in page.text_content("#search-status")
    assert not watch.problems(), watch.problems()


def marks(page) -> list[tuple[str, str]]:
    """(result link, highlighted words) of each result shown with a snippet."""
    return page.eval_on_selector_all(
        "#search-results li", "items => items.filter(li => li.querySelector('mark'))"
        ".map(li => [li.querySelector('a').getAttribute('href'), li.querySelector('mark').textContent])")


def test_apostrophes_and_case_are_folded_and_the_original_words_highlighted(search_page):
    # Four articles write “Iran’s” with a typographic apostrophe, the AP summary “Iran's”.
    texts = {slug: (CONTENT / "articles" / f"{slug}.md").read_text(encoding="utf-8") for slug in ARTICLE_SLUGS}
    assert "Iran's" in texts["iran-strikes-two-bases"] and "Iran’s" in texts["al-khafaji-escalation"]
    status, hrefs = search(search_page, "iran's")
    assert {"iran-strikes-two-bases", "al-khafaji-escalation", "canary-iran-responds"} <= passages(hrefs).keys(), status
    shown = marks(search_page)
    assert shown and all(word in ("Iran's", "Iran’s", "iran's", "iran’s") for _, word in shown), shown
    assert {word for _, word in shown} >= {"Iran's", "Iran’s"}, shown
    assert search(search_page, "IRAN’S")[1] == hrefs


def test_each_highlight_is_a_spelling_of_what_was_searched(search_page):
    status, hrefs = search(search_page, "Ayn al-Assad")
    names = search_page.evaluate("window.EDITION_SEARCH.spellings.find(e => e[0] === 'ain-al-asad')[1]")
    folded = {" ".join(name.lower().replace("-", " ").split()) for name in names}
    shown = marks(search_page)
    assert len(shown) >= 3, status
    for href, word in shown:
        assert " ".join(word.lower().replace("-", " ").split()) in folded, (href, word, folded)


def test_snippets_are_cut_between_words(search_page):
    search(search_page, "Soleimani")
    cut = search_page.evaluate("""() => {
        const texts = Object.fromEntries(window.EDITION_SEARCH.docs.map(d => [d[0], d[3]]));
        return [...document.querySelectorAll('#search-results li')].filter(li => li.querySelector('.snippet')).map(li => [
            texts[li.querySelector('a').getAttribute('href')], li.querySelector('.snippet').textContent]);
    }""")
    starts = ends = 0
    for text, snippet in cut:
        body = snippet.removeprefix("…").removesuffix("…")
        assert body in text, snippet
        at = text.index(body)
        if snippet.startswith("…"):
            starts += 1
            assert text[at - 1].isspace(), f"cut inside a word at the start: {snippet!r}"
        if snippet.endswith("…"):
            ends += 1
            assert text[at + len(body)].isspace(), f"cut inside a word at the end: {snippet!r}"
    assert starts >= 5 and ends >= 5, (starts, ends)
