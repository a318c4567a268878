"""Stage 4: anchor quotes (notes, claim accounts, event mentions) to exact places in an article.

The model is the W3C Web Annotation TextQuoteSelector (https://www.w3.org/TR/annotation-model/#text-quote-selector):
`exact` words, with optional `prefix`/`suffix` to choose one occurrence. Matching runs over each passage's
reader-visible text (markup dropped, so a quote may cross emphasis but never a paragraph break), with runs
of white space (including no-break spaces) treated as one space. A quote is never attached to the wrong
words: no match and several matches are errors that show the editor what to paste.
"""
from __future__ import annotations

import difflib
import re
from dataclasses import dataclass

from .diagnostics import Diagnostics
from .markdown import ParsedArticle, Passage
from .model import Selector

_SPACE = re.compile(r"\s+")
_QUOTE_FOLD = str.maketrans({"‘": "'", "’": "'", "‚": "'", "′": "'", "“": '"', "”": '"', "„": '"', "″": '"'})


@dataclass(frozen=True, slots=True)
class Anchor:
    """Where a selector landed: a character range of one passage's visible text."""

    passage: int
    """Index into ParsedArticle.passages."""
    start: int
    end: int
    """[start, end) offsets into Passage.text."""


@dataclass(frozen=True, slots=True)
class NormalText:
    """A passage's text with white space collapsed, and the map back to the original offsets."""

    text: str
    origin: tuple[int, ...]
    """origin[i] = offset in the original text of normalised character i."""


_NON_SPACE = re.compile(r"\S+")


def normalise(text: str) -> NormalText:
    """Collapse white space runs to one space (and trim), keeping the map back to original offsets."""
    words: list[str] = []
    origin: list[int] = []
    for match in _NON_SPACE.finditer(text):
        if words:
            origin.append(match.start() - 1)  # the collapsed space stands for the last white space before the word
        words.append(match.group())
        origin.extend(range(match.start(), match.end()))
    return NormalText(" ".join(words), tuple(origin))


def collapse(text: str) -> str:
    return _SPACE.sub(" ", text).strip()


class PassageIndex:
    """Normalised passages of one article, built once and shared by every selector anchored in it."""

    def __init__(self, parsed: ParsedArticle):
        self.parsed = parsed
        self.normal = [normalise(p.text) for p in parsed.passages]

    def occurrences(self, exact: str) -> list[tuple[int, int]]:
        """(passage index, normalised start) of every occurrence of `exact`."""
        found = []
        for index, normal in enumerate(self.normal):
            start = normal.text.find(exact)
            while start != -1:
                found.append((index, start))
                start = normal.text.find(exact, start + 1)
        return found

    def before(self, index: int, start: int, length: int) -> str:
        """Up to `length` characters of text just before a position, reaching into earlier passages."""
        text = self.normal[index].text[:start]
        while len(text) < length and index > 0:
            index -= 1
            text = self.normal[index].text + " " + text
        return text

    def after(self, index: int, end: int, length: int) -> str:
        text = self.normal[index].text[end:]
        while len(text) < length and index + 1 < len(self.normal):
            index += 1
            text = text + " " + self.normal[index].text
        return text

    def to_anchor(self, index: int, start: int, length: int) -> Anchor:
        origin = self.normal[index].origin
        return Anchor(index, origin[start], origin[start + length - 1] + 1)

    def context(self, index: int, start: int, length: int, width: int = 30) -> str:
        text = self.normal[index].text
        left = text[max(0, start - width) : start]
        right = text[start + length : start + length + width]
        return f"…{left}[{text[start:start + length]}]{right}…"


def _matches_context(index: PassageIndex, passage: int, start: int, exact: str, selector: Selector) -> bool:
    prefix, suffix = collapse(selector.prefix), collapse(selector.suffix)
    if prefix and not index.before(passage, start, len(prefix) + 1).rstrip().endswith(prefix):
        return False
    if suffix and not index.after(passage, start + len(exact), len(suffix) + 1).lstrip().startswith(suffix):
        return False
    return True


def anchor_selector(index: PassageIndex, selector: Selector, what: str, diags: Diagnostics) -> Anchor | None:
    """Anchor one selector, or report why it cannot be anchored (at the selector's `quote`)."""
    exact = collapse(selector.exact)
    article = index.parsed.article
    if not exact:
        diags.error("empty-quote", f"{what}: quote is empty", selector.loc)
        return None
    found = index.occurrences(exact)
    chosen = [(p, s) for p, s in found if _matches_context(index, p, s, exact, selector)]
    if len(chosen) == 1:
        passage, start = chosen[0]
        return index.to_anchor(passage, start, len(exact))
    if not chosen and found:
        diags.error("quote-context-mismatch",
                    f"{what}: the quote occurs in '{article.slug}' but not with the given prefix/suffix",
                    selector.loc, _occurrence_hints(index, found, exact))
    elif not chosen:
        diags.error("quote-not-found", f"{what}: quote not found in article '{article.slug}'", selector.loc,
                    _closest_hints(index, exact))
    else:
        diags.error("quote-ambiguous",
                    f"{what}: quote occurs {len(chosen)} times in '{article.slug}'; add a prefix or suffix to choose one",
                    selector.loc, _occurrence_hints(index, chosen, exact))
    return None


def _occurrence_hints(index: PassageIndex, found: list[tuple[int, int]], exact: str) -> list[str]:
    return [f"note: occurrence in paragraph {index.parsed.passages[p].number}: {index.context(p, s, len(exact))}"
            for p, s in found]


def _closest_hints(index: PassageIndex, exact: str) -> list[str]:
    folded = exact.translate(_QUOTE_FOLD)
    for number, normal in enumerate(index.normal):
        position = normal.text.translate(_QUOTE_FOLD).find(folded)
        if position != -1:
            actual = normal.text[position : position + len(exact)]
            return [f"hint: the text has different quotation marks or apostrophes: \"{actual}\" "
                    f"(paragraph {index.parsed.passages[number].number})"]
    best = closest_passage(index, exact)
    if best is None:
        return []
    passage, text, ratio = best
    if "\n" in exact or ratio < 0.5:
        return [f"hint: a quote must lie within one paragraph; closest passage is in paragraph {passage.number}: \"{text}\""]
    return [f"hint: did you mean \"{text}\" (paragraph {passage.number})?"]


_EDGE = "“”\"‘’'()[]{},;:"


def closest_passage(index: PassageIndex, exact: str) -> tuple[Passage, str, float] | None:
    """The run of words in the article most similar to `exact`: the passage to paste.

    The best-matching window (of the quote's word count, or one word more or fewer) picks the place;
    the suggestion is then the same number of words as the quote from there, so it covers the span
    the editor meant rather than a shorter run that happens to share more letters.
    """
    size = len(exact.split(" "))
    matcher = difflib.SequenceMatcher(autojunk=False)
    matcher.set_seq2(exact)
    best: tuple[float, int, int] | None = None
    for number, normal in enumerate(index.normal):
        words = normal.text.split(" ")
        for width in (size, size - 1, size + 1):
            for start in range(0, max(1, len(words) - width + 1)) if width >= 1 else ():
                matcher.set_seq1(" ".join(words[start : start + width]).strip(_EDGE))
                floor = best[0] if best else -1.0
                if matcher.real_quick_ratio() <= floor or matcher.quick_ratio() <= floor:
                    continue
                ratio = matcher.ratio()
                if best is None or ratio > best[0]:
                    best = (ratio, number, start)
    if best is None:
        return None
    ratio, number, start = best
    words = index.normal[number].text.split(" ")
    return index.parsed.passages[number], " ".join(words[start : start + size]).strip(_EDGE), ratio
