"""The search index, shipped as a classic script (window.EDITION_SEARCH = …) so search works over file://,
where browsers refuse fetch() of local files. Loaded only by the search page.

Each article's entries are made with the rest of its work (articlework), where its passages are at hand."""
from __future__ import annotations

import json
from itertools import chain
from typing import Iterable, Iterator

from .analysis import ArticleAnalysis
from .model import Article
from .views import KIND_LABELS, Site, event_dates, plain_text

SearchDoc = tuple[str, str, str, str]
"""(href, title, kind, text)."""


def article_docs(site: Site, article: Article, analysis: ArticleAnalysis) -> str:
    """One article's entries, encoded as they appear in the index (comma-separated JSON arrays)."""
    edition = site.edition
    page = f"articles/{article.slug}.html"
    outlet = edition.outlet_of(article).name
    docs: list[SearchDoc] = []
    for passage in analysis.parsed.passages:
        docs.append((f"{page}#{passage.id}", f"{article.title} — {outlet}, ¶{passage.number}", "passage",
                     " ".join(passage.text.split())))
    for note in edition.notes_for(article.slug):
        if note.id in analysis.notes:
            docs.append((f"{page}#note-{note.id}", f"{KIND_LABELS[note.kind]} on “{article.title}”", "note",
                         site.rich.note_forms(note.body, "../")[2]))
    # One encoding of the list, its brackets dropped: the same text as each entry encoded and joined
    # with ",", without json.dumps's set-up (an encoder object) once per entry.
    return _encode(docs)[1:-1]


def _encode(value: object) -> str:
    # "</" escaped so no text can close the script element (applied piecewise: no piece ends in "<").
    return json.dumps(value, ensure_ascii=False, separators=(",", ":")).replace("</", "<\\/")


def search_index_script(site: Site, per_article: Iterable[bytes]) -> Iterator[bytes]:
    """The index script in pieces (each article's entries as article_docs encoded them, in UTF-8), so
    the whole index, which grows with the edition, is never held in memory at once."""
    edition = site.edition
    docs: list[SearchDoc] = []
    for entity in sorted(edition.entities.values(), key=lambda e: e.id):
        docs.append((f"glossary/{entity.id}.html", entity.name, "entity",
                     " · ".join(entity.names) + " — " + plain_text(site.md, entity.description)))
    for claim in edition.claims:
        docs.append((f"claims.html#{claim.id}", claim.question, "claim", plain_text(site.md, claim.finding)))
    for event in edition.events:
        docs.append((f"timeline.html#{event.id}", f"{event_dates(event)}: {event.title}", "event",
                     plain_text(site.md, event.description)))
    spellings = [[entity.id, list(entity.names)] for entity in sorted(edition.entities.values(), key=lambda e: e.id)]
    yield b'window.EDITION_SEARCH={"docs":['
    first = True
    for piece in chain((p for p in per_article if p), (_encode(doc).encode("utf-8") for doc in docs)):
        yield piece if first else b"," + piece
        first = False
    yield ('],"spellings":' + _encode(spellings) + "};\n").encode("utf-8")
