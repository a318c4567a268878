"""Stage 5: find every mention of every entity, check [[entity]] and article links in Markdown fields.

Mentions are found in one pass per text run with one compiled pattern for all names and aliases: the
aliases are folded into a trie and the trie is written out as a regular expression, so the cost per
character does not grow with the size of the glossary. Matching is case-sensitive ("US" is not "us"),
whole-word, longest first, and takes a possessive ’s / 's with the name.
"""
from __future__ import annotations

import re
from collections import defaultdict
from dataclasses import dataclass
from typing import Iterable, Iterator, Mapping, NamedTuple

from .diagnostics import Diagnostics, SourceLocation, did_you_mean
from .markdown import ENTITY_REF, ParsedArticle
from .model import Edition, MentionOverride

_POSSESSIVE = "(?:[’']s)?"
_SENTENCE_END = re.compile(r"(?<=[.!?…])[”\"’')]*\s+")
_MD_LINK = re.compile(r"\]\(\s*<?([^)\s>]+)>?")
_ARTICLE_LINK = re.compile(r"^([a-z0-9]+(?:-[a-z0-9]+)*)\.md(?:#(.*))?$")


class Mention(NamedTuple):
    """One occurrence of an entity's name in an article."""

    entity_id: str
    article_slug: str
    passage: int
    """Index into ParsedArticle.passages."""
    start: int
    end: int
    """[start, end) in the passage's visible text; the possessive is outside the range."""
    text: str
    """The spelling as written (without a possessive)."""
    first: bool
    """The entity's first mention in this article: the one that links to its page."""


@dataclass(frozen=True, slots=True)
class EntityIndex:
    """Every spelling of every entity, compiled into one pattern."""

    pattern: re.Pattern[str] | None
    owners: Mapping[str, tuple[str, ...]]
    """spelling -> entity ids (more than one: ambiguous)."""


def trie_regex(words: Iterable[str]) -> str:
    """A regular expression matching exactly `words`, preferring the longest, with shared prefixes factored.

    Runs of single-child nodes are emitted as one literal, so the recursion is as deep as the number
    of branching points on a path, not the length of a name.
    """
    trie: dict[str, dict] = {}
    for word in words:
        node = trie
        for char in word:
            node = node.setdefault(char, {})
        node[""] = {}

    def literal(char: str) -> str:
        # A space in a name matches any run of white space (the texts use no-break spaces too).
        return r"\s+" if char == " " else re.escape(char)

    def emit(node: dict[str, dict]) -> str:
        branches = []
        for char, child in sorted(node.items()):
            if not char:
                continue
            run = [literal(char)]
            while len(child) == 1 and "" not in child:
                (next_char, child), = child.items()
                run.append(literal(next_char))
            branches.append("".join(run) + emit(child))
        if not branches:
            return ""
        body = branches[0] if len(branches) == 1 else "(?:" + "|".join(branches) + ")"
        return f"(?:{body})?" if "" in node else body

    return emit(trie)


def build_entity_index(edition: Edition, diags: Diagnostics) -> EntityIndex:
    owners: dict[str, list[str]] = defaultdict(list)
    where: dict[tuple[str, str], SourceLocation] = {}
    for entity in edition.entities.values():
        for number, spelling in enumerate(entity.names):
            if entity.id not in owners[spelling]:
                owners[spelling].append(entity.id)
            if number > 0 and spelling in entity.aliases:
                where[(spelling, entity.id)] = entity.alias_locs[entity.aliases.index(spelling)]
            else:
                where.setdefault((spelling, entity.id), entity.loc)
    for spelling, ids in sorted(owners.items()):
        if len(ids) > 1:
            diags.warning("ambiguous-alias",
                          f"'{spelling}' names {len(ids)} entities ({', '.join(ids)}); its mentions are linked only "
                          "where an override in glossary.yaml says which is meant",
                          where[(spelling, ids[-1])],
                          ("hint: add to 'overrides:' an entry {article, text, entity} (entity: null to leave it unlinked)",))
    if not owners:
        return EntityIndex(None, {})
    # Iterative trie emission would be needed only for names of thousands of characters.
    body = trie_regex(sorted(owners))
    # No look-behind at the front (see whole_word_matches): a pattern that starts with the names lets the regex
    # engine skip ahead to their first letters, which halves the time to scan an article.
    pattern = re.compile(rf"(?P<name>{body}){_POSSESSIVE}(?![\w])")
    return EntityIndex(pattern, {k: tuple(v) for k, v in owners.items()})


def _override_for(overrides: list[MentionOverride], text: str, passage_text: str, start: int, end: int) -> MentionOverride | None:
    for override in overrides:
        if override.text != text:
            continue
        if override.prefix and not passage_text[:start].rstrip().endswith(override.prefix.strip()):
            continue
        if override.suffix and not passage_text[end:].lstrip().startswith(override.suffix.strip()):
            continue
        return override
    return None


def whole_word_matches(pattern: re.Pattern[str], text: str) -> Iterator[re.Match[str]]:
    r"""pattern's matches in `text` that do not continue a word or a hyphenated compound: what
    `(?<![\w\-])` at the pattern's front would give. A match refused for that is searched again one
    character on, where the look-behind would have let the engine try next."""
    pos = 0
    while (match := pattern.search(text, pos)) is not None:
        start = match.start()
        if start and (text[start - 1].isalnum() or text[start - 1] in "_-"):  # \w is isalnum() or "_"
            pos = start + 1
            continue
        yield match
        pos = match.end()


def find_mentions(parsed: ParsedArticle, index: EntityIndex, overrides: Iterable[MentionOverride]) -> tuple[Mention, ...]:
    """Every mention in reading order. Text inside links and code is skipped; notes' quotes are not."""
    if index.pattern is None:
        return ()
    slug = parsed.article.slug
    local = [o for o in overrides if o.article_slug == slug]
    seen: set[str] = set()
    found: list[Mention] = []
    for number, passage in enumerate(parsed.passages):
        offset = 0
        link_depth = 0
        for child in parsed.tokens[passage.token_index].children or ():
            if child.type == "link_open":
                link_depth += 1
            elif child.type == "link_close":
                link_depth -= 1
            length = len(child.content) if child.type in ("text", "code_inline") else (1 if child.type in ("softbreak", "hardbreak") else 0)
            if child.type == "text" and not link_depth:
                for match in whole_word_matches(index.pattern, child.content):
                    text = " ".join(match.group("name").split())
                    start, end = offset + match.start(), offset + match.start() + len(match.group("name"))
                    override = _override_for(local, text, passage.text, start, end)
                    owners = index.owners[text]
                    entity_id = override.entity_id if override else (owners[0] if len(owners) == 1 else None)
                    if entity_id is None:
                        continue
                    found.append(Mention(entity_id, slug, number, start, end, text, entity_id not in seen))
                    seen.add(entity_id)
            offset += length
    return tuple(found)


def sentence_ends(text: str) -> list[tuple[int, int]]:
    """Where sentences end in `text` (the spans between them): computed once per passage by callers
    that look up many mentions in it."""
    return [match.span() for match in _SENTENCE_END.finditer(text)]


def sentence_around(text: str, start: int, end: int, ends: list[tuple[int, int]] | None = None) -> tuple[str, int, int]:
    """The sentence containing [start, end) and the range's offsets within it."""
    begin = 0
    for gap_start, gap_end in sentence_ends(text) if ends is None else ends:
        if gap_end <= start:
            begin = gap_end
        elif gap_start >= end:
            return text[begin:gap_start], start - begin, end - begin
    return text[begin:].rstrip(), start - begin, end - begin


def unused_overrides(parsed: ParsedArticle, overrides: Iterable[MentionOverride]) -> tuple[MentionOverride, ...]:
    """This article's overrides whose text (with its prefix/suffix) occurs nowhere in it: they decide nothing."""
    unused = []
    for override in overrides:
        if override.article_slug != parsed.article.slug:
            continue
        found = False
        for passage in parsed.passages:
            text = " ".join(passage.text.split())
            start = text.find(override.text)
            while start != -1 and not found:
                found = _override_for([override], override.text, text, start, start + len(override.text)) is not None
                start = text.find(override.text, start + 1)
            if found:
                break
        if not found:
            unused.append(override)
    return tuple(unused)


def warn_unused_overrides(unused: Iterable[MentionOverride], diags: Diagnostics) -> None:
    for override in unused:
        diags.warning("unused-override", f"override for '{override.text}' matches nothing in '{override.article_slug}'",
                      override.loc, ("hint: check the text, prefix and suffix against the article",))


def check_unused_aliases(edition: Edition, mentions: Iterable[Mention], diags: Diagnostics) -> None:
    """Warn about spellings listed in the glossary that no article uses (usually a typo)."""
    used = {(m.entity_id, m.text) for m in mentions}
    for entity in edition.entities.values():
        for alias, loc in zip(entity.aliases, entity.alias_locs):
            if (entity.id, alias) not in used:
                diags.warning("unused-alias", f"alias '{alias}' of '{entity.id}' occurs in no article", loc)


def _markdown_fields(edition: Edition) -> Iterable[tuple[str, SourceLocation]]:
    for notes in edition.notes.values():
        for note in notes:
            yield note.body, note.body_loc
    for entity in edition.entities.values():
        yield entity.description, entity.loc
    for claim in edition.claims:
        yield claim.finding, claim.loc
    for event in edition.events:
        yield event.description, event.loc
    for outlet in edition.outlets.values():
        if outlet.notes:
            yield outlet.notes, outlet.loc
    for concept in edition.concepts:
        if concept.description:
            yield concept.description, concept.loc


def _at(loc: SourceLocation, text: str, position: int) -> SourceLocation:
    """The location of character `position` of a Markdown field whose text starts at `loc`."""
    line = text.count("\n", 0, position)
    column = position - (text.rfind("\n", 0, position) + 1)
    return SourceLocation(loc.path, loc.line + line, loc.column + column)


def check_markdown_references(edition: Edition, parsed: Mapping[str, ParsedArticle], diags: Diagnostics,
                              *, entities: bool = True) -> None:
    """[[entity-id]] must name an entity; `slug.md#p-N` links must name an article and one of its passages.

    `entities=False` skips the [[…]] check (the glossary itself failed to load: every id would look unknown).
    """
    entity_ids = list(edition.entities)
    for text, loc in _markdown_fields(edition):
        for match in ENTITY_REF.finditer(text) if entities else ():
            entity_id = match.group(1).strip()
            if entity_id not in edition.entities:
                diags.error("unknown-entity", f"unknown entity '{entity_id}' in [[…]] link", _at(loc, text, match.start()),
                            did_you_mean(entity_id, entity_ids))
        for match in _MD_LINK.finditer(text):
            target = _ARTICLE_LINK.match(match.group(1))
            if not target:
                continue
            slug, fragment = target.group(1), target.group(2)
            if slug not in parsed:
                diags.error("unknown-article", f"link to an article that does not exist: '{slug}.md'",
                            _at(loc, text, match.start(1)), did_you_mean(slug, list(parsed)))
            elif fragment and fragment not in {p.id for p in parsed[slug].passages}:
                count = len(parsed[slug].passages)
                diags.error("unknown-passage", f"'{slug}' has no passage '#{fragment}' (it has p-1 to p-{count})",
                            _at(loc, text, match.start(1)))
