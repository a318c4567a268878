"""The real edition in content/: builds with --strict, is faithful to the seeds, and every link resolves."""
from __future__ import annotations

import json
import re
from collections import Counter
from pathlib import Path

import pytest

from builder.build import Paths, analyse_content, build
from builder.diagnostics import Diagnostics
from conftest import ROOT, soup
from searchfiles import read_search_index

SEEDS = ROOT.parent / "shared" / "seeds"
SLUGS = {"magnier-iranian-messages", "canary-iran-responds", "arms-race-war-started-in-iraq",
         "al-khafaji-escalation", "iran-strikes-two-bases"}


@pytest.fixture(scope="module")
def real_site(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("real") / "site"
    report = build(Paths(ROOT / "content", out, ROOT / "themes" / "default"), strict=True)
    assert report.diagnostics == ()
    return out


@pytest.fixture(scope="module")
def analysed():
    edition, analyses, _ = analyse_content(Paths(ROOT / "content", ROOT / "site", ROOT / "themes" / "default"), Diagnostics())
    return edition, analyses


def words(text: str) -> list[str]:
    return text.replace("\u00a0", " ").split()


def test_all_five_articles_are_built(real_site: Path):
    built = {p.stem for p in (real_site / "articles").glob("*.html") if p.stem != "404"}
    assert built == SLUGS
    index = soup(real_site / "index.html")
    linked = {a["href"].removeprefix("articles/").removesuffix(".html") for a in index.select(".article-list a")}
    assert linked == SLUGS


@pytest.mark.skipif(not SEEDS.is_dir(), reason="the seeds live in ../shared/seeds beside the repository")
@pytest.mark.parametrize("slug", sorted(SLUGS))
def test_article_page_matches_its_seed_word_for_word_minus_omissions(real_site: Path, analysed, slug: str):
    edition, analyses = analysed
    article = edition.article(slug)
    seed = (SEEDS / article.seed).read_text(encoding="utf-8")
    for omission in article.omitted:
        assert omission.text in seed, f"omitted text not in the seed: {omission.text!r}"
        seed = seed.replace(omission.text, " ", 1)
    first_line = seed.strip().split("\n")[0]
    if words(first_line) == words(article.title):  # the title line became the page's <h1>
        seed = seed.replace(first_line, " ", 1)
    page = soup(real_site / "articles" / f"{slug}.html")
    body = page.select_one(".article-body")
    for extra in body.select(".sidenote, .noteref, .claim-ref, .event-ref"):
        extra.decompose()
    text = "\n".join(block.get_text() for block in body.select("p, h2, h3"))
    assert words(text) == words(seed)


def test_every_passage_has_a_stable_id(real_site: Path):
    for slug in SLUGS:
        page = soup(real_site / "articles" / f"{slug}.html")
        blocks = page.select(".article-body p, .article-body h2, .article-body h3")
        ids = [b.get("id") for b in blocks]
        assert ids == [f"p-{n}" for n in range(1, len(ids) + 1)]


def _targets(site: Path) -> dict[str, set[str]]:
    return {p.relative_to(site).as_posix(): {t["id"] for t in soup(p).select("[id]")} for p in site.rglob("*.html")}


def test_every_internal_link_and_fragment_resolves(real_site: Path):
    ids = _targets(real_site)
    problems = []
    for page, _ in ids.items():
        document = soup(real_site / page)
        for tag in document.select("[href], [src]"):
            url = tag.get("href") or tag.get("src")
            if re.match(r"^(https?:|mailto:)", url):
                continue
            assert not url.startswith("/"), f"{page}: root-relative URL {url}"
            path, _, fragment = url.partition("#")
            target = (Path(page).parent / path).as_posix() if path else page
            target = str(Path(target)).replace("\\", "/")
            resolved = (real_site / target).resolve()
            if not resolved.is_file():
                problems.append(f"{page}: {url} (no such file)")
            elif fragment and resolved.suffix == ".html" and fragment not in ids[resolved.relative_to(real_site.resolve()).as_posix()]:
                problems.append(f"{page}: {url} (no such id)")
    assert problems == []


def test_no_external_resources(real_site: Path):
    for page in real_site.rglob("*.html"):
        document = soup(page)
        for tag in document.select("script[src], link[href], img[src]"):
            url = tag.get("src") or tag.get("href")
            if tag.name == "link" and tag.get("rel") in (["canonical"], ["alternate"]):
                continue
            assert not re.match(r"^(https?:)?//", url), f"{page}: external resource {url}"


def test_content_volumes(analysed):
    edition, analyses = analysed
    notes = {slug: edition.notes_for(slug) for slug in SLUGS}
    assert sum(len(n) for n in notes.values()) >= 50
    for slug, items in notes.items():
        assert len(items) >= 8, slug
        assert {n.kind for n in items} == {"note", "context", "factcheck", "framing"}, slug
        assert set(analyses[slug].notes) == {n.id for n in items}, f"{slug}: every note anchors"
    assert len(edition.entities) >= 45
    assert len(edition.claims) >= 6
    assert len(edition.events) >= 12
    assert len(edition.concepts) >= 5


def test_every_claim_account_and_event_mention_anchors(analysed):
    edition, analyses = analysed
    for claim in edition.claims:
        for account in claim.accounts:
            assert claim.id in analyses[account.article_slug].claims
    anchored = Counter((e, a.parsed.article.slug) for a in analyses.values() for e, _ in a.events)
    for event in edition.events:
        for mention in event.mentions:
            assert anchored[(event.id, mention.article_slug)] >= 1


def test_every_alias_is_found_at_least_once(analysed):
    edition, analyses = analysed
    found = {(m.entity_id, m.text) for a in analyses.values() for m in a.mentions}
    missing = [(e.id, alias) for e in edition.entities.values() for alias in e.aliases if (e.id, alias) not in found]
    assert missing == []


@pytest.mark.parametrize("slug, spelling, entity_id", [
    ("magnier-iranian-messages", "Ayn al-Assad", "ain-al-asad"),
    ("magnier-iranian-messages", "Abdel Mahdi", "adil-abdul-mahdi"),
    ("canary-iran-responds", "Abdul-Mahdi", "adil-abdul-mahdi"),
    ("iran-strikes-two-bases", "Abdul Mahdi", "adil-abdul-mahdi"),
    ("arms-race-war-started-in-iraq", "Suleimani", "qasem-soleimani"),
    ("arms-race-war-started-in-iraq", "Kataib Hezbollah", "kataib-hezbollah"),
    ("al-khafaji-escalation", "Kattaib Hezbollah", "kataib-hezbollah"),
    ("al-khafaji-escalation", "Ein al-Assad", "ain-al-asad"),
    ("iran-strikes-two-bases", "Al-Asad", "ain-al-asad"),
    ("arms-race-war-started-in-iraq", "PMUs", "popular-mobilization-forces"),
    ("al-khafaji-escalation", "Abu Mahdi al-Muhandis", "abu-mahdi-al-muhandis"),
    ("arms-race-war-started-in-iraq", "Hezbollah", "hezbollah"),
    ("canary-iran-responds", "IRGC", "irgc"),
    ("iran-strikes-two-bases", "Khamenei", "ali-khamenei"),
])
def test_known_spellings_resolve_to_the_right_entity(analysed, slug, spelling, entity_id):
    _, analyses = analysed
    owners = {m.entity_id for m in analyses[slug].mentions if m.text.startswith(spelling) or m.text.endswith(spelling)}
    assert entity_id in owners


def test_every_content_yaml_names_its_schema():
    for path in sorted((ROOT / "content").rglob("*.yaml")):
        first = path.read_text(encoding="utf-8").split("\n", 1)[0]
        assert first.startswith("# yaml-language-server: $schema="), path
        schema = (path.parent / first.split("=", 1)[1]).resolve()
        assert schema.is_file(), f"{path}: {schema}"
    for path in sorted((ROOT / "content" / "articles").glob("*.md")):
        second = path.read_text(encoding="utf-8").split("\n")[1]
        assert second.startswith("# yaml-language-server: $schema="), path


def test_annotations_export_is_a_web_annotation_collection(real_site: Path):
    data = json.loads((real_site / "annotations.jsonld").read_text(encoding="utf-8"))
    assert data["@context"] == "http://www.w3.org/ns/anno.jsonld"
    assert data["type"] == "AnnotationCollection"
    items = data["first"]["items"]
    assert len(items) == data["total"] >= 50
    for item in items:
        assert item["type"] == "Annotation" and item["id"].startswith("https://")
        assert item["motivation"] in {"commenting", "describing", "assessing"}
        assert any(b["type"] == "TextualBody" and b["value"] for b in item["body"])
        selector = item["target"]["selector"][0]
        assert selector["type"] == "TextQuoteSelector" and selector["exact"]
        assert item["target"]["source"].endswith(".html")


def test_search_entries_show_entity_references_as_the_page_does(real_site: Path):
    """A note's [[entity]] reference is shown (and found) by the entity's name, never as markup."""
    index = read_search_index(real_site)
    notes = [entry for entry in index.entries if entry[2] == "note"]
    assert notes and not [entry[0] for entry in index.entries if "[[" in entry[3]]
    written = (ROOT / "content" / "annotations" / "iran-strikes-two-bases.yaml").read_text(encoding="utf-8")
    assert "11 hit [[ain-al-asad]], one hit [[erbil]]" in written
    assert any("11 hit Ain al-Asad Air Base, one hit Erbil" in entry[3] for entry in notes)
