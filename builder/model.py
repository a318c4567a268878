"""Stage 2: the typed model of an edition, and build_edition(), which checks fields and references.

Pure: no file I/O, no Markdown, no templates. Every record that comes from a file carries its
SourceLocation, so later stages can report problems where the editor wrote them.
"""
from __future__ import annotations

import hashlib
import pickle
from dataclasses import dataclass, field
from datetime import date
from typing import TYPE_CHECKING, Any, Iterable, Mapping

from . import schema
from .diagnostics import Diagnostic, Diagnostics, SourceLocation, did_you_mean, pickled_as_call
from .load import RawArticle, RawContent, RawDocument, display_path, read_article, read_yaml_file
from .parallel import imap_indices, paused_gc
from .yamlsource import LList, LMap

if TYPE_CHECKING:  # only named in annotations (loadmemo's imports lead back here)
    from .articlecache import Entry
    from .loadmemo import LoadMemo


@pickled_as_call
@dataclass(frozen=True, slots=True)
class Citation:
    """A source cited by a note, claim, event or source card."""

    title: str
    url: str
    publisher: str | None = None
    date: str | None = None


@pickled_as_call
@dataclass(frozen=True, slots=True)
class Selector:
    """W3C Web Annotation TextQuoteSelector: the exact words, with optional context to pick one occurrence."""

    exact: str
    prefix: str = ""
    suffix: str = ""
    loc: SourceLocation = field(default=SourceLocation("?"), compare=False)
    """Location of the `quote` value, where not-found and ambiguity errors point."""


@pickled_as_call
@dataclass(frozen=True, slots=True)
class Omission:
    """Text removed from an article's body, listed for transparency."""

    text: str
    """The exact text removed."""
    reason: str
    """Why it is not part of the article."""


@pickled_as_call
@dataclass(frozen=True, slots=True)
class Article:
    """One article: front matter fields and the Markdown body as written."""

    slug: str
    title: str
    outlet_id: str
    author_id: str | None
    published: date
    genre: str
    url: str | None
    archive_url: str | None
    seed: str | None
    date_estimated: bool
    title_supplied: bool
    omitted: tuple[Omission, ...]
    body: str
    """Markdown, exactly as in the file below the front matter."""
    body_line: int
    """1-based line of the body's first line in its file (for locations inside the body)."""
    path: str
    loc: SourceLocation


@pickled_as_call
@dataclass(frozen=True, slots=True)
class Rating:
    """An independent assessment of an outlet, attributed to its rater."""

    rater: str
    rating: str
    scale: str | None
    date: str
    url: str
    note: str | None


@pickled_as_call
@dataclass(frozen=True, slots=True)
class Outlet:
    """A publisher: who speaks, how it is funded, how others assess it."""

    id: str
    name: str
    type: str | None
    country: str | None
    ownership: str | None
    funding: str | None
    url: str | None
    ratings: tuple[Rating, ...]
    notes: str | None
    sources: tuple[Citation, ...]
    loc: SourceLocation


@pickled_as_call
@dataclass(frozen=True, slots=True)
class Author:
    """A named author."""

    id: str
    name: str
    affiliation: str | None
    bio: str | None
    links: tuple[Citation, ...]
    loc: SourceLocation


@pickled_as_call
@dataclass(frozen=True, slots=True)
class Note:
    """An editor's note anchored to quoted words of one article."""

    id: str
    article_slug: str
    kind: str
    """note | context | factcheck | framing."""
    framing_type: str | None
    selector: Selector
    body: str
    """Markdown; may contain [[entity-id]] links and links to other articles."""
    body_loc: SourceLocation
    sources: tuple[Citation, ...]
    loc: SourceLocation
    explicit_id: bool
    """False when the id was derived from the quote (stable under reordering)."""
    verdict: str | None = None
    """A factcheck note's short verdict ("Incorrect"): shown, and published as a ClaimReview."""


@pickled_as_call
@dataclass(frozen=True, slots=True)
class Entity:
    """A person, organisation, place, weapon or event, with every spelling that names it."""

    id: str
    name: str
    type: str
    description: str
    aliases: tuple[str, ...]
    wikidata: str | None
    links: tuple[Citation, ...]
    role: str | None
    dates: str | None
    loc: SourceLocation
    alias_locs: tuple[SourceLocation, ...]

    @property
    def names(self) -> tuple[str, ...]:
        """The name first, then every alias, without repeats."""
        return tuple(dict.fromkeys((self.name, *self.aliases)))

    @property
    def other_names(self) -> tuple[str, ...]:
        """Every alias but the name itself (the glossary's "also …"; editors list the name among the
        aliases too when the texts use it)."""
        return self.names[1:]


@pickled_as_call
@dataclass(frozen=True, slots=True)
class MentionOverride:
    """An editor's decision for one spelling in one article: which entity it names, or none."""

    article_slug: str
    text: str
    prefix: str
    suffix: str
    entity_id: str | None
    loc: SourceLocation


@pickled_as_call
@dataclass(frozen=True, slots=True)
class Account:
    """What one article says on a contested claim, anchored to its words."""

    article_slug: str
    selector: Selector
    summary: str
    loc: SourceLocation


@pickled_as_call
@dataclass(frozen=True, slots=True)
class Claim:
    """A question on which the accounts differ, with each account and what is now known."""

    id: str
    question: str
    accounts: tuple[Account, ...]
    finding: str
    sources: tuple[Citation, ...]
    loc: SourceLocation


@pickled_as_call
@dataclass(frozen=True, slots=True)
class EventMention:
    """A passage of an article that discusses a timeline event."""

    article_slug: str
    selector: Selector
    loc: SourceLocation


@pickled_as_call
@dataclass(frozen=True, slots=True)
class Event:
    """A dated event on the timeline."""

    id: str
    date: date
    end_date: date | None
    title: str
    description: str
    entity_ids: tuple[str, ...]
    mentions: tuple[EventMention, ...]
    sources: tuple[Citation, ...]
    loc: SourceLocation


@pickled_as_call
@dataclass(frozen=True, slots=True)
class Term:
    """One of the competing words for a concept, with the forms counted in the texts."""

    label: str
    forms: tuple[str, ...]
    note: str | None


@pickled_as_call
@dataclass(frozen=True, slots=True)
class Concept:
    """A thing the sources name differently (e.g. the 3 January strike)."""

    id: str
    label: str
    description: str | None
    terms: tuple[Term, ...]
    loc: SourceLocation


@pickled_as_call
@dataclass(frozen=True, slots=True)
class Edition:
    """The whole edition, checked: the registry every later stage queries."""

    title: str
    subtitle: str | None
    description: str
    language: str
    base_url: str
    method: str | None
    license: str | None
    articles: tuple[Article, ...]
    """In reading order: by publication date, then slug."""
    outlets: Mapping[str, Outlet]
    authors: Mapping[str, Author]
    notes: Mapping[str, tuple[Note, ...]]
    entities: Mapping[str, Entity]
    overrides: tuple[MentionOverride, ...]
    claims: tuple[Claim, ...]
    events: tuple[Event, ...]
    """In date order."""
    concepts: tuple[Concept, ...]
    concordance_page_size: int = 100
    """Articles per page of an entity's concordance (edition.yaml: concordance_page_size): an entity
    named in thousands of articles gets a page that a phone can open, and numbered pages after it."""
    home_page_size: int = 100
    """Articles listed on each page of the home page's list and of About's provenance list (edition.yaml:
    home_page_size): at 10,000 articles one page of them all was 3.9 MB, and About 5.8 MB."""
    glossary_page_size: int = 500
    """Entities on each page of the glossary's index (edition.yaml: glossary_page_size), in name order:
    past it the index goes on in glossary/index.page-N.html (at 30,000 entities one page was 22 MB)."""
    source_card_size: int = 10
    """Articles an outlet's or an author's card in sources.html lists (edition.yaml: source_card_size);
    past it the card links to a list of its own (views.articles_from_path): at 10,000 articles, cards
    listing all of them made sources.html 1.2 MB."""

    def article(self, slug: str) -> Article:
        return next(a for a in self.articles if a.slug == slug)

    def notes_for(self, slug: str) -> tuple[Note, ...]:
        return self.notes.get(slug, ())

    def outlet_of(self, article: Article) -> Outlet:
        return self.outlets[article.outlet_id]

    def author_of(self, article: Article) -> Author | None:
        return self.authors.get(article.author_id) if article.author_id else None


# ---------------------------------------------------------------------------------------------
# Building the model from raw content


def _str(value: Any) -> str | None:
    return None if value is None else str(value)


def _date(data: LMap, key: str, diags: Diagnostics) -> date | None:
    raw = data.get(key)
    if raw is None:
        return None
    try:
        return date.fromisoformat(str(raw))
    except ValueError:
        diags.error("bad-date", f"'{key}' is not a real date: {raw!r} (write YYYY-MM-DD)", data.value_loc(key))
        return None


def _citations(items: Any, diags: Diagnostics | None = None) -> tuple[Citation, ...]:
    """Citations; with `diags`, their dates are checked to be real days."""
    if diags is not None:
        for item in items or ():
            if isinstance(item, LMap):
                _date(item, "date", diags)
    return tuple(Citation(str(c["title"]), str(c["url"]), _str(c.get("publisher")), _str(c.get("date")))
                 for c in items or ())


def _selector(data: LMap) -> Selector:
    return Selector(" ".join(str(data["quote"]).split()), str(data.get("prefix") or ""),
                    str(data.get("suffix") or ""), data.value_loc("quote"))


def _valid(name: str, document: RawDocument | None, diags: Diagnostics) -> LMap | None:
    """The document's data with every invalid list item dropped (its problems reported), or None.

    Validating item by item means one broken note does not hide the problems of the others.
    """
    if document is None:
        return None
    if document.data is None:
        if not diags.has_errors_in(document.path):
            diags.error("empty-file", f"file is empty; it should hold the {name} (see builder/schemas/{name}.schema.json)",
                        document.loc)
        return None
    if schema.validate(name, document.data, document.path, diags):
        return document.data
    return schema.valid_part(name, document.data)


def _unique(items: Iterable[tuple[str, SourceLocation]], what: str, diags: Diagnostics) -> None:
    first: dict[str, SourceLocation] = {}
    for key, loc in items:
        if key in first:
            diags.error("duplicate-id", f"duplicate {what} '{key}' (first defined at {first[key]})", loc)
        else:
            first[key] = loc


def _ref(value: str, known: Iterable[str], what: str, loc: SourceLocation, diags: Diagnostics) -> bool:
    if value in (known if isinstance(known, (set, dict)) else set(known)):
        return True
    diags.error(f"unknown-{what}", f"unknown {what} '{value}'", loc, did_you_mean(value, list(known)))
    return False


def derive_note_id(selector: Selector, kind: str) -> str:
    """A note id that depends only on what it anchors to, so adding or moving notes never changes it."""
    digest = hashlib.sha1(f"{kind}\x1f{selector.exact}\x1f{selector.prefix}\x1f{selector.suffix}".encode()).hexdigest()
    return f"n-{digest[:8]}"


def build_outlets_and_authors(doc: LMap | None, diags: Diagnostics) -> tuple[dict[str, Outlet], dict[str, Author]]:
    outlets: dict[str, Outlet] = {}
    authors: dict[str, Author] = {}
    if doc is None:
        return outlets, authors
    raw_outlets, raw_authors = doc.get("outlets") or LList(doc.loc), doc.get("authors") or LList(doc.loc)
    _unique(((o["id"], o.value_loc("id")) for o in raw_outlets), "outlet", diags)
    _unique(((a["id"], a.value_loc("id")) for a in raw_authors), "author", diags)
    for item in raw_outlets:
        ratings = tuple(Rating(str(r["rater"]), str(r["rating"]), _str(r.get("scale")), str(r["date"]), str(r["url"]),
                               _str(r.get("note"))) for r in item.get("ratings") or ())
        for r in item.get("ratings") or ():
            _date(r, "date", diags)
        outlets.setdefault(item["id"], Outlet(
            item["id"], item["name"], _str(item.get("type")), _str(item.get("country")), _str(item.get("ownership")),
            _str(item.get("funding")), _str(item.get("url")), ratings, _str(item.get("notes")),
            _citations(item.get("sources"), diags), item.loc))
    for item in raw_authors:
        authors.setdefault(item["id"], Author(item["id"], item["name"], _str(item.get("affiliation")),
                                              _str(item.get("bio")), _citations(item.get("links")), item.loc))
    return outlets, authors


def build_article(raw: RawArticle, outlets: Mapping[str, Outlet] | None, authors: Mapping[str, Author],
                  diags: Diagnostics) -> Article | None:
    """The checked article, or None. `outlets` is None when sources.yaml is unusable (already reported)."""
    meta = raw.meta
    if meta is None:
        if not diags.has_errors_in(raw.path):
            diags.error("missing-field", "front matter is empty; it needs title, outlet, published and genre", raw.loc)
        return None
    if not isinstance(meta, LMap):
        schema.validate("article", meta, raw.path, diags)
        return None
    valid = schema.validate("article", meta, raw.path, diags)
    published = _date(meta, "published", diags) if isinstance(meta.get("published"), str) else None
    ok = outlets is not None
    if outlets is not None and isinstance(meta.get("outlet"), str):
        ok = _ref(meta["outlet"], outlets, "outlet", meta.value_loc("outlet"), diags)
        if isinstance(meta.get("author"), str):
            ok = _ref(meta["author"], authors, "author", meta.value_loc("author"), diags) and ok
    if not valid or published is None or not ok:
        return None
    if not raw.body.strip():
        diags.error("empty-article", "article has no text below its front matter", raw.loc)
        return None
    omitted = tuple(Omission(str(o["text"]), str(o["reason"])) for o in meta.get("omitted") or ())
    return Article(raw.slug, meta["title"], meta["outlet"], _str(meta.get("author")), published, meta["genre"],
                   _str(meta.get("url")), _str(meta.get("archive_url")), _str(meta.get("seed")),
                   bool(meta.get("date_estimated")), bool(meta.get("title_supplied")), omitted,
                   raw.body, raw.body_line, raw.path, raw.loc)


def _check_note_rules(item: LMap, diags: Diagnostics) -> None:
    """Rules across fields, checked on every note, valid or not, so all problems show at once."""
    kind = item.get("kind")
    if kind == "factcheck" and not item.get("sources"):
        diags.error("factcheck-without-sources", "a factcheck note needs 'sources' (a list of {title, url})",
                    item.key_loc("kind"))
    if item.get("verdict") and kind != "factcheck":
        diags.error("verdict-misplaced", f"'verdict' belongs to factcheck notes, not {kind} notes", item.key_loc("verdict"))
    if item.get("framing_type") and kind in ("note", "context", "factcheck"):
        diags.error("framing-type-misplaced", f"'framing_type' belongs to framing notes, not {kind} notes",
                    item.key_loc("framing_type"))


def build_notes(slug: str, document: RawDocument, diags: Diagnostics) -> tuple[Note, ...]:
    data = _valid("annotations", document, diags)
    raw_items = document.data.get("notes") if isinstance(document.data, LMap) else None
    if isinstance(raw_items, LList):
        for item in raw_items:
            if isinstance(item, LMap):
                _check_note_rules(item, diags)
        _unique(((str(i["id"]), i.value_loc("id")) for i in raw_items if isinstance(i, LMap) and "id" in i),
                "note id", diags)
    if data is None:
        return ()
    notes = []
    for item in data["notes"]:
        selector = _selector(item)
        note_id = item.get("id") or derive_note_id(selector, item["kind"])
        notes.append(Note(note_id, slug, item["kind"], _str(item.get("framing_type")), selector, item["body"],
                          item.value_loc("body"), _citations(item.get("sources"), diags), item.loc, "id" in item,
                          _str(item.get("verdict"))))
    explicit = {n.id for n in notes if n.explicit_id}
    derived = [n for n in notes if not n.explicit_id]
    _unique(((n.id, n.loc) for n in derived), "note id (derived from the same quote and kind; give one an 'id')", diags)
    for note in derived:
        if note.id in explicit:
            diags.error("duplicate-id", f"note id '{note.id}' is given explicitly to another note and derived for this one",
                        note.loc, ("hint: give this note an 'id' of its own",))
    return tuple(notes)


def build_entities(doc: LMap | None, diags: Diagnostics) -> tuple[dict[str, Entity], tuple[MentionOverride, ...]]:
    if doc is None:
        return {}, ()
    raw = doc["entities"]
    _unique(((e["id"], e.value_loc("id")) for e in raw), "entity", diags)
    entities: dict[str, Entity] = {}
    for item in raw:
        aliases = item.get("aliases") or LList(item.loc)
        entities.setdefault(item["id"], Entity(
            item["id"], item["name"], item["type"], item["description"],
            tuple(str(a) for a in aliases), _str(item.get("wikidata")), _citations(item.get("links")),
            _str(item.get("role")), _str(item.get("dates")), item.loc, tuple(aliases.item_locs)))
    overrides = []
    for item in doc.get("overrides") or ():
        entity_id = item.get("entity")
        if entity_id is not None:
            _ref(entity_id, entities, "entity", item.value_loc("entity"), diags)
        overrides.append(MentionOverride(item["article"], str(item["text"]), str(item.get("prefix") or ""),
                                         str(item.get("suffix") or ""), entity_id, item.loc))
    return entities, tuple(overrides)


def build_claims(doc: LMap | None, diags: Diagnostics) -> tuple[Claim, ...]:
    if doc is None:
        return ()
    _unique(((c["id"], c.value_loc("id")) for c in doc["claims"]), "claim", diags)
    claims = []
    for item in doc["claims"]:
        accounts = tuple(Account(a["article"], _selector(a), a["summary"], a.loc) for a in item["accounts"])
        _unique(((a.article_slug, a.loc) for a in accounts), "account of article", diags)
        claims.append(Claim(item["id"], item["question"], accounts, item["finding"], _citations(item["sources"], diags),
                            item.loc))
    return tuple(claims)


def build_events(doc: LMap | None, entities: Mapping[str, Entity] | None, diags: Diagnostics) -> tuple[Event, ...]:
    """Events in date order. `entities` is None when the glossary failed to load (ids are not checked then)."""
    if doc is None:
        return ()
    _unique(((e["id"], e.value_loc("id")) for e in doc["events"]), "event", diags)
    events = []
    for item in doc["events"]:
        start, end = _date(item, "date", diags), _date(item, "end_date", diags)
        listed = item.get("entities") or LList(item.loc)
        for entity_id, loc in zip(listed, listed.item_locs) if entities is not None else ():
            _ref(entity_id, entities, "entity", loc, diags)
        if start is None:
            continue
        if end is not None and end < start:
            diags.error("bad-date", f"'end_date' {end} is before 'date' {start}", item.value_loc("end_date"))
        mentions = tuple(EventMention(m["article"], _selector(m), m.loc) for m in item.get("mentions") or ())
        events.append(Event(item["id"], start, end, item["title"], item["description"],
                            tuple(item.get("entities") or ()), mentions, _citations(item.get("sources"), diags), item.loc))
    return tuple(sorted(events, key=lambda e: (e.date, e.end_date or e.date, e.id)))


def build_concepts(doc: LMap | None, diags: Diagnostics) -> tuple[Concept, ...]:
    if doc is None:
        return ()
    _unique(((c["id"], c.value_loc("id")) for c in doc["concepts"]), "concept", diags)
    return tuple(Concept(c["id"], c["label"], _str(c.get("description")),
                         tuple(Term(t["label"], tuple(str(f) for f in t["forms"]), _str(t.get("note"))) for t in c["terms"]),
                         c.loc) for c in doc["concepts"])


def check_references(edition: Edition, raw: RawContent, diags: Diagnostics) -> None:
    """Ids that point across files: annotations, accounts, mentions and entities must name real things."""
    known_slugs = list(dict.fromkeys([*(a.slug for a in edition.articles), *raw.article_slugs]))
    known = set(known_slugs)  # membership per file; the list only for suggestions
    for slug, path in raw.annotation_files:
        if slug is not None and slug not in known:
            diags.error("unknown-article", f"annotations file for an article that does not exist: '{slug}'",
                        SourceLocation(display_path(path)), did_you_mean(slug, known_slugs) or (f"hint: articles are {', '.join(known_slugs)}",))
    slugs = dict.fromkeys(known_slugs)  # ordered (for suggestions) with fast membership
    for claim in edition.claims:
        for account in claim.accounts:
            _ref(account.article_slug, slugs, "article", account.loc, diags)
    for event in edition.events:
        for mention in event.mentions:
            _ref(mention.article_slug, slugs, "article", mention.loc, diags)
    for override in edition.overrides:
        _ref(override.article_slug, slugs, "article", override.loc, diags)


@dataclass(frozen=True, slots=True)
class ReadFiles:
    """What read_files built: the per-file part of the model."""

    articles: list[Article]
    notes: dict[str, tuple[Note, ...]]
    """By article slug."""
    any_article: bool
    """Whether any article file could be read."""
    entities: dict[str, Entity]
    overrides: tuple[MentionOverride, ...]


def read_files(raw: RawContent, outlets: Mapping[str, Outlet] | None, authors: Mapping[str, Author],
               diags: Diagnostics, memo: LoadMemo | None = None) -> ReadFiles:
    """The glossary and every article and annotations file, read and built into the model on every core:
    only the model comes back to this process, never a file's text or YAML tree, so nothing of them is
    left behind in its heap. With a `memo`, unchanged files' models come from the last build instead."""
    articles_files, content = raw.article_files, raw.root.resolve()
    # The glossary first: one worker parses it (a large one takes seconds) while the other begins on the
    # articles; last, it would be parsed alone at the end, with the other core idle.
    glossary = (raw.glossary_file,) if raw.glossary_file is not None else ()
    paths = [*glossary, *articles_files, *(path for _, path in raw.annotation_files)]
    first_article, first_notes = len(glossary), len(glossary) + len(articles_files)

    def one(index: int) -> tuple[Any, tuple[Diagnostic, ...], tuple[Diagnostic, ...], str | None]:
        """(what the file holds, or None; problems reading it; problems in what it says; its slug if read)."""
        local = Diagnostics()  # one for both steps: building looks at what reading found
        slug = None
        if index < first_article:
            document = read_yaml_file(paths[index], content, local)
            read = len(local.items)
            built: Any = build_entities(_valid("glossary", document, local), local)
        elif index < first_notes:
            found = read_article(paths[index], content, local)
            read = len(local.items)
            built = build_article(found, outlets, authors, local) if found else None
            slug = found.slug if found else None
        else:
            slug = raw.annotation_files[index - first_notes][0]
            document = read_yaml_file(paths[index], content, local)
            read = len(local.items)
            built = build_notes(slug, document, local) if slug is not None else ()
        return built, tuple(local.items[:read]), tuple(local.items[read:]), slug

    keys = [memo.key(path) for path in paths] if memo else [None] * len(paths)
    # Which files the memo has, but not yet their models: each is read only as it is used below, so
    # that 20,000 pickles are never in memory at once (their freed memory would stay in the heap).
    kept = [memo.has(key) for key in keys] if memo else [False] * len(paths)
    missing = [index for index, has in enumerate(kept) if not has]

    def work(index: int) -> tuple[bytes, Entry | None]:
        # A file's YAML tree has no cycles: collections while it is built would only walk it (in a
        # worker they are on), and they doubled the time to read a 4 MB glossary. Any garbage with
        # cycles is collected once the next file begins.
        with paused_gc():
            data = pickle.dumps(one(index), protocol=pickle.HIGHEST_PROTOCOL)
        return data, memo.store(keys[index], data) if memo else None

    computed = imap_indices(len(missing), lambda i: work(missing[i]))
    articles: list[Article] = []
    notes: dict[str, tuple[Note, ...]] = {}
    entities: tuple[dict[str, Entity], tuple[MentionOverride, ...]] = ({}, ())
    first_path: dict[str, str] = {}
    for index, has in enumerate(kept):
        data: bytes | None
        if has:
            data = memo.load(keys[index]) if memo else None
        else:
            data, entry = next(computed)
            if memo and entry:
                memo.add(keys[index], entry)
        try:
            if data is None:
                raise EOFError
            built, reading, building, slug = pickle.loads(data)
        except Exception:  # a damaged memo entry (anything unpickling garbage can raise): read the file again
            built, reading, building, slug = one(index)
        diags.extend(reading)
        if index < first_article:
            diags.extend(building)
            entities = built
        elif index >= first_notes:
            diags.extend(building)
            if slug is not None:
                notes[slug] = built
        elif slug is not None:
            shown = display_path(paths[index])
            if slug in first_path:  # two files with one slug (a.md, a.markdown): the second is not built
                diags.error("duplicate-slug", f"two articles have the slug '{slug}' (the other is {first_path[slug]})",
                            SourceLocation(shown), ("hint: rename one of the files; the file name is the article's address",))
                continue
            first_path[slug] = shown
            diags.extend(building)
            if built is not None:
                articles.append(built)
    return ReadFiles(articles, notes, bool(first_path), *entities)


def build_edition(raw: RawContent, diags: Diagnostics, memo: LoadMemo | None = None) -> Edition | None:
    """Check every field and cross-file reference; None when the edition settings are unusable.
    `memo` (a writing build's) gives unchanged articles and annotations files' models from the last build."""
    root = display_path(raw.root)
    missing = [name for name in ("edition", "sources") if name not in raw.data]
    for name in missing:
        diags.error("missing-file", f"{name}.yaml is missing from the content directory", SourceLocation(f"{root}/{name}.yaml"))
    settings = _valid("edition", raw.data.get("edition"), diags)
    sources_doc = raw.data.get("sources")
    outlets, authors = build_outlets_and_authors(_valid("sources", sources_doc, diags), diags)
    sources_ok = sources_doc is not None and not diags.has_errors_in(sources_doc.path)
    for name in ("article", "annotations", "glossary"):
        schema.prepare(name)  # before the workers fork, so that they share it
    if memo:
        memo.bind(raw.root, outlets if sources_ok else None, authors)
    read = read_files(raw, outlets if sources_ok else None, authors, diags, memo)
    if not read.any_article:
        diags.error("no-articles", "no articles found (content/articles/*.md)", SourceLocation(f"{root}/articles"))
    articles, notes, entities = read.articles, read.notes, read.entities
    glossary_ok = raw.glossary_file is None or not diags.has_errors_in(display_path(raw.glossary_file))
    edition = Edition(
        title=str(settings["title"]) if settings else "", subtitle=_str(settings.get("subtitle")) if settings else None,
        description=str(settings["description"]) if settings else "",
        language=str(settings["language"]) if settings else "en",
        base_url=str(settings["base_url"]) if settings else "https://example.org/",
        method=_str(settings.get("method")) if settings else None,
        license=_str(settings.get("license")) if settings else None,
        articles=tuple(sorted(articles, key=lambda a: (a.published, a.slug))),
        outlets=outlets, authors=authors, notes=notes, entities=entities, overrides=read.overrides,
        claims=build_claims(_valid("claims", raw.data.get("claims"), diags), diags),
        events=build_events(_valid("timeline", raw.data.get("timeline"), diags), entities if glossary_ok else None, diags),
        concepts=build_concepts(_valid("framing", raw.data.get("framing"), diags), diags),
        **{name: settings[name] for name in ("concordance_page_size", "home_page_size", "glossary_page_size", "source_card_size") if settings and name in settings},
    )
    check_references(edition, raw, diags)
    return edition if settings else None
