"""Everything one article needs done, in one pass, on every core, remembered between builds.

For each article: parse, anchor and link (stage 3–5), then render its page (stage 6) with a slot for
the one part that depends on other articles (the related accounts), and prepare its share of the
cross-article pages (concordance rows, search entries). The Markdown tokens, by far the largest thing
a build makes, never leave the worker; what comes back is an ArticleResult without them.

Results are cached under `.cache/` beside the output (articlecache), keyed by a hash of everything the work reads:
the builder's code, the theme, the edition-wide settings and glossary, and this article's text, notes,
claim accounts, event mentions, overrides and neighbours. A key that matches can only come from the
same inputs, so a warm build gives the bytes a cold one would (tests/test_cache.py builds both).
"""
from __future__ import annotations

import pickle
from dataclasses import dataclass, replace
from typing import Any, Callable

from .analysis import ArticleAnalysis, analyse_article, for_parent, share
from .articlecache import ArticleCache, Entry
from .diagnostics import Diagnostic, Diagnostics
from .linking import EntityIndex, unused_overrides
from .markdown import make_parser, parse_article
from .model import Edition, MentionOverride
from .parallel import RETIRE_AFTER, imap_indices, paused_gc
from .reuse import inputs_hash
from .views import ConcordanceGroup, PackedGroups, Spooled, pack_groups

RELATED_SLOT = "<!--edition:related-->"
"""Where the related accounts go in a cached article page. Content cannot produce it: all text is escaped."""
CACHE_FORMAT = b"article-cache-6"


@dataclass(frozen=True, slots=True)
class ArticleResult:
    """What the rest of the build needs from one article: small, because the parent holds one per article."""

    key: str
    analysis: ArticleAnalysis
    """Lean (analysis.for_parent): no tokens, only anchored passages' text, mentions deduplicated."""
    diagnostics: tuple[Diagnostic, ...]
    unused_overrides: tuple[MentionOverride, ...]
    """Reported only when the build has no errors (with articles missing they would be false alarms)."""
    concordance: PackedGroups | None
    """Its share of the entity pages, each group's HTML a range of the article's parts (None once taken)."""
    search: Spooled | None
    """Its search entries (encoded JSON), a range of the article's parts."""
    annotations: Spooled | None
    """Its notes as Web Annotations (encoded JSON), a range of the article's parts."""
    annotation_count: int
    """How many of its notes are anchored (annotations.jsonld states the total)."""
    page: bool
    """The page was rendered into the cache (not when the article has errors, or in `check`)."""
    parts: int = -1
    """Where the article's parts (concordance sections, search entries, annotations) start in the cache
    (ArticleCache.parts_base), once stored there; the Spooled ranges above are relative to it."""

    def spooled(self, ref: Spooled) -> Spooled:
        """`ref` (relative to this article's parts) as a range of the cache (ArticleCache.fetch)."""
        assert self.parts >= 0, "the parts are not in the cache"
        return Spooled(self.parts + ref.offset, ref.length)


PageFn = Callable[[int, ArticleAnalysis, Diagnostics], "bytes | None"]
"""Renders article `number`'s page (with RELATED_SLOT), reporting template problems to the Diagnostics."""
ExtrasFn = Callable[[int, ArticleAnalysis], tuple[tuple[ConcordanceGroup, ...], str, tuple[int, str]]]
"""The article's concordance groups, its search entries (encoded: see searchindex.article_docs) and its
annotations (how many, and encoded: see exports.article_annotations)."""


SHARED_FIELDS = ("title", "subtitle", "description", "language", "base_url", "method", "license", "outlets",
                 "authors", "entities", "concepts")
"""The edition-wide values every page may show (templates read them from `edition`): hashed once, into
the edition-wide key. A template must read nothing else from `edition` but its articles (and
outlet_of and author_of, which read outlets and authors); tests/test_cache.py checks the theme."""


def _digest(*parts: object) -> str:
    return inputs_hash(CACHE_FORMAT, *parts)


@dataclass(frozen=True, slots=True)
class EditionKeys:
    shared: str
    """The edition-wide key: the builder, the theme and its assets, and SHARED_FIELDS."""
    articles: list[str]
    """Per article, in reading order: everything its work reads (the cache's key)."""
    records: list[str]
    """Per article: its record alone (what the site-wide pages read of it; see render.render_site)."""


def article_keys(edition: Edition, base: str) -> EditionKeys:
    """The edition's keys. `base` covers the builder, the theme and its assets.

    Edition-wide values that appear on every article page or steer linking (settings, outlets,
    authors, glossary, framing terms) are hashed once; the rest only where they touch the article."""
    shared = _digest(base, *(getattr(edition, field) for field in SHARED_FIELDS))
    claims: dict[str, list[object]] = {}
    for claim in edition.claims:
        for slug in dict.fromkeys(a.article_slug for a in claim.accounts):
            claims.setdefault(slug, []).append(claim)
    events: dict[str, list[object]] = {}
    for event in edition.events:
        for slug in dict.fromkeys(m.article_slug for m in event.mentions):
            events.setdefault(slug, []).append(event)
    overrides: dict[str, list[object]] = {}
    for override in edition.overrides:
        overrides.setdefault(override.article_slug, []).append(override)
    articles = edition.articles
    records = [_digest(article) for article in articles]
    keys = []
    for number, article in enumerate(articles):
        neighbours = [(a.slug, a.title) for a in (articles[number - 1] if number else None,
                                                    articles[number + 1] if number + 1 < len(articles) else None) if a]
        keys.append(_digest(shared, records[number], edition.notes_for(article.slug), claims.get(article.slug, ()),
                            events.get(article.slug, ()), overrides.get(article.slug, ()), neighbours))
    return EditionKeys(shared, keys, records)


def analyse_articles(edition: Edition, entity_index: EntityIndex, terms: Any, diags: Diagnostics, *,
                     keys: list[str] | None = None, cache: ArticleCache | None = None,
                     page: PageFn | None = None, extras: ExtrasFn | None = None,
                     collect: Callable[[int, ArticleResult], ArticleResult] | None = None) -> list[ArticleResult]:
    """Every article's result, in reading order: from the cache where its key matches, else computed
    (on every core). `page` renders an article's page (with RELATED_SLOT); without it none is rendered.
    Each rendered article is stored in the `cache`, where its parts stay (see ArticleResult.parts).
    `collect(number, result)` sees each result as it arrives and returns what to keep of it."""
    articles = edition.articles
    keys = keys if keys is not None else [""] * len(articles)
    # Which articles the cache has, but not yet their results: each is read only as it is collected
    # below, so that the pickles are never in memory all at once (at 10,000 articles that held the
    # parent of a one-note build at 484 MiB).
    kept = [bool(cache and page and cache.has(key)) for key in keys]
    missing = [number for number, has in enumerate(kept) if not has]
    md = make_parser()

    def work(number: int) -> tuple[bytes, Entry | None]:
        """The article's pickled result, and where the cache put it (None if it was not stored)."""
        article, key = articles[number], keys[number]
        local = Diagnostics()
        parsed = parse_article(md, article)
        analysis = analyse_article(parsed, edition, entity_index, terms, local)
        rendered = page(number, analysis, local) if page and not local.has_errors else None
        concordance, search, (annotation_count, annotations) = extras(number, analysis) if extras else ((), "", (0, ""))
        # The bulky HTML and JSON go to the cache as one blob, never through pickle and the pipe to
        # the parent, which only passes them on: the entity pages and the data files read them there.
        parts = bytearray()
        packed = pack_groups(concordance, parts)
        refs = []
        for text in (search, annotations):
            encoded = text.encode("utf-8")
            refs.append(Spooled(len(parts), len(encoded)) if encoded else None)
            parts += encoded
        result = pickle.dumps(ArticleResult(key, for_parent(analysis), tuple(local.items),
                                            unused_overrides(parsed, edition.overrides), packed, *refs,
                                            annotation_count, rendered is not None), protocol=pickle.HIGHEST_PROTOCOL)
        if cache and rendered is not None:
            return result, cache.store(key, rendered, parts, result)
        return result, None

    # Each article's work reads its own share of the model (its text, notes, locations): see parallel.RETIRE_AFTER.
    computed = imap_indices(len(missing), lambda i: work(missing[i]), heavy=True, retire_after=RETIRE_AFTER)
    results: list[ArticleResult] = []
    shared: dict[Any, Any] = {}
    # The parent only collects here: without the collector, which would walk every result so far
    # again and again as they pile up (nothing here makes reference cycles).
    with paused_gc():
        for number, has in enumerate(kept):
            entry, data = None, None
            if has:
                assert cache is not None
                data = cache.load(keys[number])
            else:
                data, entry = next(computed)
            result = _thaw(data, articles[number], keys[number], shared)
            if result is None:  # an unreadable cache entry: do this one again
                data, entry = work(number)
                result = _thaw(data, articles[number], keys[number], shared)
                assert result is not None
            if cache is not None and entry is not None:
                cache.add(result.key, entry)
            if cache is not None and result.page:
                result = replace(result, parts=cache.parts_base(result.key))
            diags.extend(result.diagnostics)
            results.append(collect(number, result) if collect else result)
    return results


def _thaw(data: bytes | None, article: Any, key: str, pool: dict[Any, Any]) -> ArticleResult | None:
    """A result from its pickle, with the edition's own article object put back and its records shared
    through `pool` (analysis.share); None if unreadable (or there is none)."""
    if data is None:
        return None
    try:
        result = pickle.loads(data)
    except (EOFError, pickle.UnpicklingError, AttributeError, ImportError, TypeError, ValueError, IndexError):
        return None
    if not isinstance(result, ArticleResult) or result.key != key:
        return None
    analysis = result.analysis
    return replace(result, analysis=share(replace(analysis, parsed=replace(analysis.parsed, article=article)), pool))
