"""Search over file:// (no server, no fetch): every spelling finds the person and the passages of
every article that names him, whatever spelling the article uses."""
from __future__ import annotations

import re
from pathlib import Path

import pytest
from searchfiles import read_search_index

from .support import ARTICLE_SLUGS, CONTENT, ROOT

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


def test_snippets_are_cut_between_words(search_page, site_dir):
    search(search_page, "Soleimani")
    texts = {entry[0]: entry[3] for entry in read_search_index(site_dir).entries}
    cut = search_page.eval_on_selector_all("#search-results li", """items => items.filter(li => li.querySelector('.snippet'))
        .map(li => [li.querySelector('a').getAttribute('href'), li.querySelector('.snippet').textContent])""")
    starts = ends = 0
    for href, snippet in cut:
        text = texts[href]
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


def test_the_builder_folds_words_as_the_browser_does(search_page):
    """The word parts are made with the builder's folding, the text is matched with the browser's: for
    every character, both must give the same words (else a word in the text could not be found)."""
    from builder.searchindex import WORD, fold

    chars = [chr(code) for code in range(0x80, 0x110000) if not 0xD800 <= code < 0xE000]
    text = "\x01".join(chars)
    theirs = search_page.evaluate("text => window.EDITION_SEARCH.fold(text)", text).split("\x01")
    ours = fold(text).split("\x01")
    assert len(theirs) == len(ours) == len(chars)
    differ = [(f"U+{ord(char):04X}", a, b) for char, a, b in zip(chars, theirs, ours) if WORD.findall(a) != WORD.findall(b)]
    assert not differ, f"{len(differ)} characters fold to other words in the browser: {differ[:20]}"
    assert fold("Ḥusayn ʼAbd-al-Qādir’s") == "husayn 'abd-al-qadir's"  # the folding itself, not only agreement


def loaded_parts(page) -> list[str]:
    return sorted(page.eval_on_selector_all(
        "head script[src^='search/']", "scripts => scripts.map(s => s.getAttribute('src').slice(7, -3))"))


def test_a_query_loads_only_the_parts_it_needs(open_page, site_root, site_dir):
    """Over file:// and over http:// with the production CSP: a word loads its word part and the parts
    holding the results shown, nothing else; results and their count are those of a full scan."""
    page, watch = open_page(site_root)
    page.goto(site_root + "search.html")
    assert loaded_parts(page) == [], "nothing is loaded before a query"
    status, hrefs = search(page, "Kirkuk")
    index = read_search_index(site_dir)
    starts = index.manifest["chunks"]
    shown = {number for number, entry in enumerate(index.entries) if entry[0] in hrefs}
    holding = {f"d-{max(c for c, start in enumerate(starts) if start <= number)}" for number in shown}
    assert loaded_parts(page) == sorted({"w-k", *holding}), (status, hrefs)
    # a full scan, as the page did before the index came in parts: "kirkuk" at the start of a word
    expected = [entry[0] for entry in index.entries
                if re.search(r"(?<![a-z0-9])kirkuk", (entry[3] + " " + entry[1]).lower())]
    assert sorted(hrefs) == sorted(expected) and status.startswith(f"{len(expected)} result"), status
    assert not watch.problems(), watch.problems()


@pytest.fixture(scope="module")
def archive_dir(tmp_path_factory) -> Path:
    """A generated edition of 60 articles: its index has many entry parts."""
    import sys

    from builder.build import Paths, build

    sys.path.insert(0, str(ROOT / "bench"))
    from generate import generate

    root = tmp_path_factory.mktemp("archive")
    build(Paths(generate(root / "edition", 60, 3), root / "site", ROOT / "themes" / "default"))
    return root / "site"


def test_results_are_those_of_a_full_scan_and_only_their_parts_load(open_page, archive_dir):
    """Words common and rare, whole and begun, one and several: the count and the results shown are
    what a scan of every entry finds, in the same order (entities first), and the entry parts loaded
    are those of the results shown."""
    from builder.searchindex import WORD, fold

    index = read_search_index(archive_dir)
    assert len(index.manifest["chunks"]) > 10
    words = [set(WORD.findall(fold(entry[3] + " " + entry[1]))) for entry in index.entries]
    counts: dict[str, int] = {}
    for found in words:
        for word in found:
            counts[word] = counts.get(word, 0) + 1
    by_count = sorted((n, w) for w, n in counts.items() if len(w) > 4 and not w.startswith("zar"))
    common, rare = by_count[-1][1], next(word for count, word in by_count if count >= 3)
    page, watch = open_page(archive_dir.as_uri() + "/")
    page.goto(archive_dir.as_uri() + "/search.html")
    beside = max(next(found for found in words if rare in found) - {rare}, key=lambda word: (len(word), word))
    for query in (common, rare, rare[:3], f"{rare} {beside[:-1]}", rare.upper(), f"{rare} qwzxv"):
        terms = fold(query).split()
        expected = [number for number, found in enumerate(words)
                    if all(any(word.startswith(term) for word in found) for term in terms)]
        expected.sort(key=lambda number: (index.entries[number][2] != "entity", number))
        status, hrefs = search(page, query)
        assert status.startswith(f"{len(expected)} result" if expected else "No results"), (query, status)
        assert hrefs == [index.entries[number][0] for number in expected[:60]], query
    starts = index.manifest["chunks"]
    last = {f"d-{max(c for c, start in enumerate(starts) if start <= number)}" for number in expected[:60]}
    assert {part for part in loaded_parts(page) if part.startswith("d-")} >= last
    assert len([part for part in loaded_parts(page) if part.startswith("d-")]) < len(starts)
    assert not watch.problems(), watch.problems()


def test_a_query_with_no_word_to_look_up_checks_every_entry(search_page, site_dir):
    """A quotation mark alone has no letters to find in the word parts: every entry is checked in its
    text (all the entry parts load), and the results are a full scan's: a double quotation mark of any
    style that begins a word (“quoted, "quoted)."""
    from builder.searchindex import fold

    index = read_search_index(site_dir)
    expected = [entry for entry in index.entries
                if re.search(r'(?<![a-z0-9])"', fold(entry[3] + " " + entry[1]))]
    expected.sort(key=lambda entry: entry[2] != "entity")  # stable: entities first, each in index order
    assert expected
    status, hrefs = search(search_page, "“")
    assert status.startswith(f"{len(expected)} result"), status
    assert hrefs == [entry[0] for entry in expected[:60]]
    assert [p for p in loaded_parts(search_page) if p.startswith("d-")] == sorted(
        f"d-{n}" for n in range(len(index.manifest["chunks"])))
