"""Stages 4–5 for one article: anchor its notes, claim accounts and event mentions; find mentions and terms.

analyse_article() is a pure function of the article, the edition and the entity index, so it can run
for each article independently (in parallel, or from a cache).
"""
from __future__ import annotations

import re
from dataclasses import dataclass, replace
from typing import Any, Iterator, Mapping, NamedTuple, Sequence, overload

from .anchoring import Anchor, PassageIndex, anchor_selector
from .diagnostics import Diagnostics
from .linking import EntityIndex, Mention, find_mentions, whole_word_matches
from .diagnostics import SourceLocation
from .markdown import MAX_NESTING, ParsedArticle, Passage, passage_id, too_deep
from .model import Concept, Edition


class TermHit(NamedTuple):
    """One occurrence of a framing term's form in a passage."""

    concept_id: str
    term: str
    passage: int
    start: int
    end: int


class FootnoteRef(NamedTuple):
    """A Markdown footnote reference ([^label]) in the body."""

    footnote_id: int
    label: str
    passage: int
    offset: int


@dataclass(frozen=True, slots=True)
class ArticleAnalysis:
    """Everything later stages need to know about one article's text."""

    parsed: ParsedArticle
    notes: Mapping[str, Anchor]
    """note id -> anchor (notes that failed to anchor are absent; the build has failed then)."""
    claims: Mapping[str, Anchor]
    """claim id -> the anchor of this article's account."""
    events: tuple[tuple[str, Anchor], ...]
    """(event id, anchor) for each mention of an event in this article."""
    mentions: tuple[Mention, ...]
    terms: tuple[TermHit, ...]
    footnotes: tuple[FootnoteRef, ...]


class Terms(NamedTuple):
    """The framing terms' forms, compiled for find_terms."""

    anycase: re.Pattern[str] | None
    """Every form, case-insensitive, as a whole word: right for any text."""
    lowered: re.Pattern[str] | None
    """When every form's cased letters are ASCII: the forms in lower case, with no look-behind at the
    front (see linking.whole_word_matches), for text whose cased letters are all ASCII, lowered. The regex engine
    can then skip ahead to the forms' first letters, which it cannot do for a case-insensitive
    pattern or one that opens with a look-behind: twice as fast on an article."""
    owners: dict[str, tuple[str, str]]
    """form, case-folded -> (concept id, term label)."""


def compile_terms(concepts: tuple[Concept, ...]) -> Terms:
    """One case-insensitive, whole-word pattern for every form of every term."""
    owners: dict[str, tuple[str, str]] = {}
    for concept in concepts:
        for term in concept.terms:
            for form in term.forms:
                owners.setdefault(form.casefold(), (concept.id, term.label))
    if not owners:
        return Terms(None, None, owners)
    alternatives = "|".join(re.escape(form) for form in sorted(owners, key=lambda f: (-len(f), f)))
    anycase = re.compile(rf"(?<![\w\-])(?:{alternatives})(?![\w])", re.IGNORECASE)
    lowered = re.compile(rf"(?:{alternatives})(?![\w])") if all(map(_cased_only_in_ascii, owners)) else None
    return Terms(anycase, lowered, owners)


def _cased_only_in_ascii(text: str) -> bool:
    """Whether every letter of `text` that has a case is ASCII. Then lowering changes only ASCII letters,
    one for one, and a form whose cased letters are ASCII too matches the lowered text exactly where it
    matches the text in any case (a letter without case matches only itself either way): the letters
    a case-insensitive match also equates with ASCII ones (the Kelvin sign, the long s, the dotted and
    dotless i) all have a case, and so send the text the slow way."""
    return text.isascii() or all(c.lower() == c == c.upper() for c in set(text) if not c.isascii())


def find_terms(parsed: ParsedArticle, terms: Terms) -> tuple[TermHit, ...]:
    if terms.anycase is None:
        return ()
    hits = []
    owners = terms.owners
    for number, passage in enumerate(parsed.passages):
        text = passage.text
        if terms.lowered is not None and _cased_only_in_ascii(text):
            matches: Iterator[re.Match[str]] = whole_word_matches(terms.lowered, text.lower())
        else:
            matches = terms.anycase.finditer(text)
        for match in matches:
            concept_id, term = owners[match.group(0).casefold()]
            hits.append(TermHit(concept_id, term, number, match.start(), match.end()))
    return tuple(hits)


def find_footnote_refs(parsed: ParsedArticle) -> tuple[FootnoteRef, ...]:
    refs = []
    for number, passage in enumerate(parsed.passages):
        offset = 0
        for child in parsed.tokens[passage.token_index].children or ():
            if child.type == "footnote_ref":
                refs.append(FootnoteRef(child.meta["id"], str(child.meta["label"]), number, offset))
            elif child.type in ("text", "code_inline"):
                offset += len(child.content)
            elif child.type in ("softbreak", "hardbreak"):
                offset += 1
    return tuple(refs)


def analyse_article(parsed: ParsedArticle, edition: Edition, entity_index: EntityIndex,
                    terms: Terms, diags: Diagnostics) -> ArticleAnalysis:
    slug = parsed.article.slug
    deep = too_deep(parsed.tokens)
    if deep is not None:
        line = parsed.article.body_line + (deep.map[0] if deep.map else 0)
        diags.error("too-deep", f"block quotes or lists nested more than {MAX_NESTING} levels deep; "
                    "deeper text would be lost", SourceLocation(parsed.article.path, line))
    index = PassageIndex(parsed)
    notes = {}
    for note in edition.notes_for(slug):
        anchor = anchor_selector(index, note.selector, f"note '{note.id}'", diags)
        if anchor is not None:
            notes[note.id] = anchor
    claims = {}
    for claim in edition.claims:
        for account in claim.accounts:
            if account.article_slug == slug:
                anchor = anchor_selector(index, account.selector, f"claim '{claim.id}'", diags)
                if anchor is not None:
                    claims[claim.id] = anchor
    events = []
    for event in edition.events:
        for mention in event.mentions:
            if mention.article_slug == slug:
                anchor = anchor_selector(index, mention.selector, f"event '{event.id}'", diags)
                if anchor is not None:
                    events.append((event.id, anchor))
    _check_overlaps(parsed, edition, notes, diags)
    return ArticleAnalysis(parsed, notes, claims, tuple(events),
                           find_mentions(parsed, entity_index, edition.overrides),
                           find_terms(parsed, terms), find_footnote_refs(parsed))


def _check_overlaps(parsed: ParsedArticle, edition: Edition, anchors: Mapping[str, Anchor], diags: Diagnostics) -> None:
    """Two notes may share words only if one quote contains the other (marks nest; crossing ones would confuse)."""
    by_id = {note.id: note for note in edition.notes_for(parsed.article.slug)}
    ordered = sorted(anchors.items(), key=lambda item: (item[1].passage, item[1].start, -item[1].end))
    for (first_id, a), (second_id, b) in zip(ordered, ordered[1:]):
        if a.passage == b.passage and b.start < a.end < b.end:
            diags.error("quotes-cross",
                        f"note '{second_id}' overlaps note '{first_id}' partly; quotes may nest but not cross",
                        by_id[second_id].selector.loc)


class AnchoredPassages(Sequence[Passage]):
    """An article's passages as the cross-article stages see them: every passage's number and id, but
    the text only of passages something is anchored in (a note, a claim account, an event mention):
    the only text those stages quote. The rest reads as None, so a use of it fails loudly."""

    __slots__ = ("count", "kept")

    def __init__(self, count: int, kept: dict[int, Passage]):
        self.count, self.kept = count, kept

    def __len__(self) -> int:
        return self.count

    @overload
    def __getitem__(self, index: int) -> Passage: ...
    @overload
    def __getitem__(self, index: slice) -> Sequence[Passage]: ...

    def __getitem__(self, index: int | slice) -> Passage | Sequence[Passage]:
        if isinstance(index, slice):
            return [self[i] for i in range(*index.indices(self.count))]
        if index < 0:
            index += self.count
        if not 0 <= index < self.count:
            raise IndexError(index)
        kept = self.kept.get(index)
        return kept if kept is not None else Passage(index + 1, passage_id(index + 1), -1, "", 0, None)  # type: ignore[arg-type]

    def __iter__(self) -> Iterator[Passage]:
        return (self[i] for i in range(self.count))

    def __eq__(self, other: object) -> bool:
        return isinstance(other, AnchoredPassages) and (self.count, self.kept) == (other.count, other.kept)

    def __reduce__(self) -> tuple[type, tuple[int, dict[int, Passage]]]:
        return AnchoredPassages, (self.count, self.kept)


def for_parent(analysis: ArticleAnalysis) -> ArticleAnalysis:
    """The analysis without what only the article's own page needs, for the stages that look across
    articles (and the cache): no tokens, text only of anchored passages (AnchoredPassages), and of the
    mentions only those that say which entities the article names in which spellings (the first of
    each), and which it names in a passage a claim account is anchored in (entity_claims): never where
    exactly. At 10,000 articles this is what keeps the parent's memory flat; the article's own page is
    rendered from the full analysis before it is dropped."""
    parsed = analysis.parsed
    anchored = {a.passage for a in analysis.notes.values()} | {a.passage for a in analysis.claims.values()} \
        | {a.passage for _, a in analysis.events}
    passages = AnchoredPassages(len(parsed.passages), {i: parsed.passages[i] for i in sorted(anchored)})
    # Only what is said, never where: a lean mention or term hit carries no article, offsets or
    # (outside claim passages) passage, so equal ones across articles can be one object (see share).
    claimed = {a.passage for a in analysis.claims.values()}
    kept: dict[tuple[str, object], Mention] = {}
    for m in analysis.mentions:
        spelling, place = (m.entity_id, m.text), (m.entity_id, m.passage)
        if spelling in kept and (m.passage not in claimed or place in kept):
            continue
        lean = Mention(m.entity_id, "", m.passage if m.passage in claimed else -1, -1, -1, m.text, False)
        kept.setdefault(spelling, lean)
        if m.passage in claimed:
            kept.setdefault(place, lean)
    terms = tuple(t._replace(start=-1, end=-1) for t in analysis.terms)
    return replace(analysis, parsed=replace(parsed, tokens=[], article=None, passages=passages),
                   mentions=tuple(dict.fromkeys(kept.values())), terms=terms)


def share(analysis: ArticleAnalysis, pool: dict[Any, Any]) -> ArticleAnalysis:
    """A lean analysis (for_parent) with its mentions and term hits replaced by the equal ones already
    in `pool`: thousands of articles name the same few hundred entities in the same spellings, so the
    parent holds each such record once instead of once per article."""
    return replace(analysis, mentions=tuple(pool.setdefault(m, m) for m in analysis.mentions),
                   terms=tuple(pool.setdefault(t, t) for t in analysis.terms))
