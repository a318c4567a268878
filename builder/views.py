"""Template-facing views: plain records shaped for pages, built from the model and the analyses.

Templates never compute; everything they show is prepared here. HTML that comes from Markdown or
from the body renderer is wrapped in Markup here, after it was produced by our own escaping renderers.
"""
from __future__ import annotations

import hashlib
import heapq
import json
import re
from array import array
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from datetime import date
from functools import partial
from html import escape
from itertools import chain
from typing import Any, Callable, Iterable, Mapping, NamedTuple

from markupsafe import Markup, escape as html_escape

from .analysis import ArticleAnalysis
from .anchoring import Anchor
from .articlebody import BodyRenderer, Decoration, footnote_bodies
from .linking import Mention, sentence_around, sentence_ends
from .markdown import ENTITY_REF, make_parser, plain_of
from .model import Article, Author, Citation, Claim, Edition, Entity, Event, Note, Outlet
from .richtext import RichText

KIND_LABELS = {"note": "Note", "context": "Context", "factcheck": "Fact-check", "framing": "Framing",
               "footnote": "Author’s footnote"}
FRAMING_LABELS = {"spin": "spin", "unsubstantiated-claim": "unsubstantiated claim",
                  "opinion-as-fact": "opinion presented as fact", "sensationalism": "sensationalism",
                  "omission": "omission", "missing-attribution": "missing attribution", "loaded-term": "loaded term"}
TYPE_LABELS = {"person": "People", "organisation": "Organisations", "place": "Places", "weapon": "Weapons",
               "event": "Events", "other": "Other"}
GENRE_LABELS = {"report": "News report", "analysis": "Analysis", "opinion": "Opinion"}
MONTHS = ("January", "February", "March", "April", "May", "June", "July", "August", "September", "October",
          "November", "December")


NUMBER_WORDS = ("no", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine", "ten", "eleven", "twelve")


def number_words(count: int) -> str:
    """Running-text numbers: words up to twelve, digits (with thousands separators) beyond."""
    return NUMBER_WORDS[count] if 0 <= count < len(NUMBER_WORDS) else f"{count:,}"


def long_date(value: date) -> str:
    return f"{value.day} {MONTHS[value.month - 1]} {value.year}"


def short_date(value: date) -> str:
    return f"{value.day} {MONTHS[value.month - 1][:3]}"


def event_dates(event: Event) -> str:
    if event.end_date and event.end_date != event.date:
        return f"{long_date(event.date)} – {long_date(event.end_date)}"
    return long_date(event.date)


@dataclass(slots=True)
class Site:
    """Everything the views share: the edition, per-article analyses and renderers."""

    edition: Edition
    analyses: Mapping[str, ArticleAnalysis]
    rich: RichText = field(init=False)
    md: Any = field(init=False)
    _relations: Any = field(init=False, default=None)
    _summaries: dict[str, str] = field(init=False, default_factory=dict)
    _chip_heads: dict[str, str] = field(init=False, default_factory=dict)
    _cards: dict[str, str] = field(init=False, default_factory=dict)

    def __post_init__(self) -> None:
        self.rich = RichText({e.id: e.name for e in self.edition.entities.values()})
        self.md = make_parser()

    def prepare(self) -> None:
        """Compute what every article page shares (each entity's preview card and chip) once, before workers fork."""
        for entity in self.edition.entities.values():
            self.card_json(entity)
            self.chip_head(entity)

    def adopt(self, other: "Site") -> None:
        """Take over another Site's shared indexes (the live preview's fast path)."""
        self._relations, self._summaries = other._relations, other._summaries
        self._chip_heads, self._cards = other._chip_heads, other._cards

    def relations(self) -> "Relations":
        if self._relations is None:
            self._relations = build_relations(self)
        return self._relations

    def passage_url(self, slug: str, passage: int, root: str) -> str:
        return f"{root}articles/{slug}.html#{self.analyses[slug].parsed.passages[passage].id}"

    def passage_number(self, slug: str, passage: int) -> int:
        return self.analyses[slug].parsed.passages[passage].number

    def quote_text(self, slug: str, anchor: Anchor) -> str:
        return self.analyses[slug].parsed.passages[anchor.passage].text[anchor.start:anchor.end]

    def entity_summary(self, entity: Entity) -> str:
        """The description as plain text, first sentence: what a preview card shows (computed once)."""
        summary = self._summaries.get(entity.id)
        if summary is None:
            text = plain_text(self.md, entity.description)
            summary = self._summaries[entity.id] = sentence_around(text, 0, 1)[0]
        return summary

    def card_json(self, entity: Entity) -> str:
        """The entity's preview card as a JSON object's member (`"id": [name, type, summary]`), as the
        article pages carry it."""
        card = self._cards.get(entity.id)
        if card is None:
            card = self._cards[entity.id] = json.dumps(
                {entity.id: [entity.name, entity.type, self.entity_summary(entity)]}, ensure_ascii=False)[1:-1]
        return card

    def chip_head(self, entity: Entity) -> str:
        """The start of the entity's chip in an article's list of what it names: the link."""
        head = self._chip_heads.get(entity.id)
        if head is None:
            head = self._chip_heads[entity.id] = (f'<li><a href="../glossary/{html_escape(entity.id)}.html">'
                                                  f'{html_escape(entity.name)}</a> ')
        return head


def plain_text(md: Any, markdown: str) -> str:
    return plain_of(md.parse(markdown))


def citation_view(citation: Citation) -> dict[str, str | None]:
    return {"title": citation.title, "url": citation.url, "publisher": citation.publisher, "date": citation.date}


# ---------------------------------------------------------------------------------------------
# Article pages


@dataclass(frozen=True, slots=True)
class NoteView:
    number: int
    id: str
    kind: str
    kind_label: str
    framing_label: str | None
    quote: str
    body: Markup
    sources: tuple[dict[str, str | None], ...]
    verdict: str | None = None


def _sidenote(number: int, kind: str, label: str, body: str, sources: tuple[Citation, ...]) -> str:
    cited = ""
    if sources:
        items = "; ".join(f'<a href="{escape(c.url)}" tabindex="-1">{escape(c.title)}</a>' for c in sources)
        cited = f' <span class="sn-sources">Sources: {items}</span>'
    return (f'<span class="sidenote kind-{kind}" aria-hidden="true"><span class="sn-head"><span class="sn-num">{number}</span> '
            f'<span class="kind-label">{escape(label)}</span></span> {body}{cited}</span>')


def _noteref(number: int, key: str, label: str, kind: str) -> str:
    return (f'<sup class="noteref kind-{kind}"><a href="#note-{escape(key)}" id="ref-{escape(key)}" role="doc-noteref" '
            f'aria-label="Note {number}: {escape(label)}">{number}</a></sup>')


def article_view(site: Site, article: Article, root: str = "../") -> dict[str, Any]:
    edition, analysis = site.edition, site.analyses[article.slug]
    parsed = analysis.parsed
    notes = {n.id: n for n in edition.notes_for(article.slug) if n.id in analysis.notes}
    order: list[tuple[tuple[int, int, int], str, Any]] = []
    for note_id, anchor in analysis.notes.items():
        order.append(((anchor.passage, anchor.end, anchor.start), "note", notes[note_id]))
    fn_bodies = footnote_bodies(site.md, parsed)
    seen_footnotes: set[int] = set()
    for ref in analysis.footnotes:
        if ref.footnote_id not in seen_footnotes:
            seen_footnotes.add(ref.footnote_id)
            order.append(((ref.passage, ref.offset, -1), "footnote", ref))
    order.sort(key=lambda item: item[0])

    note_views: list[NoteView] = []
    decorations: list[Decoration] = []
    footnote_refs: dict[int, str] = {}
    for number, (_, what, item) in enumerate(order, start=1):
        if what == "note":
            note: Note = item
            label = KIND_LABELS[note.kind]
            framing = FRAMING_LABELS.get(note.framing_type or "")
            shown_label = f"{label}: {framing}" if framing else (f"{label}: {note.verdict}" if note.verdict else label)
            anchor = analysis.notes[note.id]
            block, phrasing, _ = site.rich.note_forms(note.body, root)
            after = _noteref(number, note.id, shown_label, note.kind) + _sidenote(
                number, note.kind, shown_label, phrasing, note.sources)
            decorations.append(Decoration(anchor.passage, anchor.start, anchor.end, "note", note.id,
                                          f"q-{note.id}", f"kind-{note.kind}", after))
            note_views.append(NoteView(number, note.id, note.kind, label, framing, site.quote_text(article.slug, anchor),
                                       Markup(block),
                                       tuple(citation_view(c) for c in note.sources), note.verdict))
        else:
            key = f"fn-{item.footnote_id + 1}"
            body = fn_bodies.get(item.footnote_id, "")
            footnote_refs[item.footnote_id] = _noteref(number, key, KIND_LABELS["footnote"], "footnote") + _sidenote(
                number, "footnote", KIND_LABELS["footnote"], _phrasing_html(body), ())
            note_views.append(NoteView(number, key, "footnote", KIND_LABELS["footnote"], None, "", Markup(body), ()))

    claims_by_id = {c.id: c for c in edition.claims}
    for claim_id, anchor in analysis.claims.items():
        question = claims_by_id[claim_id].question
        after = (f'<a class="claim-ref" href="{root}claims.html#{escape(claim_id)}" title="How the other accounts report this">'
                 f'<span aria-hidden="true">⇄</span><span class="vh"> How the other accounts report this: {escape(question)}</span></a>')
        decorations.append(Decoration(anchor.passage, anchor.start, anchor.end, "claim", claim_id, f"c-{claim_id}", "", after))
    events_by_id = {e.id: e for e in edition.events}
    used_ids: Counter[str] = Counter()
    for event_id, anchor in analysis.events:
        event = events_by_id[event_id]
        used_ids[event_id] += 1
        element_id = f"e-{event_id}" + (f"-{used_ids[event_id]}" if used_ids[event_id] > 1 else "")
        after = (f'<a class="event-ref" href="{root}timeline.html#{escape(event_id)}">'
                 f'<span class="vh">Timeline: {escape(event.title)}, </span>{escape(short_date(event.date))}</a>')
        decorations.append(Decoration(anchor.passage, anchor.start, anchor.end, "event", event_id, element_id, "", after))

    entities = edition.entities

    def entity_link(mention: Mention) -> str:
        return (f'<a class="entity" href="{root}glossary/{escape(mention.entity_id)}.html" '
                f'data-entity="{escape(mention.entity_id)}">')

    def footnote_ref(token: Any) -> str:
        return footnote_refs.get(token.meta["id"], "")

    body = BodyRenderer(site.md, entity_link, footnote_ref).render(parsed, decorations, analysis.mentions)
    mentioned = Counter(m.entity_id for m in analysis.mentions)
    # What json.dumps of {id: card} with sorted keys gives, from each entity's card encoded once.
    cards = "{" + ", ".join(site.card_json(entities[eid]) for eid in sorted(mentioned)) + "}"
    return {
        "article": article,
        "outlet": edition.outlet_of(article),
        "author": edition.author_of(article),
        "genre_label": GENRE_LABELS[article.genre],
        "published_label": long_date(article.published),
        "body": Markup(body),
        "notes": note_views,
        "kind_counts": Counter(n.kind for n in note_views),
        "entities": _mentioned_entities(site, mentioned),
        "entity_cards": Markup(cards.replace("<", "\\u003c")),
        "events": [{"event": events_by_id[eid], "dates": event_dates(events_by_id[eid]),
                    "passage": parsed.passages[anchor.passage].id} for eid, anchor in
                   sorted(analysis.events, key=lambda item: (events_by_id[item[0]].date, item[0]))],
        "claims": [{"claim": claims_by_id[cid], "passage": parsed.passages[a.passage].id} for cid, a in
                   sorted(analysis.claims.items(), key=lambda item: [c.id for c in edition.claims].index(item[0]))],
        "language": language_for_article(site, article.slug),
        "passage_count": len(parsed.passages),
        "page_toc": [(href, text) for href, text, present in (
            ("#source-card-heading", "About this source", True),
            ("#article-text", "The text", True),
            ("#notes-heading", f"Notes ({len(note_views)})", bool(note_views)),
            ("#apparatus-claims", "Contested claims", bool(analysis.claims)),
            ("#apparatus-events", "Events", bool(analysis.events)),
            ("#apparatus-entities", "Named in this article", bool(mentioned)),
            ("#provenance", "Provenance", True)) if present],
    }


def _phrasing_html(block_html: str) -> str:
    # Our own footnote HTML is simple paragraphs; turn them into spans for the sidenote copy.
    return block_html.replace("<p>", '<span class="sn-p">').replace("</p>", "</span>").strip()


_DIGITS = re.compile(r"(\d+)")


def name_order(named: Outlet | Author | Entity) -> list[str | int]:
    """Sort key for names as a reader expects them: case ignored, and numbers by value ("Outlet 2"
    before "Outlet 10", "F-15" after "F-4"). Split on digits, the parts alternate text and number."""
    parts: list[str | int] = [*_DIGITS.split(named.name.casefold())]
    parts[1::2] = [int(number) for number in parts[1::2]]
    return parts


def _mentioned_entities(site: Site, counts: Counter[str]) -> list[dict[str, Any]]:
    groups: dict[str, list[tuple[Entity, int]]] = defaultdict(list)
    for entity_id, count in counts.items():
        entity = site.edition.entities[entity_id]
        groups[entity.type].append((entity, count))
    return [{"type": t, "label": TYPE_LABELS[t], "chips": _chips(site, sorted(groups[t], key=lambda i: name_order(i[0])))}
            for t in TYPE_LABELS if t in groups]


def _chips(site: Site, items: list[tuple[Entity, int]]) -> Markup:
    """The <li> chips of one entity type. Built here, not in Jinja: an article names dozens of entities,
    and this loop was a third of the article template's time."""
    return Markup("".join(
        f'{site.chip_head(entity)}<span class="count"><span aria-hidden="true">×{count}</span><span class="vh">{count} '
        f'mention{"s" if count != 1 else ""}</span></span></li>' for entity, count in items))


RELATED_LIMIT = 6
COMMON_ENTITY_SHARE = 0.2
COMMON_ENTITY_COUNT = 50
"""An entity named by more than this share (or number) of the articles says nothing about how two are
related; leaving it out also keeps the work per article bounded as the edition grows."""


def related_articles(site: Site, article: Article) -> list[dict[str, Any]]:
    """The articles sharing most claims, events and distinctive entities (an inverted index, not all pairs)."""
    index = site.relations()
    keys = index.keys_of[article.slug]
    # Every holder of every key counted by Counter.update (a loop in C), a shared claim three times and
    # an event twice; what each of the few shown shares is then a set intersection. Counting each
    # kind per candidate in Python took a millisecond per article where entities are distinctive.
    scores: Counter[str] = Counter()
    for kind, weight in (("claims", 3), ("events", 2), ("entities", 1)):
        holders = index.holders[kind]
        others = list(chain.from_iterable(holders[key] for key in keys[kind]))
        for _ in range(weight):
            scores.update(others)
    scores.pop(article.slug, None)
    ranked = heapq.nsmallest(RELATED_LIMIT, scores.items(), key=lambda item: (-item[1], item[0]))
    by_slug = index.articles
    rows = []
    for slug, score in ranked:
        theirs = index.keys_of[slug]
        rows.append({"article": by_slug[slug], "outlet": site.edition.outlet_of(by_slug[slug]), "score": score,
                     **{kind: len(keys[kind] & theirs[kind]) for kind in ("entities", "events", "claims")}})
    return rows


@dataclass(frozen=True, slots=True)
class Relations:
    """For related articles: what each article involves, and which articles involve each thing."""

    keys_of: dict[str, dict[str, set[str]]]
    holders: dict[str, dict[str, list[str]]]
    articles: dict[str, Article]
    """By slug."""
    claims_naming: dict[str, list[Claim]]
    """entity id -> the claims whose account passage, in some article, names it (in claim order)."""


def build_relations(site: Site) -> Relations:
    keys_of: dict[str, dict[str, set[str]]] = {}
    holders: dict[str, dict[str, list[str]]] = {"claims": defaultdict(list), "events": defaultdict(list),
                                                 "entities": defaultdict(list)}
    for article in site.edition.articles:
        analysis = site.analyses[article.slug]
        keys = {"claims": set(analysis.claims), "events": {e for e, _ in analysis.events},
                "entities": {m.entity_id for m in analysis.mentions}}
        keys_of[article.slug] = keys
        for kind, values in keys.items():
            for value in sorted(values):
                holders[kind][value].append(article.slug)
    limit = max(2, min(COMMON_ENTITY_COUNT, int(COMMON_ENTITY_SHARE * len(site.edition.articles))))
    if len(site.edition.articles) > 10:
        common = {e for e, slugs in holders["entities"].items() if len(slugs) > limit}
        for keys in keys_of.values():
            keys["entities"] -= common
    claims_naming: dict[str, list[Claim]] = defaultdict(list)
    for claim in site.edition.claims:
        named: set[str] = set()
        for account in claim.accounts:
            analysis = site.analyses.get(account.article_slug)
            anchor = analysis.claims.get(claim.id) if analysis else None
            if anchor:
                named.update(m.entity_id for m in analysis.mentions if m.passage == anchor.passage)
        for entity_id in named:
            claims_naming[entity_id].append(claim)
    return Relations(keys_of, holders, {a.slug: a for a in site.edition.articles}, dict(claims_naming))


def language_for_article(site: Site, slug: str) -> list[dict[str, Any]]:
    hits = site.analyses[slug].terms
    rows = []
    for concept in site.edition.concepts:
        counts = Counter(h.term for h in hits if h.concept_id == concept.id)
        if counts:
            rows.append({"concept": concept, "terms": [(t.label, counts[t.label]) for t in concept.terms if counts[t.label]]})
    return rows


# ---------------------------------------------------------------------------------------------
# Glossary


class Spooled(NamedTuple):
    """Where a piece of an article's parts lies in the article cache (articlecache.ArticleCache.fetch)."""

    offset: int
    length: int


class ConcordanceGroup(NamedTuple):
    """One article's mentions of one entity, ready for the entity page."""

    entity_id: str
    count: int
    spellings: tuple[tuple[str, int], ...]
    html: Any
    """The entity page's section for this article (escaped HTML): its spellings and every mention in
    its sentence, in reading order. A Spooled range of the article's parts once out of the worker."""
    digest: int
    """A hash of the HTML (63 bits): what the entity page's inputs hash takes from it (see reuse)."""


def concordance_groups(article: Article, outlet_name: str, analysis: ArticleAnalysis) -> tuple[ConcordanceGroup, ...]:
    """One article's mentions of each entity, each in its sentence, as the entity page's section for it.
    Built per article, where its passages are at hand (in the workers), with one escaped f-string per
    row rather than in Jinja: an entity named thousands of times makes this the hottest loop of a build."""
    href = f"../articles/{escape(article.slug)}.html"
    rows: dict[str, list[str]] = {}
    spellings: dict[str, dict[str, int]] = {}
    passages = analysis.parsed.passages
    at = -1
    for mention in analysis.mentions:
        if mention.passage != at:  # mentions come passage by passage: each passage's parts once
            at = mention.passage
            passage = passages[at]
            text, ends = passage.text, sentence_ends(passage.text)
            # Most passages have nothing to escape; escaping three pieces of every row was a third of this loop.
            plain = not ("&" in text or "<" in text or ">" in text)
            paragraph = (f'<li><a class="para" href="{href}#{passage.id}" '
                         f'aria-label="Paragraph {passage.number}">¶{passage.number}</a> ')
        sentence, start, stop = sentence_around(text, mention.start, mention.end, ends)
        match, before, after = sentence[start:stop], sentence[:start].lstrip(), sentence[stop:]
        shown = match
        if not plain:
            before, shown, after = escape(before, quote=False), escape(match, quote=False), escape(after, quote=False)
        items = rows.get(mention.entity_id)
        if items is None:
            items = rows[mention.entity_id] = []
            spellings[mention.entity_id] = {}
        items.append(f'{paragraph}{before}<mark>{shown}</mark>{after}</li>\n')
        called = spellings[mention.entity_id]
        called[match] = called.get(match, 0) + 1
    head = (f'    <section class="concordance-group">\n      <h3><a href="{href}">{html_escape(article.title)}</a> '
            f'<span class="outlet">({html_escape(outlet_name)})</span></h3>\n      <p class="spellings">Calls it: ')
    groups = []
    for entity_id, items in rows.items():
        called = spellings[entity_id]
        # Most used first, ties in order of first use (Counter.most_common's order), without a Counter per group.
        counted = tuple(called.items()) if len(called) == 1 else tuple(sorted(called.items(), key=lambda kv: -kv[1]))
        names = ", ".join(f"“{html_escape(s)}”" + (f" ×{n}" if n > 1 else "") for s, n in counted)
        html = f'{head}{names}</p>\n      <ul class="concordance">\n{"".join(items)}      </ul>\n    </section>\n'
        digest = int.from_bytes(hashlib.blake2b(html.encode("utf-8"), digest_size=8).digest()) >> 1
        groups.append(ConcordanceGroup(entity_id, len(items), counted, html, digest))
    return tuple(groups)


class PackedGroups(NamedTuple):
    """One article's ConcordanceGroups as they leave the worker: flat, with the HTML moved into the
    article's parts, so that they pickle small and unpickle in microseconds (no record per group)."""

    entity_ids: tuple[str, ...]
    numbers: array[int]
    """Per group: offset of its HTML in the parts, length, mention count, digest, number of spellings."""
    spellings: tuple[str, ...]
    """Every group's spellings, one group after another."""
    spelling_counts: array[int]


def pack_groups(groups: Iterable[ConcordanceGroup], parts: bytearray) -> PackedGroups:
    """`groups` packed, their HTML appended to `parts`."""
    ids, numbers, spellings, counts = [], array("q"), [], array("q")
    for group in groups:
        html = group.html.encode("utf-8")
        ids.append(group.entity_id)
        numbers.extend((len(parts), len(html), group.count, group.digest, len(group.spellings)))
        parts += html
        for spelling, count in group.spellings:
            spellings.append(spelling)
            counts.append(count)
    return PackedGroups(tuple(ids), numbers, tuple(spellings), counts)


class Concordance:
    """entity id -> the articles that name it, in reading order, for the entity pages and the glossary.

    Filled as the articles' results arrive (add), and compact: one row of five integers per article
    and entity, spellings summed per entity. At 10,000 articles there are half a million such pairs,
    and a record object for each would be most of the parent's memory."""

    def __init__(self, site: Site):
        self.site = site
        self._rows: dict[str, array[int]] = {}
        """entity id -> per article naming it: article number, offset in the cache, length, count, digest."""
        self._spellings: dict[str, dict[str, int]] = {}

    def add(self, number: int, packed: PackedGroups, base: int) -> None:
        """Article `number`'s groups (added in reading order), their HTML at `base` in the cache."""
        rows, spellings, numbers, names, counts = self._rows, self._spellings, packed.numbers, packed.spellings, packed.spelling_counts
        at = 0
        for index, entity_id in enumerate(packed.entity_ids):
            offset, length, count, digest, many = numbers[index * 5:index * 5 + 5]
            row = rows.get(entity_id)
            if row is None:
                row = rows[entity_id] = array("q")
                spellings[entity_id] = {}
            row.extend((number, base + offset, length, count, digest))
            called = spellings[entity_id]
            for spelling, n in zip(names[at:at + many], counts[at:at + many]):
                called[spelling] = called.get(spelling, 0) + n
            at += many

    def get(self, entity_id: str, start: int = 0, stop: int | None = None) -> list[dict[str, Any]]:
        """The entity's groups (those from `start` to `stop`): article, outlet, count, html (Spooled).
        A page of the concordance asks for its own share only: building every group for each of an
        entity's pages made the pages cost as the square of the articles naming it."""
        rows = self._rows.get(entity_id, array("q"))[start * 5:None if stop is None else stop * 5]
        articles, outlet_of = self.site.edition.articles, self.site.edition.outlet_of
        return [{"article": articles[rows[i]], "outlet": outlet_of(articles[rows[i]]),
                 "html": Spooled(rows[i + 1], rows[i + 2]), "count": rows[i + 3]}
                for i in range(0, len(rows), 5)]

    def digests(self, entity_id: str) -> list[int]:
        """What the entity page's inputs hash takes from each article's section (see reuse)."""
        return list(self._rows.get(entity_id, array("q"))[4::5])

    def size(self, entity_id: str) -> int:
        """How many articles name the entity."""
        return len(self._rows.get(entity_id, ())) // 5

    def counts(self, entity_id: str) -> Iterable[tuple[int, int]]:
        """(article number, mentions) for each article naming the entity."""
        rows = self._rows.get(entity_id, array("q"))
        return zip(rows[0::5], rows[3::5])

    def spellings(self, entity_id: str) -> Counter[str]:
        """Every spelling of the entity in the edition, with its count."""
        return Counter(self._spellings.get(entity_id, {}))


def note_backlinks(site: Site) -> dict[str, list[dict[str, Any]]]:
    """entity id -> notes whose body links to it with [[id]]."""
    found: dict[str, list[dict[str, Any]]] = defaultdict(list)
    for article in site.edition.articles:
        for note in site.edition.notes_for(article.slug):
            anchor = site.analyses[article.slug].notes.get(note.id)
            if anchor is None:
                continue
            for entity_id in dict.fromkeys(m.group(1).strip() for m in ENTITY_REF.finditer(note.body)):
                found[entity_id].append({"article": article, "note": note, "kind_label": KIND_LABELS[note.kind],
                                         "quote": site.quote_text(article.slug, anchor)})
    return found


def entity_events(site: Site, entity: Entity) -> list[Event]:
    return [e for e in site.edition.events if entity.id in e.entity_ids]


def entity_claims(site: Site, entity: Entity) -> list[Claim]:
    """The claims whose account passage, in some article, names the entity."""
    return site.relations().claims_naming.get(entity.id, [])


def concordance_pages(site: Site, concordances: Concordance, entity: Entity) -> int:
    """How many pages the entity's concordance takes: its first page is the entity page."""
    return max(1, -(-concordances.size(entity.id) // site.edition.concordance_page_size))


def concordance_page_path(entity_id: str, page: int) -> str:
    """Page `page` (1-based) of an entity's concordance: the entity page itself, then `<id>.page-N.html`
    beside it (a dot never occurs in an id, so no entity's page can be taken)."""
    return f"glossary/{entity_id}.html" if page == 1 else f"glossary/{entity_id}.page-{page}.html"


def pager(entity_id: str, page: int, count: int) -> list[dict[str, Any]]:
    """The links between an entity's concordance pages, relative to glossary/ (see page_links)."""
    return page_links(lambda number: concordance_page_path(entity_id, number).removeprefix("glossary/"), page, count)


def page_links(href_of: Callable[[int], str], page: int, count: int) -> list[dict[str, Any]]:
    """The links between `count` pages, from page `page`: previous, the first, the last and the two
    either side of this one (gaps shown as an ellipsis), next. Empty for one page."""
    if count == 1:
        return []

    def item(number: int | None, label: str = "", rel: str = "") -> dict[str, Any]:
        return {"gap": number is None, "href": href_of(number) if number else "", "label": label or str(number),
                "rel": rel, "current": number == page and not rel}

    shown = sorted({1, count, *range(max(1, page - 2), min(count, page + 2) + 1)})
    items: list[dict[str, Any]] = [item(page - 1, "Previous", "prev")] if page > 1 else []
    for index, number in enumerate(shown):
        if index and number - shown[index - 1] > 1:
            items.append(item(None, "…"))
        items.append(item(number))
    if page < count:
        items.append(item(page + 1, "Next", "next"))
    return items


def list_page_path(name: str, page: int) -> str:
    """Page `page` (1-based) of a list of articles at the top of the site: `<name>.html`, then
    `<name>.page-N.html` beside it. Only these files have a dot in their stem there, and ids have none,
    so no two lists' pages can meet."""
    return f"{name}.html" if page == 1 else f"{name}.page-{page}.html"


def home_page_path(page: int) -> str:
    """Page `page` of the home page's list of articles (index.html, index.page-N.html)."""
    return list_page_path("index", page)


def about_page_path(page: int) -> str:
    """Page `page` of the articles' provenance in About (about.html, about.page-N.html)."""
    return list_page_path("about", page)


def articles_from_path(outlet_id: str, page: int) -> str:
    """Page `page` of the list of an outlet's articles, when its card in sources.html cannot list them
    all: `articles-from.<outlet id>.html`, then `articles-from.<outlet id>.page-N.html`."""
    return list_page_path(f"articles-from.{outlet_id}", page)


def articles_by_path(author_id: str, page: int) -> str:
    """The same for an author: `articles-by.<author id>.html` and on."""
    return list_page_path(f"articles-by.{author_id}", page)


@dataclass(frozen=True, slots=True)
class ListPage:
    """One page of a list of the articles split into pages of edition.home_page_size."""

    number: int
    count: int
    """How many pages the list takes."""
    start: int
    """Index of the page's first article."""
    stop: int
    total: int
    """How many articles the whole list has."""

    @property
    def shown_range(self) -> str:
        """"3 to 4", or "5" for a page of one."""
        first, last = self.start + 1, self.stop
        return f"{first:,}" if first == last else f"{first:,} to {last:,}"

    @property
    def which(self) -> str:
        """"articles 3 to 4 of 5", "article 5 of 5"."""
        return f"{'article' if self.stop - self.start == 1 else 'articles'} {self.shown_range} of {self.total:,}"


def list_pages(total: int, size: int) -> list[ListPage]:
    """The pages of a list of `total` articles, `size` to a page (one page, perhaps empty, at least)."""
    count = max(1, -(-total // size))
    return [ListPage(page, count, (page - 1) * size, min(total, page * size), total) for page in range(1, count + 1)]


def page_range(site: Site, page: int) -> tuple[int, int]:
    """Which of an entity's article sections page `page` of its concordance shows: [start, stop)."""
    size = site.edition.concordance_page_size
    return (page - 1) * size, page * size


def concordance_slice(site: Site, shown: list[dict[str, Any]], page: int, read: Callable[[Any], bytes]) -> dict[str, Any]:
    """What page `page` of an entity's concordance shows: `shown`, its share of the article sections
    (from the Concordance), as HTML read from the cache, and which articles those are."""
    first = page_range(site, page)[0] + 1
    last = first + len(shown) - 1
    return {"concordance_html": Markup(b"".join(read(g["html"]) for g in shown).decode("utf-8")),
            "first_shown": first, "last_shown": last,
            "shown_label": f"article {first}" if first == last else f"articles {first} to {last}"}


def entity_view(site: Site, entity: Entity, mentions: list[dict[str, Any]], spellings: Counter[str],
                backlinks: list[dict[str, Any]], read: Callable[[Any], bytes], pages: int = 1) -> dict[str, Any]:
    """`mentions` and `spellings` come from the Concordance; `read` fetches a section's HTML from the cache.
    The page shows the first of the concordance's `pages`; the others are concordance pages of their own."""
    events = entity_events(site, entity)
    claims = entity_claims(site, entity)
    return {**concordance_slice(site, mentions[slice(*page_range(site, 1))], 1, read), "pager": pager(entity.id, 1, pages), "page_count": pages,
        "entity": entity,
        "type_label": TYPE_LABELS[entity.type].rstrip("s") if entity.type != "other" else "Other",
        "description": Markup(site.rich.block(entity.description, "../")),
        "spellings": sorted(spellings.items(), key=lambda item: (-item[1], item[0])),
        "unused_names": [n for n in entity.names if n not in spellings],
        "mentions": mentions,
        "mention_total": sum(g["count"] for g in mentions),
        "notes": backlinks,
        "events": [{"event": e, "dates": event_dates(e)} for e in events],
        "claims": claims,
    }


MATRIX_MAX_ARTICLES = 12
"""Up to this many articles, the glossary, language and claims tables have a column per article; beyond
it, a column per outlet (glossary, language) or only the articles that speak (claims): a table with
thousands of columns helps no reader, and its size would grow with articles × entries."""


def is_wide(site: Site) -> bool:
    return len(site.edition.articles) <= MATRIX_MAX_ARTICLES


def matrix_columns(site: Site, root: str) -> list[dict[str, str]]:
    """The columns of the count tables: one per article in a small edition, else one per outlet."""
    if is_wide(site):
        return [{"key": a.slug, "label": str(n), "title": a.title, "href": f"{root}articles/{a.slug}.html"}
                for n, a in enumerate(site.edition.articles, start=1)]
    return [{"key": o.id, "label": o.name, "title": o.name, "href": f"{root}sources.html#{o.id}"}
            for o in sorted(site.edition.outlets.values(), key=name_order)]


def glossary_page_path(page: int) -> str:
    """Page `page` (1-based) of the glossary's index: `glossary/index.html`, then `index.page-N.html`
    beside it (ids have no dot, so no entity's page can be taken)."""
    return "glossary/index.html" if page == 1 else f"glossary/index.page-{page}.html"


def glossary_pages(site: Site, concordances: Concordance) -> list[dict[str, Any]]:
    """The glossary's index, one context per page: every entity in name order, edition.glossary_page_size
    to a page, each page's entries in a table per type and an A–Z list. The A–Z at the top of every page
    reaches every initial, on whichever page its first entry is. At 30,000 entities one page was 22 MB."""
    columns = matrix_columns(site, "../")
    everyone = sorted(site.edition.entities.values(), key=name_order)
    pages = list_pages(len(everyone), site.edition.glossary_page_size)
    local = lambda number: glossary_page_path(number).removeprefix("glossary/")  # noqa: E731 - hrefs within glossary/
    # Only the initials and where each begins: every page's context is hashed (render.reused), and
    # with each initial's entities in it that grew with pages × entities (15 s at 30,000 entities).
    starts, position = [], 0
    for group in az_groups(everyone):
        starts.append((group["label"], group["anchor"], 1 + position // site.edition.glossary_page_size))
        position += len(group["entities"])
    out = []
    for page in pages:
        shown = everyone[page.start:page.stop]
        out.append({"groups": _glossary_tables(site, concordances, shown, columns), "columns": columns,
                    "wide": is_wide(site), "article_count": len(site.edition.articles),
                    "az": [{"label": label, "href": ("" if number == page.number else local(number)) + "#" + anchor}
                           for label, anchor, number in starts],
                    "az_here": az_groups(shown), "page_count": page.count, "entity_count": f"{len(everyone):,}",
                    "shown_range": page.shown_range, "first_name": shown[0].name if shown else "",
                    "last_name": shown[-1].name if shown else "", "pager": page_links(local, page.number, page.count)})
    return out


def _glossary_tables(site: Site, concordances: Concordance, shown: list[Entity],
                     columns: list[dict[str, str]]) -> list[dict[str, Any]]:
    """`shown`'s rows of the glossary's tables, a table per type: each entity's mentions per column."""
    wide, articles = is_wide(site), site.edition.articles
    tables = []
    for entity_type, label in TYPE_LABELS.items():
        rows = []
        for entity in (e for e in shown if e.type == entity_type):
            per_column: Counter[str] = Counter()
            for number, count in concordances.counts(entity.id):
                per_column[articles[number].slug if wide else articles[number].outlet_id] += count
            rows.append({"entity": entity, "summary": site.entity_summary(entity),
                         "counts": [per_column.get(c["key"], 0) for c in columns], "total": sum(per_column.values())})
        if rows:
            tables.append({"type": entity_type, "label": label, "rows": rows})
    return tables


def az_groups(entities: Iterable[Entity]) -> list[dict[str, Any]]:
    """The A–Z list: every entity in name order, under its initial; names that begin with a number
    ("107 mm rocket", "45th Brigade") together under one heading, 0–9, first."""
    groups: list[dict[str, Any]] = []
    for entity in sorted(entities, key=name_order):
        initial = entity.name[0].upper()
        label, anchor = ("0–9", "az-0-9") if initial.isdigit() else (initial, f"az-{initial}")
        if not groups or groups[-1]["anchor"] != anchor:
            groups.append({"label": label, "anchor": anchor, "entities": []})
        groups[-1]["entities"].append(entity)
    return groups


# ---------------------------------------------------------------------------------------------
# The cross-source pages


def _articles_by(articles: Iterable[Article], key: Callable[[Article], str | None]) -> dict[str | None, list[Article]]:
    """The articles grouped by `key`, each group in reading order: one pass, where a scan of every
    article per outlet or author grows with both (an archive's authors grow with its articles)."""
    groups: dict[str | None, list[Article]] = {}
    for article in articles:
        groups.setdefault(key(article), []).append(article)
    return groups


@dataclass(frozen=True, slots=True)
class SourceList:
    """The articles of one outlet or author, in reading order, as its card in sources.html shows them
    and, when the card cannot list them all, as the list of its own that the card links to."""

    name: str
    """Of the list, as its pages' titles give it: "Articles from Outlet 18", "Articles by Ed Sykes"."""
    card: str
    """The card's address in sources.html."""
    articles: list[Article]
    path: Callable[[int], str]
    """Where each page of its own list goes (articles_from_path, articles_by_path)."""

    def card_view(self, size: int) -> dict[str, Any]:
        """What the card lists: every article, or the first `size` and a link to the whole list."""
        if len(self.articles) <= size:
            return {"articles": self.articles, "article_total": len(self.articles), "all_href": None}
        return {"articles": self.articles[:size], "article_total": len(self.articles), "all_href": self.path(1)}


def _outlet_lists(site: Site) -> list[tuple[Outlet, SourceList]]:
    by_outlet = _articles_by(site.edition.articles, lambda a: a.outlet_id)
    return [(outlet, SourceList(f"Articles from {outlet.name}", f"sources.html#{outlet.id}", by_outlet.get(outlet.id, []),
                                partial(articles_from_path, outlet.id)))
            for outlet in sorted(site.edition.outlets.values(), key=name_order)]


def _author_lists(site: Site) -> list[tuple[Author, SourceList]]:
    by_author = _articles_by(site.edition.articles, lambda a: a.author_id)
    return [(author, SourceList(f"Articles by {author.name}", f"sources.html#author-{author.id}",
                                by_author.get(author.id, []), partial(articles_by_path, author.id)))
            for author in sorted(site.edition.authors.values(), key=name_order)]


def sources_view(site: Site) -> list[dict[str, Any]]:
    size = site.edition.source_card_size
    return [{"outlet": outlet, **listed.card_view(size),
             "notes": Markup(site.rich.block(outlet.notes, "")) if outlet.notes else None}
            for outlet, listed in _outlet_lists(site)]


def authors_view(site: Site) -> list[dict[str, Any]]:
    size = site.edition.source_card_size
    return [{"author": author, "bio": Markup(site.rich.block(author.bio, "")) if author.bio else None,
             **listed.card_view(size)}
            for author, listed in _author_lists(site)]


def source_lists(site: Site) -> list[SourceList]:
    """The outlets' and authors' lists that their cards cannot show whole, in the cards' order."""
    return [listed for _, listed in (*_outlet_lists(site), *_author_lists(site))
            if len(listed.articles) > site.edition.source_card_size]


def claims_view(site: Site) -> list[dict[str, Any]]:
    """Each claim with a cell per article (small editions) or per account (large ones: the silent are counted)."""
    wide = is_wide(site)
    articles = site.edition.articles
    # Where each article is in reading order, so a claim's accounts are put in that order by their own
    # number, not by a scan of every article per claim (claims grow with articles).
    position = {article.slug: number for number, article in enumerate(articles)}
    rows = []
    for claim in site.edition.claims:
        accounts = {a.article_slug: a for a in claim.accounts}
        cells = []
        shown = articles if wide else [articles[n] for n in sorted(position[s] for s in accounts if s in position)]
        for article in shown:
            account = accounts.get(article.slug)
            anchor = site.analyses[article.slug].claims.get(claim.id) if account else None
            cells.append({"article": article, "outlet": site.edition.outlet_of(article), "account": account,
                          "quote": site.quote_text(article.slug, anchor) if anchor else None,
                          "href": f"articles/{article.slug}.html#c-{claim.id}" if anchor else None})
        rows.append({"claim": claim, "cells": cells, "finding": Markup(site.rich.block(claim.finding, "")),
                     "addressed": sum(1 for c in cells if c["href"]),
                     "silent": len(articles) - sum(1 for c in cells if c["account"])})
    return rows


def timeline_view(site: Site) -> list[dict[str, Any]]:
    mentions: dict[str, list[dict[str, Any]]] = defaultdict(list)
    for article in site.edition.articles:
        for event_id, anchor in site.analyses[article.slug].events:
            mentions[event_id].append({"article": article, "outlet": site.edition.outlet_of(article),
                                       "quote": site.quote_text(article.slug, anchor),
                                       "href": site.passage_url(article.slug, anchor.passage, "")})
    return [{"event": event, "dates": event_dates(event), "month": MONTHS[event.date.month - 1] + f" {event.date.year}",
             "description": Markup(site.rich.block(event.description, "")),
             "entities": [site.edition.entities[e] for e in event.entity_ids if e in site.edition.entities],
             "mentions": mentions.get(event.id, [])} for event in site.edition.events]


def language_view(site: Site) -> list[dict[str, Any]]:
    """Each concept's terms counted per column (article or outlet, see matrix_columns), in one pass over the hits."""
    wide = is_wide(site)
    columns = matrix_columns(site, "")
    hits: dict[tuple[str, str], dict[str, list[tuple[str, int]]]] = defaultdict(lambda: defaultdict(list))
    for article in site.edition.articles:
        for hit in site.analyses[article.slug].terms:
            hits[hit.concept_id, hit.term][article.slug if wide else article.outlet_id].append((article.slug, hit.passage))
    concepts = []
    for concept in site.edition.concepts:
        terms = []
        for term in concept.terms:
            by_column = hits.get((concept.id, term.label), {})
            cells = []
            for column in columns:
                found = by_column.get(column["key"], [])
                links = [{"href": site.passage_url(slug, p, ""), "number": site.passage_number(slug, p)}
                         for slug, p in dict.fromkeys(found)] if wide else []
                cells.append({"column": column, "count": len(found), "links": links})
            terms.append({"term": term, "cells": cells, "total": sum(c["count"] for c in cells)})
        concepts.append({"concept": concept, "terms": terms, "columns": columns, "wide": wide,
                         "description": Markup(site.rich.block(concept.description, "")) if concept.description else None})
    return concepts
