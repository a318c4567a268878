"""Stage 3: Markdown to tokens. Article bodies get a stable id on every passage; note bodies get [[entity]] links.

Raw HTML is off in every parser (content never injects markup), links are limited to http(s),
mailto and relative targets, and the typographer is off so the articles' own characters are kept.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Callable, Mapping, NamedTuple, Sequence

from markdown_it import MarkdownIt
from markdown_it.common.utils import escapeHtml as escape_html
from markdown_it.rules_inline import StateInline
from markdown_it.token import Token
from mdit_py_plugins.footnote import footnote_plugin

from .model import Article

PASSAGE_TYPES = ("paragraph_open", "heading_open")
SAFE_URL = re.compile(r"^(?:https?://|mailto:|[^:]*$)", re.IGNORECASE)
"""http(s), mailto, or a relative reference (no scheme at all). Everything else is refused."""
ENTITY_REF = re.compile(r"\[\[([^\[\]|\n]+?)(?:\|([^\[\]\n]+?))?\]\]")


def is_safe_url(url: str) -> bool:
    """True for http(s), mailto and scheme-less relative URLs (javascript:, data:, file: are refused)."""
    compact = re.sub(r"[\x00-\x20]", "", url)
    return bool(SAFE_URL.match(compact))


def _entity_ref_rule(state: StateInline, silent: bool) -> bool:
    """Inline rule for [[entity-id]] and [[entity-id|shown text]] in note bodies."""
    if not state.src.startswith("[[", state.pos):
        return False
    match = ENTITY_REF.match(state.src, state.pos)
    if not match:
        return False
    if not silent:
        token = state.push("entity_ref", "", 0)
        token.meta = {"id": match.group(1).strip(), "text": (match.group(2) or "").strip()}
        token.content = match.group(0)
    state.pos = match.end()
    return True


MAX_NESTING = 40
"""Deeper block nesting than this is refused: markdown-it would otherwise drop the rest of the text."""


def _image_as_link(self, tokens: list[Token], idx: int, options: object, env: object) -> str:
    """Images are never loaded (a request leaving the site, blocked by the CSP anyway): link to them instead."""
    token = tokens[idx]
    alt = "".join(child.content for child in token.children or ()) or "image"
    src = escape_html(str(token.attrGet("src") or ""))
    return f'<a class="image-link" href="{src}">[image: {escape_html(alt)}]</a>'


def make_parser(*, entity_refs: bool = False) -> MarkdownIt:
    """CommonMark with footnotes; raw HTML disabled; images shown as links; optional [[entity]] syntax."""
    md = MarkdownIt("commonmark", {"html": False, "typographer": False, "maxNesting": MAX_NESTING + 10})
    md.use(footnote_plugin)
    md.validateLink = is_safe_url
    md.add_render_rule("image", _image_as_link)
    if entity_refs:
        md.inline.ruler.before("link", "entity_ref", _entity_ref_rule)
    return md


class Passage(NamedTuple):
    """A deep-linkable block of an article: a paragraph (also inside a block quote) or a heading."""

    number: int
    """1-based, in reading order."""
    id: str
    """HTML id, `p-<number>`: stable as long as the article's paragraphs are not reordered."""
    token_index: int
    """Index of the block's inline token in ParsedArticle.tokens."""
    kind: str
    """paragraph | heading | quote (a paragraph inside a block quote)."""
    line: int
    """1-based line in the article file."""
    text: str
    """Reader-visible text: inline markup dropped, soft breaks kept as newlines."""


@dataclass(frozen=True, slots=True)
class ParsedArticle:
    """An article's tokens with its passages identified. Stage 3 output."""

    article: Article
    tokens: list[Token]
    passages: Sequence[Passage]
    """A tuple; in the cross-article stages an AnchoredPassages (see analysis.for_parent)."""


def visible_text(children: list[Token]) -> str:
    """What a reader sees of an inline token: text, code and line breaks; markup dropped."""
    return "".join(_visible(child) for child in children)


def _visible(child: Token) -> str:
    if child.type in ("text", "code_inline"):
        return child.content
    if child.type in ("softbreak", "hardbreak"):
        return "\n"
    return ""


def plain_of(tokens: list[Token], names: Mapping[str, str] | None = None) -> str:
    """The text of parsed Markdown on one line: markup dropped, paragraphs and breaks as spaces, an
    [[entity]] reference as the page shows it (its text, or the entity's name in `names`)."""
    parts = []
    for token in tokens:
        for child in token.children or ():
            if child.type == "entity_ref":
                parts.append(child.meta["text"] or (names or {}).get(child.meta["id"], child.meta["id"]))
            elif child.type in ("text", "code_inline"):
                parts.append(child.content)
            elif child.type in ("softbreak", "hardbreak"):
                parts.append(" ")
        if token.type == "paragraph_close":
            parts.append(" ")
    return " ".join("".join(parts).split())


def passage_id(number: int) -> str:
    """The HTML id of passage `number` (1-based)."""
    return f"p-{number}"


def parse_article(md: MarkdownIt, article: Article) -> ParsedArticle:
    """Tokens of the body, with `id="p-N"` set on every passage, N in reading order."""
    tokens = md.parse(article.body)
    passages: list[Passage] = []
    in_footnote = 0
    quote_depth = 0
    for index, token in enumerate(tokens):
        if token.type == "footnote_block_open":
            in_footnote += 1
        elif token.type == "footnote_block_close":
            in_footnote -= 1
        elif token.type == "blockquote_open":
            quote_depth += 1
        elif token.type == "blockquote_close":
            quote_depth -= 1
        elif token.type in PASSAGE_TYPES and not in_footnote:
            number = len(passages) + 1
            token.attrSet("id", passage_id(number))
            kind = "heading" if token.type == "heading_open" else ("quote" if quote_depth else "paragraph")
            inline = tokens[index + 1]
            line = article.body_line + (token.map[0] if token.map else 0)
            passages.append(Passage(number, passage_id(number), index + 1, kind, line, visible_text(inline.children or [])))
    return ParsedArticle(article, tokens, tuple(passages))


def too_deep(tokens: list[Token]) -> Token | None:
    """The first token nested beyond MAX_NESTING (markdown-it silently drops what lies deeper)."""
    return next((t for t in tokens if t.level >= MAX_NESTING), None)


def render_note_markdown(md: MarkdownIt, text: str, resolve_entity: Callable[[str, str], str]) -> str:
    """Render a note/description body; `resolve_entity(id, shown)` returns the HTML for an [[id]] link."""
    env: dict[str, object] = {}
    tokens = md.parse(text, env)
    for token in tokens:
        for child in token.children or ():
            if child.type == "entity_ref":
                child.type = "html_inline"
                child.content = resolve_entity(child.meta["id"], child.meta["text"])
    return md.renderer.render(tokens, md.options, env)
