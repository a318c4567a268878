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
from typing import NamedTuple

from .diagnostics import Diagnostics
from .markdown import ParsedArticle
from .model import Selector

_SPACE = re.compile(r"\s+")
_QUOTE_FOLD = str.maketrans({"‘": "'", "’": "'", "‚": "'", "′": "'", "“": '"', "”": '"', "„": '"', "″": '"'})


class Anchor(NamedTuple):
    """Where a selector landed: a character range of one passage's visible text."""

    passage: int
    """Index into ParsedArticle.passages."""
    start: int
    end: int
    """[start, end) offsets into Passage.text."""


class NormalText:
    """A passage's text with white space collapsed, and (computed only when asked) the map back."""

    __slots__ = ("text", "_raw", "_origin")

    def __init__(self, text: str, raw: str):
        self.text = text
        self._raw = raw
        self._origin: tuple[int, ...] | None = None

    @property
    def origin(self) -> tuple[int, ...]:
        """origin[i] = offset in the original text of normalised character i."""
        if self._origin is None:
            if self.text == self._raw:  # the common case: nothing to collapse
                self._origin = tuple(range(len(self.text)))
            else:
                origin: list[int] = []
                for match in _NON_SPACE.finditer(self._raw):
                    if origin:
                        origin.append(match.start() - 1)  # the collapsed space: the last white space before the word
                    origin.extend(range(match.start(), match.end()))
                self._origin = tuple(origin)
        return self._origin


_NON_SPACE = re.compile(r"\S+")


def normalise(text: str) -> NormalText:
    """Collapse white space runs to one space (and trim); the offset map is built lazily."""
    return NormalText(" ".join(text.split()), text)


def collapse(text: str) -> str:
    return _SPACE.sub(" ", text).strip()


class PassageIndex:
    """Normalised passages of one article, built once and shared by every selector anchored in it."""

    def __init__(self, parsed: ParsedArticle):
        self.parsed = parsed
        self.normal = [normalise(p.text) for p in parsed.passages]
        self._frequency: dict[str, int] | None = None

    def word_frequency(self) -> dict[str, int]:
        """How often each (case-folded, punctuation-stripped) word occurs in the article. Computed once."""
        if self._frequency is None:
            counts: dict[str, int] = {}
            for normal in self.normal:
                for word in normal.text.split(" "):
                    key = word.strip(_EDGE).casefold()
                    counts[key] = counts.get(key, 0) + 1
            self._frequency = counts
        return self._frequency

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
        return reanchor(index, selector, exact, what, diags)
    else:
        diags.error("quote-ambiguous",
                    f"{what}: quote occurs {len(chosen)} times in '{article.slug}'; add a prefix or suffix to choose one",
                    selector.loc, _occurrence_hints(index, chosen, exact))
    return None


def _occurrence_hints(index: PassageIndex, found: list[tuple[int, int]], exact: str) -> list[str]:
    return [f"note: occurrence in paragraph {index.parsed.passages[p].number}: {index.context(p, s, len(exact))}"
            for p, s in found]


REANCHOR_MIN = 0.8
"""How similar (difflib ratio) edited words must be to a note's quote for the note to follow them."""
REANCHOR_MARGIN = 0.08
"""A runner-up this close to the best match elsewhere means look-alike passages: orphan, never guess."""
WIDTH_PENALTY = 0.05
SEED_WORDS = 3
"""How many of a quote's rarest words locate the candidate windows for a fuzzy match."""
_EDGE = "“”\"‘’'()[]{},;:"


@dataclass(frozen=True, slots=True)
class FuzzyMatch:
    """A run of words similar to a quote that is not in the text as written."""

    ratio: float
    passage: int
    start: int
    end: int
    """[start, end) in the passage's normalised text."""
    text: str


def fuzzy_matches(index: PassageIndex, exact: str) -> list[FuzzyMatch]:
    """Runs of words like `exact`, best first, at most one per place.

    Only windows that share a word with the quote are scored (a word index per passage), so this stays
    fast on long articles; each window is scored with difflib's ratio and trimmed of quotation marks
    the quote itself does not have.
    """
    quote_words = exact.split(" ")
    size = len(quote_words)
    keys: dict[str, list[int]] = {}
    for position, word in enumerate(quote_words):
        key = word.strip(_EDGE).casefold()
        if len(key) >= 3 or size <= 2:
            keys.setdefault(key, []).append(position)
    # Seed only from the quote's rarest words: common words ("the", "said") would make every window a seed.
    frequency = index.word_frequency()
    rare = sorted(keys, key=lambda k: (frequency.get(k, 0), k))[:SEED_WORDS]
    keys = {k: keys[k] for k in rare}
    matcher = difflib.SequenceMatcher(autojunk=False)
    matcher.set_seq2(exact)
    found: dict[tuple[int, int], FuzzyMatch] = {}
    for number, normal in enumerate(index.normal):
        words = normal.text.split(" ")
        starts, offset = [], 0
        for word in words:
            starts.append(offset)
            offset += len(word) + 1
        seeds = {i - j for i, word in enumerate(words) for j in keys.get(word.strip(_EDGE).casefold(), ())}
        for seed in seeds:
            for begin in (seed - 1, seed, seed + 1):
                for width in (size - 1, size, size + 1):
                    if begin < 0 or width < 1 or begin + width > len(words):
                        continue
                    first, last = begin, begin + width - 1
                    lo, hi = starts[first], starts[last] + len(words[last])
                    text = normal.text[lo:hi]
                    trimmed_lo = lo + (len(text) - len(text.lstrip(_EDGE)) if exact[0] not in _EDGE else 0)
                    trimmed_hi = hi - (len(text) - len(text.rstrip(_EDGE + ".!?…")) if exact[-1] not in _EDGE + ".!?…" else 0)
                    if trimmed_hi <= trimmed_lo:
                        continue
                    candidate = normal.text[trimmed_lo:trimmed_hi]
                    matcher.set_seq1(candidate)
                    # An edit rarely changes how many words a quote spans: other widths must be clearly better.
                    ratio = matcher.ratio() - (0.0 if width == size else WIDTH_PENALTY)
                    place = (number, seed)
                    if place not in found or ratio > found[place].ratio:
                        found[place] = FuzzyMatch(ratio, number, trimmed_lo, trimmed_hi, candidate)
    ranked = sorted(found.values(), key=lambda m: (-m.ratio, m.passage, m.start))
    distinct: list[FuzzyMatch] = []
    for match in ranked:
        if all(match.passage != d.passage or match.end <= d.start or match.start >= d.end for d in distinct):
            distinct.append(match)
    return distinct


def _same_span(index: PassageIndex, match: FuzzyMatch, size: int) -> str:
    """The suggestion to paste: as many words as the quote, from where the best match starts."""
    words = index.normal[match.passage].text[match.start:].split(" ")
    return " ".join(words[:size]).rstrip(_EDGE + ".!?…")


def _context_score(index: PassageIndex, match: FuzzyMatch, selector: Selector) -> float:
    """How well the text around a fuzzy match agrees with the selector's prefix and suffix (1.0 if none)."""
    scores = []
    prefix, suffix = collapse(selector.prefix), collapse(selector.suffix)
    if prefix:
        before = index.before(match.passage, match.start, len(prefix) + 1).rstrip()[-len(prefix):]
        scores.append(difflib.SequenceMatcher(None, before, prefix).ratio())
    if suffix:
        after = index.after(match.passage, match.end, len(suffix) + 1).lstrip()[:len(suffix)]
        scores.append(difflib.SequenceMatcher(None, after, suffix).ratio())
    return sum(scores) / len(scores) if scores else 1.0


def reanchor(index: PassageIndex, selector: Selector, exact: str, what: str, diags: Diagnostics) -> Anchor | None:
    """The quote is not in the text as written: follow a small edit, or report the note as orphaned."""
    article = index.parsed.article
    folded = exact.translate(_QUOTE_FOLD)
    for number, normal in enumerate(index.normal):
        position = normal.text.translate(_QUOTE_FOLD).find(folded)
        if position != -1:
            actual = normal.text[position : position + len(exact)]
            diags.error("quote-not-found", f"{what}: quote not found in article '{article.slug}'", selector.loc,
                        (f"hint: the text has different quotation marks or apostrophes: \"{actual}\" "
                         f"(paragraph {index.parsed.passages[number].number})",))
            return None
    joined = " ".join(normal.text for normal in index.normal)
    if joined.find(exact) != -1:
        diags.error("quote-not-found", f"{what}: quote not found in article '{article.slug}'", selector.loc,
                    ("hint: the words run across a paragraph break; a quote must lie within one paragraph",))
        return None
    matches = fuzzy_matches(index, exact)
    scored = sorted(((m.ratio * (0.7 + 0.3 * _context_score(index, m, selector)), m) for m in matches),
                    key=lambda item: (-item[0], item[1].passage, item[1].start))
    if scored:
        score, best = scored[0]
        runner_up = scored[1][0] if len(scored) > 1 else 0.0
        paragraph = index.parsed.passages[best.passage].number
        if best.ratio >= REANCHOR_MIN and score - runner_up >= REANCHOR_MARGIN:
            diags.warning("quote-reanchored",
                          f"{what}: the text changed; the note now anchors to similar words in paragraph {paragraph}",
                          selector.loc, (f"hint: paste the new quote into the YAML: \"{best.text}\"",))
            return index.to_anchor(best.passage, best.start, best.end - best.start)
        suggestion = _same_span(index, best, len(exact.split(" ")))
        hints = [f"hint: did you mean \"{suggestion}\" (paragraph {paragraph})?"] if best.ratio >= 0.5 else []
        if best.ratio >= REANCHOR_MIN:
            second = scored[1][1]
            hints.append(f"note: \"{second.text}\" (paragraph {index.parsed.passages[second.passage].number}) is as "
                         "close; look-alike passages are never guessed between")
    else:
        hints = []
    diags.error("quote-not-found", f"{what}: quote not found in article '{article.slug}'",
                selector.loc, hints)
    return None
