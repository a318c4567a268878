"""Machine-readable files: W3C Web Annotations, Atom feed, sitemap, robots.txt. Pure: returns text
(the annotations, which grow with every note, as pieces to write one after another)."""
from __future__ import annotations

import heapq
import json
from typing import Any, Iterable, Iterator
from xml.sax.saxutils import escape as _xml_escape


def xml_escape(text: str) -> str:
    """Escaped for XML text and double-quoted attributes alike."""
    return _xml_escape(text, {'"': "&quot;"})

from .model import Edition
from .views import Site, plain_text

MOTIVATIONS = {"note": "commenting", "context": "describing", "factcheck": "assessing", "framing": "assessing"}
"""Our note kinds mapped to Web Annotation motivations (https://www.w3.org/TR/annotation-vocab/#motivation)."""


def annotations_jsonld(site: Site, per_article: Iterable[bytes], total: int) -> Iterator[bytes]:
    """Every note as a W3C Web Annotation with a TextQuoteSelector, in one AnnotationCollection page.

    In pieces: at 10,000 articles the file is tens of megabytes. `per_article` are the articles' items
    as article_annotations encoded them (made with the rest of each article's work, and cached with
    it); `total` is how many there are in all."""
    edition = site.edition
    base = edition.base_url
    collection = json.dumps({
        "@context": "http://www.w3.org/ns/anno.jsonld",
        "id": f"{base}annotations.jsonld",
        "type": "AnnotationCollection",
        "label": f"Editors' notes: {edition.title}",
        "total": total,
        "first": {"type": "AnnotationPage", "id": f"{base}annotations.jsonld#page1", "startIndex": 0, "items": _MARKER},
    }, **_JSON)
    head, tail = collection.split(json.dumps(_MARKER, **_JSON))
    yield (head + "[").encode("utf-8")
    first = True
    for piece in per_article:
        if piece:
            yield piece if first else b"," + piece
            first = False
    yield f"]{tail}\n".encode("utf-8")


# Compact: the indented form goes through json's pure-Python encoder, ten times slower on a large edition.
_JSON: dict[str, Any] = {"ensure_ascii": False, "separators": (",", ":"), "sort_keys": True}
_MARKER = "\0items\0"


def article_annotations(site: Site, article: Any, analysis: Any) -> tuple[int, str]:
    """How many of the article's notes are anchored, and their annotations, encoded as they appear in
    annotations.jsonld (comma-separated JSON objects)."""
    edition = site.edition
    base = edition.base_url
    page = f"{base}articles/{article.slug}.html"
    items = []
    for note in edition.notes_for(article.slug):
        anchor = analysis.notes.get(note.id)
        if anchor is None:
            continue
        text = analysis.parsed.passages[anchor.passage].text
        item = {
            "id": f"{page}#note-{note.id}",
            "type": "Annotation",
            "motivation": MOTIVATIONS[note.kind],
            "body": [{"type": "TextualBody", "value": note.body, "format": "text/markdown", "language": edition.language,
                      "purpose": MOTIVATIONS[note.kind]},
                     {"type": "TextualBody", "value": note.kind, "purpose": "tagging"}],
            "target": {
                "source": page,
                "selector": [
                    {"type": "TextQuoteSelector", "exact": text[anchor.start:anchor.end],
                     "prefix": text[max(0, anchor.start - 32):anchor.start], "suffix": text[anchor.end:anchor.end + 32]},
                    {"type": "FragmentSelector", "conformsTo": "http://tools.ietf.org/rfc/rfc3986",
                     "value": analysis.parsed.passages[anchor.passage].id},
                ],
            },
        }
        if note.framing_type:
            item["body"].append({"type": "TextualBody", "value": note.framing_type, "purpose": "tagging"})
        for citation in note.sources:
            item["body"].append({"type": "SpecificResource", "source": citation.url, "purpose": "linking"})
        items.append(item)
    # One encoding of the list, its brackets dropped: the objects joined by ",", encoder set up once.
    return len(items), json.dumps(items, **_JSON)[1:-1]


FEED_ENTRIES = 50
"""The newest articles a feed carries: feed readers fetch it again and again, and with every article
in it, it was 4 MB at 10,000 articles. The whole archive is the site (index.html, sitemap.xml)."""


def atom_feed(site: Site) -> str:
    """The newest FEED_ENTRIES articles, newest first (ties by slug)."""
    edition = site.edition
    base = edition.base_url
    updated = max((a.published for a in edition.articles), default=None)
    stamp = f"{updated.isoformat()}T00:00:00Z" if updated else "2020-01-01T00:00:00Z"
    entries = []
    for article in heapq.nlargest(FEED_ENTRIES, edition.articles, key=lambda a: (a.published, a.slug)):
        url = f"{base}articles/{article.slug}.html"
        outlet = edition.outlet_of(article).name
        entries.append(
            "  <entry>\n"
            f"    <title>{xml_escape(article.title)}</title>\n"
            f'    <link rel="alternate" type="text/html" href="{xml_escape(url)}"/>\n'
            f"    <id>{xml_escape(url)}</id>\n"
            f"    <updated>{article.published.isoformat()}T00:00:00Z</updated>\n"
            f"    <author><name>{xml_escape(outlet)}</name></author>\n"
            f"    <summary>{xml_escape(outlet)}, {article.published.isoformat()}. Annotated edition.</summary>\n"
            "  </entry>\n")
    return ('<?xml version="1.0" encoding="utf-8"?>\n'
            f'<feed xmlns="http://www.w3.org/2005/Atom" xml:lang="{xml_escape(edition.language)}">\n'
            f"  <title>{xml_escape(edition.title)}</title>\n"
            f"  <subtitle>{xml_escape(plain_text(site.md, edition.description))}</subtitle>\n"
            f'  <link rel="self" href="{xml_escape(base)}feed.xml"/>\n'
            f'  <link rel="alternate" type="text/html" href="{xml_escape(base)}index.html"/>\n'
            f"  <id>{xml_escape(base)}</id>\n"
            f"  <updated>{stamp}</updated>\n"
            + "".join(entries) + "</feed>\n")


SITEMAP_LIMIT = 50_000
"""Addresses one sitemap file may list (sitemaps.org protocol, which also caps a file at 50 MB: 50,000 of
ours take about 5 MB). 1,000 articles with 30,000 entities already have 31,105 pages."""


def sitemaps(edition: Edition, pages: Iterable[str]) -> list[tuple[str, str]]:
    """(file name, text) of the sitemap: `sitemap.xml` listing every page, or past SITEMAP_LIMIT pages a
    sitemap index there listing `sitemap-1.xml`, `sitemap-2.xml`… of SITEMAP_LIMIT pages each (robots.txt
    names sitemap.xml either way, as the protocol allows)."""
    ordered = sorted(pages)
    if len(ordered) <= SITEMAP_LIMIT:
        return [("sitemap.xml", _urlset(edition, ordered))]
    parts = [(f"sitemap-{number}.xml", ordered[start:start + SITEMAP_LIMIT])
             for number, start in enumerate(range(0, len(ordered), SITEMAP_LIMIT), start=1)]
    index = "".join(f"  <sitemap><loc>{xml_escape(edition.base_url + name)}</loc></sitemap>\n" for name, _ in parts)
    return [("sitemap.xml", '<?xml version="1.0" encoding="utf-8"?>\n'
             '<sitemapindex xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">\n' + index + "</sitemapindex>\n"),
            *((name, _urlset(edition, part)) for name, part in parts)]


def _urlset(edition: Edition, pages: list[str]) -> str:
    urls = "".join(f"  <url><loc>{xml_escape(edition.base_url + page)}</loc></url>\n" for page in pages)
    return ('<?xml version="1.0" encoding="utf-8"?>\n'
            '<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">\n' + urls + "</urlset>\n")


def robots_txt(edition: Edition) -> str:
    return f"User-agent: *\nAllow: /\nSitemap: {edition.base_url}sitemap.xml\n"
