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
from .markdown import make_parser, plain_of

_PHRASING_BLOCKS = {"p": "sn-p", "ul": "sn-list", "ol": "sn-list", "li": "sn-item", "blockquote": "sn-quote",
                    "h1": "sn-h", "h2": "sn-h", "h3": "sn-h", "h4": "sn-h", "h5": "sn-h", "h6": "sn-h"}


class RichText:
    """Renders the edition's own Markdown for pages at a given depth below the site root."""

    def __init__(self, entity_names: Mapping[str, str]):
        self.md: MarkdownIt = make_parser(entity_refs=True)
        self.entity_names = entity_names

    def _prepare(self, text: str, root: str) -> tuple[list[Token], dict]:
        """Parse and rewrite links for a page at `root`."""
        env: dict = {}
        tokens = self.md.parse(text, env)
        self._link(tokens, root)
        return tokens, env

    def _link(self, tokens: list[Token], root: str, inert: bool = False) -> None:
        """Rewrite links for the page's depth; `inert` takes them out of the tab order (for aria-hidden
        copies). Can run again on the same tokens (the sidenote copy of an endnote)."""
        for token in tokens:
            for child in token.children or ():
                if child.type == "entity_ref" or child.meta.get("entity_ref"):
                    child.type = "html_inline"
                    child.meta["entity_ref"] = True
                    child.content = self._entity_link(child.meta["id"], child.meta["text"], root, inert)
                elif child.type == "link_open":
                    child.attrSet("href", self._rewrite(str(child.attrGet("href") or ""), root))
                    if inert:
                        child.attrSet("tabindex", "-1")

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

    def phrasing_of(self, tokens: list[Token], env: dict) -> str:
        """Block content with block elements turned into spans (valid inside a paragraph)."""
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
    plain = plain_of(tokens, rich.entity_names)  # before the references become links
    rich._link(tokens, root)
    block = rich.md.renderer.render(tokens, rich.md.options, env)
    rich._link(tokens, root, inert=True)  # the sidenote copy is aria-hidden: out of the tab order
    return block, rich.phrasing_of(tokens, env), plain
