"""Render an article body with its anchors: note marks and references, claim and event links, entity links.

Anchors are character ranges of a passage's visible text, so they may cross inline markup. Each text
token is cut at every anchor boundary and each piece is wrapped on its own (<mark> never straddles
an <em>), which keeps the HTML valid however quotes and emphasis overlap. References (note numbers,
claim and event links) go right after the quoted words, but never inside another link.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from html import escape
from typing import Callable, Mapping, Sequence

from markdown_it import MarkdownIt
from markdown_it.token import Token

from .linking import Mention
from .markdown import ParsedArticle


@dataclass(frozen=True, slots=True)
class Decoration:
    """A range of a passage to mark, and what to put after it."""

    passage: int
    start: int
    end: int
    kind: str
    """note | claim | event."""
    key: str
    """Note, claim or event id."""
    element_id: str
    """HTML id of the first marked piece (deep-link target)."""
    css: str = ""
    """Extra class on the marked pieces."""
    after: str = ""
    """Safe HTML placed after the range (a note reference, a claim link)."""


@dataclass(slots=True)
class _Cursor:
    out: list[str] = field(default_factory=list)
    pending: list[str] = field(default_factory=list)
    link_depth: int = 0
    entity_end: int | None = None

    def emit_after(self, html: str) -> None:
        if self.link_depth or self.entity_end is not None:
            self.pending.append(html)
        else:
            self.out.append(html)

    def flush(self) -> None:
        if not self.link_depth and self.entity_end is None:
            self.out.extend(self.pending)
            self.pending.clear()


_WRAPPERS = {"note": "mark", "claim": "span", "event": "span"}


def _open(decoration: Decoration, first: bool) -> str:
    tag = _WRAPPERS[decoration.kind]
    ident = f' id="{escape(decoration.element_id)}"' if first else ""
    css = f"{decoration.kind}-quote {decoration.css}".strip()
    return f'<{tag} class="{css}"{ident} data-{decoration.kind}="{escape(decoration.key)}">'


class BodyRenderer:
    """Renders one parsed article with its decorations and first-mention entity links."""

    def __init__(self, md: MarkdownIt, entity_link: Callable[[Mention], str], footnote_ref: Callable[[Token], str]):
        self.md = md
        self.entity_link = entity_link
        self.footnote_ref = footnote_ref

    def render(self, parsed: ParsedArticle, decorations: Sequence[Decoration], mentions: Sequence[Mention]) -> str:
        by_passage: dict[int, list[Decoration]] = {}
        for decoration in decorations:
            by_passage.setdefault(decoration.passage, []).append(decoration)
        links: dict[int, list[Mention]] = {}
        for mention in mentions:
            if mention.first:
                links.setdefault(mention.passage, []).append(mention)
        tokens = list(parsed.tokens)
        for number, passage in enumerate(parsed.passages):
            inline = tokens[passage.token_index]
            html = self._inline(inline.children or [], by_passage.get(number, []), links.get(number, []))
            replacement = Token("html_inline", "", 0, content=html)
            tokens[passage.token_index] = Token("inline", "", 0, children=[replacement], content=inline.content)
        kept = _without_footnote_block(tokens)
        return self.md.renderer.render(kept, self.md.options, {})

    def _inline(self, children: list[Token], decorations: list[Decoration], mentions: list[Mention]) -> str:
        cursor = _Cursor()
        started: set[int] = set()
        # References follow their ranges in order of where the ranges end (then start); ends only
        # grow as the text is walked, so a pointer into that order says which are still to come.
        finishing = _Finishing(sorted(decorations, key=lambda d: (d.end, d.start)))
        offset = 0
        env: dict = {}
        for child in children:
            if child.type == "text":
                self._text(child.content, offset, decorations, mentions, cursor, started, finishing)
                offset += len(child.content)
            else:
                if child.type == "footnote_ref":
                    cursor.emit_after(self.footnote_ref(child))
                elif child.type == "code_inline":
                    # Quotes may cover code too: its pieces are marked inside the <code> like any text.
                    cursor.out.append("<code>")
                    self._text(child.content, offset, decorations, [], cursor, started, finishing)
                    cursor.out.append("</code>")
                else:
                    if child.type == "link_open":
                        cursor.link_depth += 1
                    cursor.out.append(self.md.renderer.renderInline([child], self.md.options, env))
                    if child.type == "link_close":
                        cursor.link_depth -= 1
                        cursor.flush()
                if child.type == "code_inline":
                    offset += len(child.content)
                elif child.type in ("softbreak", "hardbreak"):
                    offset += 1
            finishing.upto(offset, cursor)
        finishing.upto(float("inf"), cursor)
        cursor.flush()
        cursor.out.extend(cursor.pending)
        return "".join(cursor.out)

    def _text(self, text: str, base: int, decorations: list[Decoration], mentions: list[Mention],
              cursor: _Cursor, started: set[int], finishing: _Finishing) -> None:
        end_of_text = base + len(text)
        local_mentions = [m for m in mentions if base <= m.start and m.end <= end_of_text and not cursor.link_depth]
        if not decorations and not local_mentions:  # most text: nothing to cut it at, nothing to finish
            cursor.out.append(escape(text, quote=False))
            cursor.flush()
            return
        cuts = {base, end_of_text}
        for d in decorations:
            cuts.update(x for x in (d.start, d.end) if base < x < end_of_text)
        for m in local_mentions:
            cuts.update((m.start, m.end))
        starting = {m.start: m for m in local_mentions}
        points = sorted(cuts)
        out = cursor.out
        # Most text has nothing to escape: checked once here, rather than each piece escaped in turn.
        plain = not ("&" in text or "<" in text or ">" in text)
        for start, end in zip(points, points[1:]):
            mention = starting.get(start)
            if mention is not None:
                out.append(self.entity_link(mention))
                cursor.entity_end = mention.end
            active = [(n, d) for n, d in enumerate(decorations) if d.start <= start < d.end]
            for number, decoration in active:
                out.append(_open(decoration, number not in started))
                started.add(number)
            piece = text[start - base : end - base]
            out.append(piece if plain else escape(piece, quote=False))
            for _, decoration in reversed(active):
                out.append(f"</{_WRAPPERS[decoration.kind]}>")
            if cursor.entity_end == end:
                out.append("</a>")
                cursor.entity_end = None
            finishing.upto(end, cursor)
            cursor.flush()


class _Finishing:
    """The decorations of one passage in the order their references go out (by end, then start)."""

    __slots__ = ("order", "next")

    def __init__(self, order: list[Decoration]):
        self.order, self.next = order, 0

    def upto(self, offset: float, cursor: _Cursor) -> None:
        """Emit the references of every range ending at or before `offset` not yet emitted."""
        order = self.order
        while self.next < len(order) and order[self.next].end <= offset:
            if order[self.next].after:
                cursor.emit_after(order[self.next].after)
            self.next += 1


def _without_footnote_block(tokens: list[Token]) -> list[Token]:
    """The body without the footnote definitions: they are rendered in the notes section instead."""
    kept, depth = [], 0
    for token in tokens:
        if token.type == "footnote_block_open":
            depth += 1
        elif token.type == "footnote_block_close":
            depth -= 1
        elif not depth:
            kept.append(token)
    return kept


def footnote_bodies(md: MarkdownIt, parsed: ParsedArticle) -> Mapping[int, str]:
    """HTML of each Markdown footnote ([^label]: …) by footnote id, without the plugin's back-arrow."""
    bodies: dict[int, str] = {}
    current: int | None = None
    collected: list[Token] = []
    for token in parsed.tokens:
        if token.type == "footnote_open":
            current, collected = token.meta["id"], []
        elif token.type == "footnote_close" and current is not None:
            bodies[current] = md.renderer.render(collected, md.options, {})
            current = None
        elif current is not None and token.type != "footnote_anchor":
            collected.append(token)
    return bodies
