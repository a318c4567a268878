"""Markdown fields of the edition (note bodies, descriptions, findings) rendered for a page.

Two shapes: block HTML (endnotes, glossary pages) and phrasing HTML (sidenotes, which sit inside a
paragraph and so may not contain <p> or lists). Links are rewritten for the page's depth:
`slug.md#p-3` becomes `../articles/slug.html#p-3`, `[[entity]]` a link to the entity's page.
"""
from __future__ import annotations

from functools import lru_cache
from html import escape
from typing import Mapping

from markdown_it import MarkdownIt
from markdown_it.token import Token

from .linking import _ARTICLE_LINK
from .markdown import make_parser

_PHRASING_BLOCKS = {"p": "sn-p", "ul": "sn-list", "ol": "sn-list", "li": "sn-item", "blockquote": "sn-quote",
                    "h1": "sn-h", "h2": "sn-h", "h3": "sn-h", "h4": "sn-h", "h5": "sn-h", "h6": "sn-h"}


class RichText:
    """Renders the edition's own Markdown for pages at a given depth below the site root."""

    def __init__(self, entity_names: Mapping[str, str]):
        self.md: MarkdownIt = make_parser(entity_refs=True)
        self.entity_names = entity_names

    def _prepare(self, text: str, root: str, inert: bool = False) -> tuple[list[Token], dict]:
        """Parse and rewrite links; `inert` takes links out of the tab order (for aria-hidden copies)."""
        env: dict = {}
        tokens = self.md.parse(text, env)
        for token in tokens:
            for child in token.children or ():
                if child.type == "entity_ref":
                    child.type = "html_inline"
                    child.content = self._entity_link(child.meta["id"], child.meta["text"], root, inert)
                elif child.type == "link_open":
                    child.attrSet("href", self._rewrite(str(child.attrGet("href") or ""), root))
                    if inert:
                        child.attrSet("tabindex", "-1")
        return tokens, env

    def _entity_link(self, entity_id: str, shown: str, root: str, inert: bool = False) -> str:
        name = self.entity_names.get(entity_id, entity_id)
        tabindex = ' tabindex="-1"' if inert else ""
        return (f'<a class="entity-ref" href="{escape(root)}glossary/{escape(entity_id)}.html"{tabindex}>'
                f"{escape(shown or name)}</a>")

    @staticmethod
    def _rewrite(href: str, root: str) -> str:
        target = _ARTICLE_LINK.match(href)
        if not target:
            return href
        fragment = f"#{target.group(2)}" if target.group(2) else ""
        return f"{root}articles/{target.group(1)}.html{fragment}"

    def block(self, text: str, root: str) -> str:
        return _cached_block(self, text, root)

    def phrasing(self, text: str, root: str) -> str:
        """The same content with block elements turned into spans (valid inside a paragraph)."""
        return self.phrasing_of(*self._prepare(text, root, inert=True))

    def phrasing_of(self, tokens: list[Token], env: dict) -> str:
        out: list[str] = []
        for token in tokens:
            if token.type == "inline":
                out.append(self.md.renderer.renderInline(token.children or [], self.md.options, env))
            elif token.type in ("fence", "code_block"):
                out.append(f"<code>{escape(token.content.strip())}</code>")
            elif token.nesting == 1:
                out.append(f'<span class="{_PHRASING_BLOCKS.get(token.tag, "sn-block")}">')
            elif token.nesting == -1:
                out.append("</span> ")
        return "".join(out).strip()

    def note_forms(self, text: str, root: str) -> tuple[str, str, str]:
        """(block, phrasing, plain text) of a note body from one parse: a note is shown as an endnote
        and a sidenote and indexed for search, and parsing dominates the cost of all three."""
        return _cached_forms(self, text, root)

    def inline(self, text: str, root: str) -> str:
        """A one-paragraph field (a summary) without the <p>."""
        tokens, env = self._prepare(text, root)
        return "".join(self.md.renderer.renderInline(t.children or [], self.md.options, env)
                       for t in tokens if t.type == "inline")


@lru_cache(maxsize=4096)
def _cached_block(rich: RichText, text: str, root: str) -> str:
    tokens, env = rich._prepare(text, root)
    return rich.md.renderer.render(tokens, rich.md.options, env)


@lru_cache(maxsize=4096)
def _cached_forms(rich: RichText, text: str, root: str) -> tuple[str, str, str]:
    env: dict = {}
    tokens = rich.md.parse(text, env)
    plain: list[str] = []
    for token in tokens:
        for child in token.children or ():
            if child.type in ("text", "code_inline", "entity_ref"):
                plain.append(child.content)  # an [[id]] counts as written, as in views.plain_text
            elif child.type in ("softbreak", "hardbreak"):
                plain.append(" ")
        if token.type == "paragraph_close":
            plain.append(" ")
    entity_refs = []
    for token in tokens:
        for child in token.children or ():
            if child.type == "entity_ref":
                entity_refs.append((child, child.meta["id"], child.meta["text"]))
                child.type = "html_inline"
                child.content = rich._entity_link(child.meta["id"], child.meta["text"], root)
            elif child.type == "link_open":
                child.attrSet("href", rich._rewrite(str(child.attrGet("href") or ""), root))
    block = rich.md.renderer.render(tokens, rich.md.options, env)
    for child, entity_id, shown in entity_refs:  # the sidenote copy is aria-hidden: out of the tab order
        child.content = rich._entity_link(entity_id, shown, root, inert=True)
    for token in tokens:
        for child in token.children or ():
            if child.type == "link_open":
                child.attrSet("tabindex", "-1")
    return block, rich.phrasing_of(tokens, env), " ".join("".join(plain).split())
