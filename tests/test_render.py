"""Pages of the minimal fixture edition, checked by parsing the HTML."""
from __future__ import annotations

from pathlib import Path

import pytest

from builder.build import Paths, build
from bs4 import BeautifulSoup
from conftest import ROOT, soup, write


@pytest.fixture
def site(edition: Path, tmp_path: Path) -> Path:
    out = tmp_path / "site"
    build(Paths(edition, out, ROOT / "themes" / "default"))
    return out


def test_passages_are_numbered_in_reading_order(site: Path):
    page = soup(site / "articles" / "first-report.html")
    blocks = page.select(".article-body p, .article-body h2")
    assert [b["id"] for b in blocks] == ["p-1", "p-2", "p-3", "p-4", "p-5"]
    assert page.select_one("#p-4").find_parent("blockquote") is not None
    assert page.select_one("#p-2").name == "h2"


def test_notes_and_footnotes_share_one_numbering_in_document_order(site: Path):
    page = soup(site / "articles" / "first-report.html")
    refs = page.select('a[role="doc-noteref"]')
    assert [r.get_text() for r in refs] == ["1", "2", "3"]
    assert [r["href"] for r in refs] == ["#note-n-" + refs[0]["href"].split("-")[-1], "#note-worst-storm", "#note-fn-1"]
    endnotes = page.select('section[role="doc-endnotes"] ol.notes-list > li')
    assert [li["id"] for li in endnotes] == [r["href"][1:] for r in refs]
    assert [li["value"] for li in endnotes] == ["1", "2", "3"]
    assert "revised a week later" in endnotes[2].get_text()
    assert "Author’s footnote" in endnotes[2].get_text()


def test_each_endnote_links_back_to_its_reference(site: Path):
    page = soup(site / "articles" / "first-report.html")
    for li in page.select('section[role="doc-endnotes"] ol.notes-list > li'):
        back = li.select_one('a[role="doc-backlink"]')
        target = page.select_one(back["href"])
        assert target is not None and target.get("role") == "doc-noteref"


def test_quoted_words_are_marked_with_their_kind(site: Path):
    page = soup(site / "articles" / "first-report.html")
    mark = page.select_one("mark#q-worst-storm")
    assert mark.get_text() == "the worst storm in a decade"
    assert "kind-factcheck" in mark["class"]
    sidenote = page.select_one('#ref-worst-storm').parent.find_next_sibling()
    assert "sidenote" in sidenote["class"] and sidenote["aria-hidden"] == "true"
    assert "Fact-check" in sidenote.get_text()
    assert all(a.get("tabindex") == "-1" for a in sidenote.select("a"))


def test_quote_across_emphasis_marks_each_piece(edition: Path, tmp_path: Path):
    write(edition / "annotations" / "first-report.yaml", """notes:
  - id: across
    quote: "reached Metropolis harbour just"
    kind: note
    body: Crosses the emphasis.
""")
    out = tmp_path / "site2"
    build(Paths(edition, out, ROOT / "themes" / "default"))
    page = soup(out / "articles" / "first-report.html")
    pieces = page.select('mark[data-note="across"]')
    assert "".join(p.get_text() for p in pieces) == "reached Metropolis harbour just"
    assert len(pieces) >= 3  # before, inside and after the <em> (more where other anchors cut the text)
    assert any(p.find_parent("em") is not None for p in pieces)
    assert any(p.find_parent("em") is None for p in pieces)


def test_first_mention_links_to_the_entity_page(site: Path):
    page = soup(site / "articles" / "first-report.html")
    links = page.select(".article-body a.entity")
    assert [(a["href"], a.get_text()) for a in links] == [
        ("../glossary/metropolis.html", "Metropolis harbour"), ("../glossary/mayor.html", "mayor")]


def test_entity_page_shows_concordance_and_notes(site: Path):
    page = soup(site / "glossary" / "metropolis.html")
    assert page.h1.get_text() == "Metropolis"
    groups = page.select(".concordance-group")
    assert [g.h3.a["href"] for g in groups] == ["../articles/first-report.html", "../articles/second-view.html"]
    first = groups[0].select(".concordance li")
    assert first[0].mark.get_text() == "Metropolis harbour"
    assert first[0].a["href"] == "../articles/first-report.html#p-1"
    assert "worst storm" in page.get_text()  # the factcheck note links to [[metropolis]]


def test_source_card_attributes_ratings(site: Path):
    page = soup(site / "articles" / "first-report.html")
    card = page.select_one(".source-card")
    assert "Example Rater rates it Mostly reliable" in " ".join(card.get_text().split())
    second = soup(site / "articles" / "second-view.html").select_one(".source-card")
    assert "No independent rating found" in second.get_text()


def test_about_page_lists_omissions(site: Path):
    page = soup(site / "about.html")
    rows = page.select("#first-report .omissions tbody tr")
    assert [r.select("td")[0].get_text() for r in rows] == ["Subscribe now!"]


def test_an_article_page_shows_what_was_omitted_from_it(site: Path):
    provenance = soup(site / "articles" / "first-report.html").select_one("#provenance")
    rows = provenance.select(".omissions tbody tr")
    assert [[td.get_text() for td in r.select("td")] for r in rows] == [["Subscribe now!", "Newsletter promotion."]]
    assert provenance.select_one('a[href="../about.html#method-heading"]')
    assert (site / "about.html").is_file() and soup(site / "about.html").select_one("#method-heading")
    second = soup(site / "articles" / "second-view.html").select_one("#provenance")
    assert not second.select(".omissions") and "Nothing omitted." in second.get_text()


def test_an_article_page_names_its_archived_copy_and_a_supplied_title(edition: Path, tmp_path: Path):
    path = edition / "articles" / "second-view.md"
    path.write_text(path.read_text(encoding="utf-8").replace(
        "genre: opinion\n", "genre: opinion\narchive_url: https://web.archive.org/web/2020/https://example.org/a\n"
        "title_supplied: true\n"), encoding="utf-8")
    build(Paths(edition, tmp_path / "site", ROOT / "themes" / "default"))
    provenance = soup(tmp_path / "site" / "articles" / "second-view.html").select_one("#provenance")
    assert provenance.select_one('a[href="https://web.archive.org/web/2020/https://example.org/a"]')
    assert "The title is the editors’; the original did not survive." in provenance.get_text()
    first = soup(tmp_path / "site" / "articles" / "first-report.html").select_one("#provenance").get_text()
    assert "Archived copy" not in first and "The title is the editors" not in first


def test_every_page_has_lang_title_and_canonical(site: Path):
    for path in site.rglob("*.html"):
        page = soup(path)
        assert page.html["lang"] == "en"
        assert page.title.get_text()
        assert page.select_one('link[rel="canonical"]')["href"].startswith("https://example.org/")


def test_no_raw_html_from_content_reaches_the_page(edition: Path, tmp_path: Path):
    write(edition / "articles" / "second-view.md", """---
title: "<script>alert(1)</script> {{ 7*7 }}"
outlet: evening-star
published: 2020-01-09
genre: opinion
---
Metropolis was not ready <img src=x onerror=alert(1)> [really](javascript:alert(1)) {% raw %}.
""")
    out = tmp_path / "site3"
    build(Paths(edition, out, ROOT / "themes" / "default"))
    page = soup(out / "articles" / "second-view.html")
    assert page.select("script:not([src]):not([type])") == []
    assert page.select("img") == []
    assert all(not a.get("href", "").startswith("javascript") for a in page.select("a"))
    assert page.h1.get_text() == "<script>alert(1)</script> {{ 7*7 }}"
    assert "{% raw %}" in page.select_one("#p-1").get_text()


def test_claims_page_sets_accounts_side_by_side(site: Path):
    page = soup(site / "claims.html")
    claim = page.select_one("section.claim#readiness")
    cells = claim.select("li.account")
    assert [c.select_one(".who a")["href"] for c in cells] == ["articles/first-report.html", "articles/second-view.html"]
    assert "is-silent" in cells[0]["class"] and "Silent" in cells[0].get_text()
    assert cells[1].select_one(".quote a")["href"] == "articles/second-view.html#c-readiness"
    assert "harbour wall" in claim.select_one(".finding").get_text()
    article = soup(site / "articles" / "second-view.html")
    assert article.select_one("#c-readiness") is not None
    assert "".join(p.get_text() for p in article.select('[data-claim="readiness"]')) == "Metropolis was not ready"
    assert article.select_one("a.claim-ref")["href"] == "../claims.html#readiness"


def test_timeline_is_in_date_order_and_links_passages(site: Path):
    page = soup(site / "timeline.html")
    events = page.select("ol.timeline > li.event")
    assert [e["id"] for e in events] == ["storm-landfall", "count"]
    assert events[0].select_one(".mentions a")["href"] == "articles/first-report.html#p-1"
    assert events[1].select_one(".date").get_text() == "9 January 2020 – 10 January 2020"
    article = soup(site / "articles" / "first-report.html")
    assert article.select_one("a.event-ref")["href"] == "../timeline.html#storm-landfall"


def test_language_page_counts_terms_per_article_and_links_passages(site: Path):
    page = soup(site / "language.html")
    rows = page.select("#the-event tbody tr")
    storm = [td.get_text(" ", strip=True) for td in rows[0].select("td")]
    assert storm == ["2 ( ¶1 ¶3 )", "0", "2"]
    assert rows[0].select_one("td a")["href"] == "articles/first-report.html#p-1"


def test_entity_page_lists_events_that_involve_it(site: Path):
    page = soup(site / "glossary" / "metropolis.html")
    assert page.select_one('a[href="../timeline.html#storm-landfall"]') is not None


def test_factcheck_verdict_is_shown_and_published_as_claim_review(site: Path):
    import json

    page = soup(site / "articles" / "first-report.html")
    assert page.select_one("#note-worst-storm .verdict").get_text() == "Verdict: Exaggerated"
    data = json.loads(page.select_one('script[type="application/ld+json"]').string)
    review = next(item for item in data["@graph"] if item["@type"] == "ClaimReview")
    assert review["claimReviewed"] == "the worst storm in a decade"
    assert review["reviewRating"]["alternateName"] == "Exaggerated"
    assert review["itemReviewed"]["author"]["name"] == "The Daily Planet"
    assert review["url"] == "https://example.org/articles/first-report.html#note-worst-storm"


def test_sources_page_describes_authors(site: Path):
    page = soup(site / "sources.html")
    card = page.select_one("#author-lois-lane")
    assert card.h3.get_text() == "Lois Lane"
    assert card.select_one('a[href="articles/first-report.html"]') is not None
    article = soup(site / "articles" / "first-report.html")
    assert article.select_one('.source-card a[href="../sources.html#author-lois-lane"]') is not None



def test_names_sort_as_a_reader_expects_and_the_a_to_z_gathers_numbers(edition: Path, tmp_path: Path):
    """Numbers in names by value ("F-4" before "F-15"), case ignored; names that begin with a digit under
    one 0–9 heading first; an alias that repeats the name is not shown as "also" the name."""
    glossary = edition / "glossary.yaml"
    extra = "".join(f"  - id: {eid}\n    name: {name}\n    type: weapon\n    description: A weapon.\n    aliases: {aliases}\n"
                    for eid, name, aliases in [("f15", "F-15", "[]"), ("f4", "F-4", "[]"), ("rocket", "107 mm rocket", "[]"),
                                               ("brigade", "45th brigade", "[]"), ("apache", "apache", "[]"),
                                               ("bomb", "B-2", "[B-2, B-2 Spirit]")])
    glossary.write_text(glossary.read_text(encoding="utf-8") + extra, encoding="utf-8")
    out = tmp_path / "site"
    build(Paths(edition, out, ROOT / "themes" / "default"))
    page = soup(out / "glossary" / "index.html")
    weapons = page.select_one("#type-weapon").find_parent("section")
    assert [a.get_text() for a in weapons.select("tbody th a")] == ["45th brigade", "107 mm rocket", "apache", "B-2", "F-4", "F-15"]
    az = page.select_one("ul.az-list")
    headings = az.select("li.letter")
    assert [h.get_text() for h in headings] == ["0–9", "A", "B", "F", "M", "T"]
    assert [a.get_text() for a in page.select("nav.az a")] == [h.get_text() for h in headings]
    assert [a["href"] for a in page.select("nav.az a")] == ["#" + h["id"] for h in headings]
    under: dict[str, list[str]] = {}
    for item in az.select("li"):
        if "letter" in item.get("class", []):
            heading = under.setdefault(item.get_text(), [])
        else:
            heading.append(item.a.get_text())
    assert under["0–9"] == ["45th brigade", "107 mm rocket"]
    assert under["F"] == ["F-4", "F-15"]
    bomb = az.select_one('a[href="bomb.html"]').find_parent("li")
    assert bomb.select_one(".aliases").get_text() == "also B-2 Spirit"
    assert az.select_one('a[href="f15.html"]').find_parent("li").select_one(".aliases") is None


def test_an_override_that_matches_nothing_is_a_warning(edition: Path, tmp_path: Path, run_cli):
    glossary = edition / "glossary.yaml"
    glossary.write_text(glossary.read_text() + "overrides:\n  - article: first-report\n    text: Gotham\n    entity: null\n")
    result = run_cli("check", "--content", str(edition))
    assert result.code == 0 and "override for 'Gotham' matches nothing in 'first-report' [unused-override]" in result.err


def _first_quote(content: Path, slug: str, note: int = 0) -> str:
    import yaml

    return yaml.safe_load((content / "annotations" / f"{slug}.yaml").read_text())["notes"][note]["quote"]


def _add_shared_claim(content: Path, claim_id: str, slugs: list[str]) -> None:
    """A claim with an account in each of `slugs` (a generated edition's claims have one each)."""
    import yaml

    accounts = [{"article": slug, "quote": _first_quote(content, slug), "summary": "Says so."} for slug in slugs]
    claims = yaml.safe_load((content / "claims.yaml").read_text())
    claims["claims"].append({"id": claim_id, "question": "Asked by several?", "accounts": accounts, "finding": "Found.",
                             "sources": [{"title": "S", "url": "https://s.example/"}]})
    (content / "claims.yaml").write_text(yaml.safe_dump(claims, allow_unicode=True))


def _add_shared_event(content: Path, event_id: str, slugs: list[str]) -> None:
    """An event mentioned in each of `slugs` (a generated edition's events have one mention each)."""
    import yaml

    timeline = yaml.safe_load((content / "timeline.yaml").read_text())
    timeline["events"].append({"id": event_id, "date": "2020-01-09", "title": "Shared event", "description": "Happened.",
                               "mentions": [{"article": slug, "quote": _first_quote(content, slug, 1)} for slug in slugs]})
    (content / "timeline.yaml").write_text(yaml.safe_dump(timeline, allow_unicode=True))


def test_a_large_edition_counts_by_outlet_and_lists_only_the_accounts(tmp_path: Path):
    """Beyond 12 articles the glossary and language tables have a column per outlet, not per article,
    and a claim lists the articles that address it and counts the silent ones."""
    import sys

    sys.path.insert(0, str(ROOT / "bench"))
    from generate import generate

    content = generate(tmp_path / "edition", 30, 3)
    # Listed out of reading order (the generator's claims have one account each).
    _add_shared_claim(content, "claim-many", ["article-00020", "article-00003", "article-00011"])
    out = tmp_path / "site"
    build(Paths(content, out, ROOT / "themes" / "default"))
    outlets = 20  # bench/generate.py makes 20 outlets
    glossary = BeautifulSoup((out / "glossary" / "index.html").read_text(encoding="utf-8"), "html.parser")
    header = [th.get_text() for th in glossary.select_one("table.glossary-table").select("thead th")]
    assert header[0] == "Name" and header[-1] == "All" and len(header) == outlets + 2
    assert header[1:-1] == [f"Outlet {n}" for n in range(outlets)], "numbers in names sort by value"
    row = glossary.select_one("table.glossary-table tbody tr")
    counts = [int(td.get_text()) if td.get_text() != "·" else 0 for td in row.select("td")]
    assert sum(counts[:-1]) == counts[-1], "the outlet columns add up to the total"
    claims = BeautifulSoup((out / "claims.html").read_text(encoding="utf-8"), "html.parser")
    assert [th.get_text() for th in claims.select("table.claims-overview thead th")] == \
        ["Claim", "Articles addressing it", "Silent"]
    for section in claims.select("section.claim"):
        accounts = section.select("li.account")
        assert accounts and not section.select("li.is-silent"), "only the articles that address the claim"
        silent = section.select_one("p.summary.silent")
        assert silent is None or silent.get_text().split()[0].isdigit()
    language = BeautifulSoup((out / "language.html").read_text(encoding="utf-8"), "html.parser")
    table = language.select_one("table.terms")
    assert table is None or len(table.select("thead th")) == outlets + 2
    # Each outlet's card lists exactly its articles, in reading order (they are grouped in one pass).
    from builder.build import load_edition
    from builder.diagnostics import Diagnostics

    edition = load_edition(Paths(content, out, ROOT / "themes" / "default"), Diagnostics())[0]
    sources = BeautifulSoup((out / "sources.html").read_text(encoding="utf-8"), "html.parser")
    cards = sources.select("section.outlet-card")
    assert [card["id"] for card in cards] == [f"outlet-{n}" for n in range(outlets)]
    listed = {card["id"]: [a["href"] for a in card.select("dd ul li a[href^='articles/']")] for card in cards}
    assert max(map(len, listed.values())) > 1, "some outlet has several articles"
    for outlet_id, hrefs in listed.items():
        assert hrefs == [f"articles/{a.slug}.html" for a in edition.articles if a.outlet_id == outlet_id]
    # And each claim lists exactly the articles that give an account of it, in reading order.
    for claim, section in zip(edition.claims, claims.select("section.claim"), strict=True):
        accounts = {account.article_slug for account in claim.accounts}
        shown = [li.select_one("a")["href"] for li in section.select("li.account")]
        assert shown == [f"articles/{a.slug}.html" for a in edition.articles if a.slug in accounts]
    assert any(len(claim.accounts) > 1 for claim in edition.claims)


@pytest.fixture(scope="module")
def paged(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    """The real edition built twice: as it is, and with two articles per concordance page and per page
    of the home page's list, and 30 entities per page of the glossary's index."""
    import shutil

    root = tmp_path_factory.mktemp("paged")
    content = root / "content"
    shutil.copytree(ROOT / "content", content)
    settings = content / "edition.yaml"
    settings.write_text(settings.read_text(encoding="utf-8") + "concordance_page_size: 2\nhome_page_size: 2\nglossary_page_size: 30\n",
                        encoding="utf-8")
    build(Paths(ROOT / "content", root / "whole", ROOT / "themes" / "default"))
    build(Paths(content, root / "paged", ROOT / "themes" / "default"))
    return root / "whole", root / "paged"


def _sections(page: BeautifulSoup) -> list[str]:
    return [str(s) for s in page.select("section.concordance-group")]


def test_a_long_concordance_is_split_into_pages_in_reading_order(paged: tuple[Path, Path]):
    whole, split = paged
    everything = _sections(soup(whole / "glossary" / "qasem-soleimani.html"))
    assert len(everything) == 5, "the real edition's five articles all name Soleimani"
    assert not (whole / "glossary" / "qasem-soleimani.page-2.html").exists()
    pages = [split / "glossary" / name for name in
             ("qasem-soleimani.html", "qasem-soleimani.page-2.html", "qasem-soleimani.page-3.html")]
    assert not (split / "glossary" / "qasem-soleimani.page-4.html").exists()
    shown = [_sections(soup(p)) for p in pages]
    assert [len(s) for s in shown] == [2, 2, 1]
    assert [s for part in shown for s in part] == everything
    first = soup(pages[0])
    # The totals and spellings on the entity page still count every article.
    assert first.select_one(".entity-facts").get_text() == soup(whole / "glossary" / "qasem-soleimani.html").select_one(".entity-facts").get_text()
    assert "in 5 of the articles" in first.select_one("#concordance-heading").find_next("p").get_text()


def test_concordance_pages_link_to_each_other(paged: tuple[Path, Path]):
    _, split = paged
    glossary = split / "glossary"
    for number, name in enumerate(("qasem-soleimani.html", "qasem-soleimani.page-2.html", "qasem-soleimani.page-3.html"), 1):
        page = soup(glossary / name)
        navs = page.select("nav.pager")
        assert len(navs) == 2 and navs[0]["aria-label"] != navs[1]["aria-label"], "two pagers, told apart"
        links = navs[0].select("a")
        for link in links:
            assert (glossary / link["href"]).is_file(), f"{name}: {link['href']} is not a page"
        current = navs[0].select('a[aria-current="page"]')
        assert [a.get_text() for a in current] == [str(number)]
        assert current[0]["href"] == name
        rels = {a.get("rel", [""])[0]: a["href"] for a in links if a.get("rel")}
        assert rels.get("prev") == ({1: None, 2: "qasem-soleimani.html", 3: "qasem-soleimani.page-2.html"}[number])
        assert rels.get("next") == ({1: "qasem-soleimani.page-2.html", 2: "qasem-soleimani.page-3.html", 3: None}[number])
    # An entity named in fewer articles than a page holds has no pager at all.
    single = next(p for p in sorted(glossary.glob("*.html")) if ".page-" not in p.name and p.name != "index.html"
                  and 0 < len(_sections(soup(p))) <= 2 and not (glossary / p.name.replace(".html", ".page-2.html")).exists())
    assert soup(single).select("nav.pager") == []


@pytest.mark.parametrize("setting", ["concordance_page_size", "glossary_page_size"])
def test_a_page_size_must_be_a_whole_number_of_at_least_one(edition: Path, run_cli, setting: str):
    settings = edition / "edition.yaml"
    settings.write_text(settings.read_text(encoding="utf-8") + f"{setting}: 0\n", encoding="utf-8")
    result = run_cli("build", "--content", str(edition), "--out", str(edition.parent / "out"))
    assert result.code == 1
    assert "edition.yaml:" in result.err and f"error: '{setting}' must be at least 1 (got 0)" in result.err
    settings.write_text(settings.read_text(encoding="utf-8").replace(f"{setting}: 0", f"{setting}: lots"), encoding="utf-8")
    result = run_cli("build", "--content", str(edition), "--out", str(edition.parent / "out"))
    assert result.code == 1 and f"'{setting}' must be a whole number, not text" in result.err


def test_a_long_pager_shows_the_ends_and_two_pages_either_side():
    from builder.views import pager

    items = pager("iran", 5, 10)
    assert [i["label"] for i in items] == ["Previous", "1", "…", "3", "4", "5", "6", "7", "…", "10", "Next"]
    assert [i["href"] for i in items if i["label"] in ("Previous", "1", "10", "Next")] == [
        "iran.page-4.html", "iran.html", "iran.page-10.html", "iran.page-6.html"]
    assert [i["label"] for i in items if i["current"]] == ["5"]
    assert [i["label"] for i in pager("iran", 1, 3)] == ["1", "2", "3", "Next"]
    assert pager("iran", 1, 1) == []


def test_the_feed_carries_the_newest_fifty_articles_newest_first(tmp_path: Path):
    import sys
    import xml.etree.ElementTree as ET

    import yaml

    sys.path.insert(0, str(ROOT / "bench"))
    from generate import generate

    content = generate(tmp_path / "edition", 64, 4)
    out = tmp_path / "site"
    build(Paths(content, out, ROOT / "themes" / "default"))
    dated = []
    for path in (content / "articles").glob("*.md"):
        front = yaml.safe_load(path.read_text(encoding="utf-8").split("---\n")[1])
        dated.append((str(front["published"]), path.stem))
    assert len({date for date, _ in dated}) > 1, "the generated articles have different dates"
    atom = "{http://www.w3.org/2005/Atom}"
    entries = ET.parse(out / "feed.xml").getroot().findall(f"{atom}entry")
    shown = [(entry.find(f"{atom}updated").text[:10],
              entry.find(f"{atom}id").text.rsplit("/", 1)[1].removesuffix(".html")) for entry in entries]
    assert shown == sorted(dated, reverse=True)[:50]


def test_the_theme_speaks_of_the_edition_it_is_given_not_of_the_first_one(edition: Path, tmp_path: Path):
    """The minimal edition: two articles, events from 8 to 10 January 2020, no spelling that shares no
    word with its entity's name. Nothing of the Iran edition's wording may show."""
    out = tmp_path / "site"
    build(Paths(edition, out, ROOT / "themes" / "default"))
    home = soup(out / "index.html")
    assert home.select_one("#articles-heading").get_text() == "The two accounts"
    timeline_item = next(li for li in home.select(".layers li") if li.a["href"] == "timeline.html")
    assert "from 8 January 2020 to 10 January 2020" in timeline_item.get_text()
    silent = soup(out / "timeline.html").select_one("#count p.silent")
    assert silent.get_text() == "Not mentioned in any of the two articles."
    help_text = soup(out / "search.html").select_one("#search-help").get_text()
    assert help_text == "Any spelling works for the names in the glossary; case and accents are ignored."
    for page in out.rglob("*.html"):
        assert "Soleimani" not in page.read_text(encoding="utf-8"), page


def test_the_search_help_shows_a_spelling_the_articles_use(tmp_path: Path):
    out = tmp_path / "site"
    build(Paths(ROOT / "content", out, ROOT / "themes" / "default"))
    help_text = soup(out / "search.html").select_one("#search-help").get_text()
    assert help_text.startswith("Any spelling works: “Suleimani” finds Qasem Soleimani under every spelling")


def test_a_long_list_of_articles_goes_on_in_numbered_home_pages(paged: tuple[Path, Path]):
    whole, split = paged
    assert not (whole / "index.page-2.html").exists()
    names = ["index.html", "index.page-2.html", "index.page-3.html"]
    assert not (split / "index.page-4.html").exists()
    pages = [soup(split / name) for name in names]
    cards = lambda page: [a["href"] for a in page.select("li.article-card h3 a")]  # noqa: E731
    assert sum(map(cards, pages), []) == cards(soup(whole / "index.html")), "every article once, in order"
    assert [page.select_one("ol.article-list").get("start") for page in pages] == [None, "3", "5"]
    assert [page.h1.get_text() for page in pages[1:]] == ["Articles 3 to 4 of 5", "Article 5 of 5"]
    assert pages[0].select_one(".intro") and pages[0].select_one(".layers")
    assert not any(page.select_one(".intro") or page.select_one(".layers") for page in pages[1:])
    _assert_numbered_pages(split, names, pages)


def _assert_numbered_pages(site: Path, names: list[str], pages: list[BeautifulSoup], folder: str = "") -> None:
    """Each of the pages `names` (in `folder` of the site) has a pager above and below (named apart) whose
    links resolve and which marks the page itself, and the sitemap lists every page."""
    for number, (name, page) in enumerate(zip(names, pages), start=1):
        navs = page.select("nav.pager")
        assert len(navs) == 2 and navs[0]["aria-label"] != navs[1]["aria-label"], name
        for link in navs[0].select("a"):
            assert (site / folder / link["href"]).is_file(), (name, link["href"])
        current = navs[0].select_one("a[aria-current=page]")
        assert current["href"] == name and current.get_text() == str(number)
    sitemap = (site / "sitemap.xml").read_text(encoding="utf-8")
    assert all(f"/{folder}{name}</loc>" in sitemap for name in names), names


def test_a_long_glossary_goes_on_in_numbered_pages_whose_a_to_z_reaches_every_initial(paged: tuple[Path, Path]):
    whole, split = paged
    assert not (whole / "glossary" / "index.page-2.html").exists()
    names = ["index.html", "index.page-2.html", "index.page-3.html"]
    assert not (split / "glossary" / "index.page-4.html").exists()
    pages = [soup(split / "glossary" / name) for name in names]
    one = soup(whole / "glossary" / "index.html")
    listed = lambda page: [a["href"] for a in page.select("ul.az-list a")]  # noqa: E731
    rows = lambda page: sorted(a["href"] for a in page.select("table.glossary-table tbody th a"))  # noqa: E731
    assert sum(map(listed, pages), []) == listed(one), "every entity once, in name order"
    assert [len(listed(page)) for page in pages] == [30, 30, len(listed(one)) - 60]
    assert all(rows(page) == sorted(listed(page)) for page in pages), "each page's tables show its own entities"
    assert not one.select("nav.pager") and all(a["href"].startswith("#") for a in one.select("nav.az a"))
    first_and_last = [(p.select("ul.az-list a")[0].get_text(), p.select("ul.az-list a")[-1].get_text()) for p in pages]
    assert [page.h1.get_text() for page in pages] == ["Glossary"] + [f"Glossary, {a} to {b}" for a, b in first_and_last[1:]]
    total = len(listed(one))
    assert pages[1].find("p", string=lambda text: text and text.startswith("Entries")).get_text() == \
        f"Entries 31 to 60 of {total}, in name order: {first_and_last[1][0]} to {first_and_last[1][1]}."
    initials = [h.get_text() for h in one.select("ul.az-list li.letter")]
    first_page_of = {}
    for name, page in zip(names, pages):
        for heading in page.select("ul.az-list li.letter"):
            first_page_of.setdefault(heading.get_text(), name)
    for name, page in zip(names, pages):
        links = page.select("nav.az a")
        assert [a.get_text() for a in links] == initials, name
        for link in links:
            target, _, anchor = link["href"].partition("#")
            assert (target or name) == first_page_of[link.get_text()], (name, link["href"])
            heading = (page if not target else soup(split / "glossary" / target)).find(id=anchor)
            assert heading is not None and heading.get_text() == link.get_text(), (name, link["href"])
    _assert_numbered_pages(split, names, pages, folder="glossary/")


def test_a_long_provenance_list_goes_on_in_numbered_about_pages(paged: tuple[Path, Path]):
    whole, split = paged
    assert not (whole / "about.page-2.html").exists()
    names = ["about.html", "about.page-2.html", "about.page-3.html"]
    assert not (split / "about.page-4.html").exists()
    pages = [soup(split / name) for name in names]
    entries = lambda page: [(s["id"], str(s)) for s in page.select("section.provenance-entry")]  # noqa: E731
    assert sum(map(entries, pages), []) == entries(soup(whole / "about.html")), "every article once, in order"
    assert [len(entries(page)) for page in pages] == [2, 2, 1]
    assert pages[0].select_one("#method-heading") and not any(page.select_one("#method-heading") for page in pages[1:])
    assert [page.h1.get_text() for page in pages] == ["About this edition", "Provenance of articles 3 to 4 of 5",
                                                      "Provenance of article 5 of 5"]
    for number, (name, page) in enumerate(zip(names, pages), start=1):
        listed = (["#method-heading"] if number == 1 else []) + [f"#{slug}" for slug, _ in entries(page)]
        toc = [a["href"] for a in page.select("nav.toc a")]
        assert toc == (listed if len(listed) > 1 else []), name  # a table of contents of one is left out
    _assert_numbered_pages(split, names, pages)


def test_the_timeline_span_names_one_day_once():
    from datetime import date
    from types import SimpleNamespace

    from builder.render import timeline_span

    day = SimpleNamespace(date=date(2020, 1, 8), end_date=None)
    assert timeline_span([day]) == "the events of 8 January 2020"
    assert timeline_span([day, SimpleNamespace(date=date(2020, 1, 9), end_date=date(2020, 1, 10))]) == \
        "the events from 8 January 2020 to 10 January 2020"
    assert timeline_span([]) == "the events in date order"


def test_related_accounts_are_the_articles_sharing_most(tmp_path: Path):
    """Each article's related accounts against their definition, worked out over every pair: shared
    claims count 3, shared events 2, shared distinctive entities 1 (an entity named by more than
    COMMON_ENTITY_SHARE of the articles, or more than COMMON_ENTITY_COUNT, is not distinctive); the
    top RELATED_LIMIT by score, then by slug. With 2,000 entities most are distinctive."""
    import sys

    from builder.views import COMMON_ENTITY_COUNT, COMMON_ENTITY_SHARE, RELATED_LIMIT

    sys.path.insert(0, str(ROOT / "bench"))
    from generate import generate

    content = generate(tmp_path / "edition", 40, 5, entities=2000)
    _add_shared_claim(content, "claim-shared", ["article-00001", "article-00002", "article-00003"])
    _add_shared_claim(content, "claim-shared-2", ["article-00002", "article-00003"])
    _add_shared_event(content, "event-shared", ["article-00003", "article-00004", "article-00001"])
    out = tmp_path / "site"
    report = build(Paths(content, out, ROOT / "themes" / "default"))
    articles = report.edition.articles
    keys = {a.slug: {"claims": set(report.analyses[a.slug].claims),
                     "events": {event for event, _ in report.analyses[a.slug].events},
                     "entities": {m.entity_id for m in report.analyses[a.slug].mentions}} for a in articles}
    naming: dict[str, int] = {}
    for k in keys.values():
        for entity in k["entities"]:
            naming[entity] = naming.get(entity, 0) + 1
    limit = max(2, min(COMMON_ENTITY_COUNT, int(COMMON_ENTITY_SHARE * len(articles))))
    for k in keys.values():
        k["entities"] = {e for e in k["entities"] if naming[e] <= limit}
    shown_any = 0
    for article in articles:
        expected = []
        for other in articles:
            if other.slug != article.slug:
                shared = {kind: len(keys[article.slug][kind] & keys[other.slug][kind]) for kind in keys[other.slug]}
                score = 3 * shared["claims"] + 2 * shared["events"] + shared["entities"]
                if score:
                    expected.append((-score, other.slug, shared))
        expected = sorted(expected, key=lambda row: row[:2])[:RELATED_LIMIT]
        block = next((b for b in soup(out / "articles" / f"{article.slug}.html").select(".apparatus-block")
                      if b.h2.get_text() == "Related accounts"), None)
        rows = block.select("li") if block else []
        assert [li.a["href"] for li in rows] == [f"{slug}.html" for _, slug, _ in expected], article.slug
        for li, (_, _, shared) in zip(rows, expected):
            assert li.get_text().endswith(f"{shared['claims']} shared claims, {shared['events']} shared events, "
                                          f"{shared['entities']} shared entities")
        shown_any += bool(rows)
    assert shown_any > len(articles) // 2
    assert keys["article-00003"]["claims"] >= {"claim-shared", "claim-shared-2"}, "the weights are exercised"
    assert "event-shared" in keys["article-00001"]["events"]



def test_a_source_with_more_articles_than_its_card_lists_has_them_on_numbered_pages(tmp_path: Path):
    """A generated edition of 70 articles over 20 outlets (4 each for outlets 0-9, 3 for 10-19), an
    author of 5 and one of 1, 3 articles to a card and 2 to a page."""
    import sys
    sys.path.insert(0, str(ROOT / "bench"))
    from generate import generate

    content = generate(tmp_path / "edition", 70, 7)
    settings = content / "edition.yaml"
    settings.write_text(settings.read_text(encoding="utf-8") + "source_card_size: 3\nhome_page_size: 2\n", encoding="utf-8")
    sources = content / "sources.yaml"
    sources.write_text(sources.read_text(encoding="utf-8").replace(
        "authors: []\n", "authors:\n  - id: prolific\n    name: Pat Prolific\n  - id: once\n    name: Olu Once\n"),
        encoding="utf-8")
    for number in range(6):
        article = content / "articles" / f"article-{number:05d}.md"
        author = "prolific" if number < 5 else "once"
        article.write_text(article.read_text(encoding="utf-8").replace("\ngenre:", f"\nauthor: {author}\ngenre:", 1),
                           encoding="utf-8")
    out = tmp_path / "site"
    build(Paths(content, out, ROOT / "themes" / "default"))
    page = soup(out / "sources.html")
    home = [a["href"] for name in ["index.html", *(f"index.page-{n}.html" for n in range(2, 36))]
            for a in soup(out / name).select("li.article-card h3 a")]
    assert len(home) == 70

    def listed(name: str, card: str) -> list[str]:
        """The articles the pages of list `name` show, in order, once each page's frame is checked."""
        names = [name, *(f"{name[:-5]}.page-{n}.html" for n in range(2, 10) if (out / f"{name[:-5]}.page-{n}.html").exists())]
        pages = [soup(out / n) for n in names]
        if len(pages) > 1:
            _assert_numbered_pages(out, names, pages)
        assert all(p.select_one("p.lede a")["href"] == card for p in pages)
        return [a["href"] for p in pages for a in p.select("li.article-card h3 a")]

    card = page.select_one("#outlet-0")
    shown = [a["href"] for a in card.select("dd ul a")]
    link = card.select_one("p.all-articles a")
    assert link["href"] == "articles-from.outlet-0.html" and link.get_text() == "All four articles from Outlet 0"
    everything = listed("articles-from.outlet-0.html", "sources.html#outlet-0")
    assert sorted(everything) == [f"articles/article-{n:05d}.html" for n in (0, 20, 40, 60)]
    assert everything == [href for href in home if href in everything], "in reading order, as on the home page"
    assert everything[:3] == shown, "the card shows the first of them"
    assert [soup(out / n).h1.get_text() for n in ("articles-from.outlet-0.html", "articles-from.outlet-0.page-2.html")] == \
        ["Articles from Outlet 0: 1 to 2 of 4", "Articles from Outlet 0: 3 to 4 of 4"]

    small = page.select_one("#outlet-15")
    assert len(small.select("dd ul a")) == 3 and small.select_one("p.all-articles") is None
    assert sorted(p.name for p in out.glob("articles-from.*.html")) == sorted(
        f"articles-from.outlet-{n}{suffix}.html" for n in range(10) for suffix in ("", ".page-2"))

    author = page.select_one("#author-prolific")
    assert author.select("p a")[-1]["href"] == "articles-by.prolific.html"
    assert author.select("p a")[-1].get_text() == "all five articles by Pat Prolific"
    assert len(author.select("p a")) == 4
    assert sorted(listed("articles-by.prolific.html", "sources.html#author-prolific")) == \
        [f"articles/article-{n:05d}.html" for n in range(5)]
    assert [a["href"] for a in page.select_one("#author-once").select("p a")] == ["articles/article-00005.html"]
    assert not list(out.glob("articles-by.once*"))


def test_past_the_protocols_limit_the_sitemap_is_an_index_of_sitemaps(edition: Path, tmp_path: Path, monkeypatch):
    """sitemaps.org allows 50,000 addresses a file; an archive can have more pages (here the limit is 7)."""
    import xml.etree.ElementTree as ET

    import builder.exports

    monkeypatch.setattr(builder.exports, "SITEMAP_LIMIT", 7)
    out = tmp_path / "site"
    build(Paths(edition, out, ROOT / "themes" / "default"))
    ns = {"s": "http://www.sitemaps.org/schemas/sitemap/0.9"}
    base = next(line.split(": ", 1)[1] for line in (out / "robots.txt").read_text(encoding="utf-8").splitlines()
                if line.startswith("Sitemap: ")).removesuffix("sitemap.xml")
    index = ET.parse(out / "sitemap.xml").getroot()
    assert index.tag == "{%s}sitemapindex" % ns["s"]
    parts = [loc.text.removeprefix(base) for loc in index.findall("s:sitemap/s:loc", ns)]
    pages = sorted(p.relative_to(out).as_posix() for p in out.rglob("*.html") if p.name != "404.html")
    assert parts == [f"sitemap-{n}.xml" for n in range(1, -(-len(pages) // 7) + 1)]
    listed = []
    for name in parts:
        urls = [loc.text.removeprefix(base) for loc in ET.parse(out / name).getroot().findall("s:url/s:loc", ns)]
        assert 0 < len(urls) <= 7, name
        listed += urls
    assert listed == pages, "every page once, in order, across the parts"
