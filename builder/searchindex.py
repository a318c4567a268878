"""The search index, shipped as a classic script (window.EDITION_SEARCH = …) so search works over file://,
where browsers refuse fetch() of local files. Loaded only by the search page."""
from __future__ import annotations

import json

from .views import KIND_LABELS, Site, event_dates, plain_text


def search_index_script(site: Site) -> str:
    edition = site.edition
    docs: list[list[str]] = []
    for article in edition.articles:
        analysis = site.analyses[article.slug]
        page = f"articles/{article.slug}.html"
        outlet = edition.outlet_of(article).name
        for passage in analysis.parsed.passages:
            docs.append([f"{page}#{passage.id}", f"{article.title} — {outlet}, ¶{passage.number}", "passage",
                         " ".join(passage.text.split())])
        for note in edition.notes_for(article.slug):
            if note.id in analysis.notes:
                docs.append([f"{page}#note-{note.id}", f"{KIND_LABELS[note.kind]} on “{article.title}”", "note",
                             plain_text(site.md, note.body)])
    for entity in sorted(edition.entities.values(), key=lambda e: e.id):
        docs.append([f"glossary/{entity.id}.html", entity.name, "entity",
                     " · ".join(entity.names) + " — " + plain_text(site.md, entity.description)])
    for claim in edition.claims:
        docs.append([f"claims.html#{claim.id}", claim.question, "claim", plain_text(site.md, claim.finding)])
    for event in edition.events:
        docs.append([f"timeline.html#{event.id}", f"{event_dates(event)}: {event.title}", "event",
                     plain_text(site.md, event.description)])
    spellings = [[entity.id, list(entity.names)] for entity in sorted(edition.entities.values(), key=lambda e: e.id)]
    payload = json.dumps({"docs": docs, "spellings": spellings}, ensure_ascii=False, separators=(",", ":"), sort_keys=True)
    return "window.EDITION_SEARCH=" + payload.replace("</", "<\\/") + ";\n"
