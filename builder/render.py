"""Stage 6: render every page and data file. Pure: returns OutputFiles, writes nothing.

Jinja runs with autoescaping on and StrictUndefined, so a template that names a missing value fails
the build (with the template and the page named) instead of printing an empty string.
"""
from __future__ import annotations

import contextlib
import json
import os
import re
from pathlib import Path, PurePosixPath
from typing import Any, Callable, Iterable, Iterator, Sequence

import jinja2
from markupsafe import Markup

from . import __version__
from .articlecache import ArticleCache
from .articlework import RELATED_SLOT, SHARED_FIELDS, ArticleResult, EditionKeys
from .assets import AssetManifest
from .reuse import PageReuse, SameAsLast, inputs_hash
from .diagnostics import Diagnostics, SourceLocation
from .exports import annotations_jsonld, atom_feed, robots_txt, sitemaps
from .model import Entity
from .parallel import RETIRE_AFTER, release_free_memory, render_pages
from .searchindex import search_index
from .write import SiteWriter
from .views import (FRAMING_LABELS, KIND_LABELS, Concordance, Site, number_words, article_view, authors_view, claims_view,
                    concordance_page_path, concordance_pages, concordance_slice, entity_claims, entity_events, entity_view,
                    about_page_path, glossary_page_path, glossary_pages, home_page_path, is_wide, language_view, long_date, note_backlinks,
                    list_pages, page_links, page_range, pager, plain_text,
                    related_articles, source_lists, sources_view, timeline_view)


def make_env(theme_dir: Path, compiled: Path | None = None) -> jinja2.Environment:
    """The theme's Jinja environment. With `compiled` (a directory of the build's own cache), templates
    compiled by an earlier build are loaded from there instead of compiled again: compiling the theme
    takes about a third of the real edition's build. Jinja keys each by the template's source and the
    Python version, and writes it atomically."""
    if compiled:
        compiled.mkdir(parents=True, exist_ok=True)
    env = jinja2.Environment(
        loader=jinja2.FileSystemLoader(str(theme_dir / "templates")),
        bytecode_cache=jinja2.FileSystemBytecodeCache(str(compiled)) if compiled else None,
        autoescape=True,
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
    )
    env.filters["long_date"] = long_date
    env.filters["number_words"] = number_words
    # (href, text) pairs for the "On this page" tables of contents
    env.filters["claim_toc"] = lambda claim: (f"#{claim.id}", claim.question)
    env.filters["event_toc"] = lambda row: (f"#{row['event'].id}", f"{row['dates']}: {row['event'].title}")
    env.filters["concept_toc"] = lambda concept: (f"#{concept.id}", concept.label)
    env.filters["outlet_toc"] = lambda outlet: (f"#{outlet.id}", outlet.name)
    env.filters["article_toc"] = lambda article: (f"#{article.slug}", article.title)
    env.globals.update(kind_labels=KIND_LABELS, framing_labels=FRAMING_LABELS, version=__version__)
    return env


@contextlib.contextmanager
def loaded_templates(env: jinja2.Environment) -> Iterator[None]:
    """Compile (or load) every template of the theme now, in this process, so that the workers forked
    later share them instead of each compiling its own; then, until the block ends, use them as they
    are. A broken template is left to fail where it is used, which reports it.

    Jinja otherwise checks each template's file on disk every time it is fetched (for each page, and
    for each page's base template), about half a percent of a build's time. Holding them also means
    a template saved during a build cannot give one build pages from two versions of the theme; the
    next build (the live preview keeps the environment) sees the change."""
    for name in env.list_templates():
        try:
            env.get_template(name)
        except jinja2.TemplateError:
            pass
    checking = env.auto_reload
    env.auto_reload = False
    try:
        yield
    finally:
        env.auto_reload = checking


def edition_reads(env: jinja2.Environment) -> set[str] | None:
    """Every attribute of `edition` the theme's templates read, or None if one of them uses `edition`
    other than by reading an attribute (passes it on, or binds it to another name)."""
    read: set[str] = set()
    for name in env.list_templates():
        try:
            tree = env.parse(env.loader.get_source(env, name)[0])  # type: ignore[union-attr]
        except jinja2.TemplateError:
            return None
        attrs = [node for node in tree.find_all(jinja2.nodes.Getattr)
                 if isinstance(node.node, jinja2.nodes.Name) and node.node.name == "edition"]
        read.update(node.attr for node in attrs)
        if sum(1 for node in tree.find_all(jinja2.nodes.Name) if node.name == "edition") != len(attrs):
            return None
    return read


def theme_is_hashable(env: jinja2.Environment, remembered: Path | None = None) -> bool:
    """Whether the templates read from `edition` only what site-wide page hashes cover (see
    articlework.SHARED_FIELDS). Parsing the theme takes tens of ms, a tenth of a small build, so the
    answer is kept in the file `remembered` with a hash of the templates' sources."""
    names = env.list_templates()
    theme = inputs_hash(*(env.loader.get_source(env, name)[0] for name in names))  # type: ignore[union-attr]
    try:
        known = json.loads(remembered.read_text(encoding="utf-8")) if remembered else None
        if isinstance(known, dict) and known.get("theme") == theme and isinstance(known.get("hashable"), bool):
            return known["hashable"]
    except (OSError, ValueError):
        pass
    reads = edition_reads(env)
    hashable = reads is not None and reads <= {*SHARED_FIELDS, "articles", "outlet_of", "author_of"}
    if remembered is not None:
        remembered.parent.mkdir(parents=True, exist_ok=True)
        temp = remembered.with_name(f".{remembered.name}.{os.getpid()}.tmp")
        temp.write_text(json.dumps({"theme": theme, "hashable": hashable}), encoding="utf-8")
        os.replace(temp, remembered)
    return hashable


Sink = Callable[[PurePosixPath, bytes], PurePosixPath]
"""Takes a finished file (SiteWriter.write writes it into the staging directory)."""


class PageRenderer:
    """Renders templates for pages at known paths, supplying the shared context; hands each file to `sink`."""

    def __init__(self, env: jinja2.Environment, site: Site, manifest: AssetManifest, diags: Diagnostics, sink: Sink):
        self.env, self.site, self.manifest, self.diags, self.sink = env, site, manifest, diags, sink
        self.dests: list[PurePosixPath] = []

    def render(self, dest: str, template: str, *, title: str, summary: str = "", section: str = "",
               **context: Any) -> bytes | None:
        """The page's bytes, or None when the template failed (reported to diags)."""
        depth = dest.count("/")
        root = "../" * depth
        edition = self.site.edition
        base = {
            "edition": edition, "root": root, "page_path": dest, "page_title": title, "section": section,
            "page_description": summary or edition_summary(self.site),
            "canonical": f"{edition.base_url}{dest}",
            "asset": lambda name: self.manifest.url(name, root),
            "jsonld": None,
        }
        try:
            return self.env.get_template(template).render({**base, **context}).encode("utf-8")
        except jinja2.TemplateSyntaxError as exc:
            self.diags.error("template", f"template syntax error: {exc.message}",
                             SourceLocation(exc.filename or template, exc.lineno or 1))
        except (jinja2.UndefinedError, jinja2.TemplateError) as exc:
            self.diags.error("template", f"template '{template}' failed while rendering {dest}: {exc}",
                             SourceLocation(f"themes/{template}"))
        return None

    def page(self, dest: str, template: str, **context: Any) -> None:
        data = self.render(dest, template, **context)
        if data is not None:
            self.emit(dest, data)

    def emit(self, dest: str, data: bytes) -> None:
        self.dests.append(self.sink(PurePosixPath(dest), data))

    def data(self, dest: str, text: str) -> None:
        self.emit(dest, text.encode("utf-8"))


def json_ld(data: dict[str, Any]) -> Markup:
    """A JSON-LD data block: `<` escaped so no text can close the script element."""
    return Markup(json.dumps(data, ensure_ascii=False, sort_keys=True).replace("<", "\\u003c"))


def article_ld(site: Site, article: Any) -> Markup:
    edition = site.edition
    author = edition.author_of(article)
    data: dict[str, Any] = {
        "@context": "https://schema.org", "@type": "NewsArticle" if article.genre == "report" else "OpinionNewsArticle"
        if article.genre == "opinion" else "AnalysisNewsArticle",
        "headline": article.title, "datePublished": article.published.isoformat(), "inLanguage": edition.language,
        "publisher": {"@type": "Organization", "name": edition.outlet_of(article).name},
        "url": f"{edition.base_url}articles/{article.slug}.html",
        "isPartOf": {"@type": "CreativeWork", "name": edition.title, "url": edition.base_url},
    }
    if author:
        data["author"] = {"@type": "Person", "name": author.name}
    if article.url:
        data["sameAs"] = article.url
    reviews = claim_reviews(site, article)
    return json_ld({"@context": "https://schema.org", "@graph": [data, *reviews]} if reviews else data)


def claim_reviews(site: Site, article: Any) -> list[dict[str, Any]]:
    """schema.org ClaimReview for each factcheck note that states a verdict."""
    edition = site.edition
    analysis = site.analyses[article.slug]
    page = f"{edition.base_url}articles/{article.slug}.html"
    reviews = []
    for note in edition.notes_for(article.slug):
        anchor = analysis.notes.get(note.id)
        if note.kind != "factcheck" or not note.verdict or anchor is None:
            continue
        reviews.append({
            "@type": "ClaimReview", "url": f"{page}#note-{note.id}", "claimReviewed": site.quote_text(article.slug, anchor),
            "author": {"@type": "Organization", "name": edition.title, "url": edition.base_url},
            "reviewRating": {"@type": "Rating", "alternateName": note.verdict},
            "itemReviewed": {"@type": "Claim", "datePublished": article.published.isoformat(),
                             "appearance": {"@type": "CreativeWork", "url": page, "headline": article.title},
                             "author": {"@type": "Organization", "name": edition.outlet_of(article).name}},
        })
    return reviews


def edition_summary(site: Site) -> str:
    return plain_text(site.md, site.edition.description)


def render_guide(markdown: str) -> tuple[Markup, list[tuple[str, str]]]:
    """The editor's guide: Markdown with code blocks highlighted by Pygments (CSS classes, no inline styles)."""
    from markdown_it import MarkdownIt
    from pygments import highlight
    from pygments.formatters import HtmlFormatter
    from pygments.lexers import get_lexer_by_name
    from pygments.util import ClassNotFound

    # One formatter and one lexer per language for the whole guide: each new formatter builds its
    # style sheet again, and finding a lexer by name walks Pygments' whole table (a third of the guide's time).
    formatter = HtmlFormatter(nowrap=True)
    lexers: dict[str, Any] = {}

    def fence(code: str, lang: str, attrs: str) -> str:
        if lang not in lexers:
            try:
                lexers[lang] = get_lexer_by_name(lang or "text")
            except ClassNotFound:
                lexers[lang] = get_lexer_by_name("text")
        # Our own <pre>, so markdown-it does not wrap the highlighted block in a second one.
        return f'<pre class="highlight"><code>{highlight(code, lexers[lang], formatter)}</code></pre>\n'

    md = MarkdownIt("commonmark", {"html": False, "highlight": fence}).enable("table")
    tokens = md.parse(markdown)
    used: set[str] = set()
    for index, token in enumerate(tokens):
        if token.type == "heading_open":
            slug = "-".join("".join(c if c.isalnum() else " " for c in tokens[index + 1].content.lower()).split()) or "h"
            unique, number = slug, 1
            while unique in used:
                number += 1
                unique = f"{slug}-{number}"
            used.add(unique)
            token.attrSet("id", unique)
    toc = [(f"#{tokens[i].attrGet('id')}", tokens[i + 1].content) for i, t in enumerate(tokens)
           if t.type == "heading_open" and t.tag == "h2"]
    return Markup(md.renderer.render(tokens, md.options, {})), toc


def article_page(pages: PageRenderer, site: Site, number: int, related_html: str) -> bytes | None:
    """One article's page; `related_html` is its related accounts (or RELATED_SLOT, filled in later)."""
    articles = site.edition.articles
    article = articles[number]
    view = article_view(site, article)
    return pages.render(f"articles/{article.slug}.html", "article.html", title=article.title, section="articles",
                        summary=f"{site.edition.outlet_of(article).name}, {long_date(article.published)}: annotated "
                                f"edition with {len(view['notes'])} notes.",
                        previous=articles[number - 1] if number else None, jsonld=article_ld(site, article),
                        next=articles[number + 1] if number + 1 < len(articles) else None,
                        related_html=Markup(related_html), **view)


def render_article_page(pages: PageRenderer, site: Site, number: int) -> None:
    """One article's page whole (the live preview renders just this one first)."""
    article = site.edition.articles[number]
    data = article_page(pages, site, number, pages.env.get_template("related.html").render(
        related=related_articles(site, article)))
    if data is not None:
        pages.emit(f"articles/{article.slug}.html", data)


def render_site(site: Site, env: jinja2.Environment, manifest: AssetManifest, diags: Diagnostics, guide: str | None,
                results: Sequence[ArticleResult], cache: ArticleCache, writer: SiteWriter, reuse: PageReuse,
                keys: EditionKeys, concordances: Concordance) -> list[PurePosixPath]:
    """Every page of the edition plus its data files, in a fixed order; returns their paths in that order.

    The article pages were rendered with the rest of each article's work (articlework) into the cache;
    here each gets its related accounts, which depend on every article, and goes to the site. Article
    and entity pages whose inputs are unchanged since the last build are taken over from it (reuse)."""
    edition = site.edition
    pages = PageRenderer(env, site, manifest, diags, writer.write)
    # Site-wide pages are taken over from the last build, like article and entity pages, when what
    # they show is unchanged: the edition-wide key (settings, outlets, authors, glossary, theme), every
    # article's record (about and claims list them all), and the page's own context, all hashed (an
    # article record in the context by its digest). A theme whose templates read more of the edition
    # than that never has them taken over.
    shared_key = keys.shared
    hashable = theme_is_hashable(env, reuse.record.with_name("theme.json"))
    articles_key = inputs_hash(shared_key, keys.records) if hashable else None
    known = {id(article): digest for article, digest in zip(edition.articles, keys.records)}

    def reused(dest: str, *inputs: object) -> bool:
        if articles_key is None:
            return False
        reuse.expect(dest, inputs_hash(articles_key, dest, *inputs, known=known))
        if reuse.take(dest, writer):
            pages.dests.append(PurePosixPath(dest))
            return True
        return False

    def sitewide(dest: str, template: str, **context: Any) -> None:
        if not reused(dest, template, context):
            pages.page(dest, template, **context)

    for asset in manifest.files:
        if not reused(asset.dest.as_posix(), asset.data):
            pages.emit(asset.dest.as_posix(), asset.data)
    articles = edition.articles
    # Every article's card, made once: the home page lists them all, and so do the sources' own lists.
    cards = [_card(site, a) for a in articles]
    home_pages(site, sitewide, cards)
    # Computed here, before any fork, so workers share them.
    related = [related_articles(site, article) for article in articles]
    for article, result, rows in zip(articles, results, related):
        reuse.expect(f"articles/{article.slug}.html", inputs_hash(result.key, [
            (r["article"].slug, r["article"].title, r["outlet"].name, r["claims"], r["events"], r["entities"]) for r in rows]))
    fresh = lambda: PageRenderer(env, site, manifest, Diagnostics(), writer.write)  # noqa: E731 - one per page
    slot = RELATED_SLOT.encode()

    def finish_article(renderer: PageRenderer, number: int) -> None:
        article, result = articles[number], results[number]
        dest = f"articles/{article.slug}.html"
        if reuse.take(dest, writer):
            renderer.dests.append(PurePosixPath(dest))
            return
        assert result.page, "articles with errors stop the build before rendering"
        data = cache.page(result.key)
        assert data is not None, f"the cache entry of {article.slug} went missing during the build"
        html = env.get_template("related.html").render(related=related[number])
        renderer.emit(dest, data.replace(slot, html.encode("utf-8"), 1))

    pages.dests.extend(render_pages(len(articles), finish_article, fresh, diags))
    backlinks = note_backlinks(site)
    # Each entity's page, then its concordance's further pages: one item of work each.
    entity_pages: list[tuple[Entity, int, int]] = []
    for entity in sorted(edition.entities.values(), key=lambda e: e.id):
        count = concordance_pages(site, concordances, entity)
        digests = concordances.digests(entity.id)
        # The first page shows totals over every article, so it hashes every section; the others only theirs.
        reuse.expect(concordance_page_path(entity.id, 1), inputs_hash(
            shared_key, entity.id, digests, edition.concordance_page_size,
            [(b["article"].slug, b["article"].title, b["note"], b["quote"]) for b in backlinks.get(entity.id, [])],
            entity_events(site, entity), entity_claims(site, entity)))
        for page in range(2, count + 1):
            reuse.expect(concordance_page_path(entity.id, page), inputs_hash(
                shared_key, entity.id, page, count, edition.concordance_page_size, digests[slice(*page_range(site, page))]))
        entity_pages.extend((entity, page, count) for page in range(1, count + 1))

    def entity_page(renderer: PageRenderer, number: int) -> None:
        entity, page, count = entity_pages[number]
        dest = concordance_page_path(entity.id, page)
        if reuse.take(dest, writer):
            renderer.dests.append(PurePosixPath(dest))
            return
        if page == 1:
            view = entity_view(site, entity, concordances.get(entity.id), concordances.spellings(entity.id),
                               backlinks.get(entity.id, []), cache.fetch, count)
            renderer.page(dest, "entity.html", title=entity.name, section="glossary",
                          summary=site.entity_summary(entity), **view)
            return
        view = concordance_slice(site, concordances.get(entity.id, *page_range(site, page)), page, cache.fetch)
        renderer.page(dest, "concordance.html", title=f"{entity.name}: how each source speaks of it, page {page} of {count}",
                      section="glossary", summary=f"Every sentence that names {entity.name}, article by article "
                      f"({view['shown_label']} of {concordances.size(entity.id)}).",
                      entity=entity, page=page, page_count=count, article_total=concordances.size(entity.id),
                      pager=pager(entity.id, page, count), **view)

    # An entity's page reads every article that names it, so over the pool each worker would come to
    # copy most of the model (see parallel.RETIRE_AFTER); finishing an article page reads little.
    release_free_memory()
    pages.dests.extend(render_pages(len(entity_pages), entity_page, fresh, diags, RETIRE_AFTER))
    for number, view in enumerate(glossary_pages(site, concordances), start=1):
        title = "Glossary" if number == 1 else f"Glossary, {view['first_name']} to {view['last_name']}"
        sitewide(glossary_page_path(number), "glossary.html", title=title, section="glossary",
                 summary="Every person, group, place, weapon and event named in the articles, with every spelling.",
                 **view)
    sitewide("sources.html", "sources.html", title="Sources", section="sources",
             summary="Who published each article, and how independent raters assess the outlets.",
             outlets=sources_view(site), authors=authors_view(site))
    source_list_pages(site, sitewide, cards)
    sitewide("claims.html", "claims.html", title="Contested claims", section="claims",
             summary="Where the accounts disagree, side by side, with what later reporting established.",
             claims=claims_view(site), wide=is_wide(site))
    sitewide("timeline.html", "timeline.html", title="Timeline", section="timeline",
             summary="The events in date order, linked to every passage that discusses them.",
             events=timeline_view(site), article_count=len(articles))
    sitewide("language.html", "language.html", title="Language", section="language",
             summary="How each source names the same things: competing terms counted in every article.",
             concepts=language_view(site), wide=is_wide(site))
    sitewide("search.html", "search.html", title="Search", section="search",
             summary="Search the articles, notes, glossary, claims and timeline.",
             spelling_example=spelling_example(edition.entities.values(), concordances))
    about_pages(site, sitewide)
    if guide:
        sitewide("guide.html", "guide.html", title="Editor’s guide", section="about",
                 summary="How to add articles, notes, entities, claims and events, and how to fix every error.",
                 **dict(zip(("guide", "guide_toc"), render_guide(guide))))
    for prefix in ("", "articles/", "glossary/"):
        sitewide(f"{prefix}404.html", "404.html", title="Page not found", section="")

    def pieces(ref: Callable[[ArticleResult], Any]) -> Iterator[bytes]:
        return (cache.fetch(r.spooled(ref(r))) if ref(r) else b"" for r in results)

    def open_part(name: str) -> SameAsLast:
        dest = PurePosixPath(name)
        pages.dests.append(dest)
        return SameAsLast(reuse, writer, dest)

    search_index(site, pieces(lambda r: r.search), open_part)
    pages.dests.append(writer.write_stream(PurePosixPath("annotations.jsonld"), annotations_jsonld(
        site, pieces(lambda r: r.annotations), sum(r.annotation_count for r in results))))
    if not reused("feed.xml"):
        pages.data("feed.xml", atom_feed(site))
    if not reused("robots.txt"):
        pages.data("robots.txt", robots_txt(edition))
    listed = [d.as_posix() for d in pages.dests if d.suffix == ".html" and d.name != "404.html"]
    for name, text in sitemaps(edition, listed):
        if not reused(name, text):
            pages.data(name, text)
    return pages.dests


def home_pages(site: Site, sitewide: Callable[..., None], cards: list[dict[str, Any]]) -> None:
    """The home page, and past edition.home_page_size articles the further pages of its list (index.page-N.html).
    `cards`: every article's (_card), in reading order."""
    edition = site.edition
    for page in list_pages(len(cards), edition.home_page_size):
        listing = {"articles": cards[page.start:page.stop], "article_count": len(cards), "first_shown": page.start + 1,
                   "shown_range": page.shown_range, "page_count": page.count,
                   "pager": page_links(home_page_path, page.number, page.count)}
        if page.number == 1:
            sitewide("index.html", "index.html", title=edition.title, section="home",
                     summary=edition_summary(site), lede=Markup(site.rich.block(edition.description, "")),
                     timeline_span=timeline_span(edition.events), **listing,
                     jsonld=json_ld({"@context": "https://schema.org", "@type": "WebSite", "name": edition.title,
                                     "url": edition.base_url, "inLanguage": edition.language,
                                     "description": edition_summary(site)}))
        else:
            label = page.which.capitalize()
            sitewide(home_page_path(page.number), "index.html", title=label, section="articles",
                     summary=f"{label} in {edition.title}.", **listing)


def source_list_pages(site: Site, sitewide: Callable[..., None], every_card: list[dict[str, Any]]) -> None:
    """The articles of each outlet and author whose card in sources.html lists only some of them, in
    pages of edition.home_page_size (views.source_lists). `every_card`: as for home_pages."""
    card_of = {id(card["article"]): card for card in every_card}
    for source in source_lists(site):
        cards = [card_of[id(a)] for a in source.articles]
        for page in list_pages(len(cards), site.edition.home_page_size):
            title = source.name if page.count == 1 else f"{source.name}: {page.shown_range} of {page.total:,}"
            sitewide(source.path(page.number), "source-articles.html", title=title, section="sources",
                     summary=f"{source.name} in {site.edition.title}, in reading order.", card_href=source.card,
                     articles=cards[page.start:page.stop], article_count=len(cards), first_shown=page.start + 1,
                     shown_range=page.shown_range, page_count=page.count,
                     pager=page_links(source.path, page.number, page.count))


def about_pages(site: Site, sitewide: Callable[..., None]) -> None:
    """About: the editorial method, then every article's provenance and omissions, which past
    edition.home_page_size articles go on in about.page-N.html (at 10,000 articles one page was 5.8 MB).
    Each article page shows its own provenance too, so none needs to know which page lists it."""
    edition = site.edition
    method = Markup(site.rich.block(edition.method, "")) if edition.method else ""
    for page in list_pages(len(edition.articles), edition.home_page_size):
        listing = {"articles": edition.articles[page.start:page.stop], "first_shown": page.start + 1,
                   "shown_range": page.shown_range, "page_count": page.count,
                   "pager": page_links(about_page_path, page.number, page.count)}
        if page.number == 1:
            sitewide("about.html", "about.html", title="About this edition", section="about",
                     summary="Editorial method, provenance of every article and every omission.", method=method, **listing)
        else:
            sitewide(about_page_path(page.number), "about.html", title=f"Provenance of {page.which}", section="about",
                     summary=f"Where the texts of {page.which} in {edition.title} come from, and what was omitted.",
                     **listing)


def timeline_span(events: Sequence[Any]) -> str:
    """What the timeline covers, for the home page: "the events from <first day> to <last day>"."""
    if not events:
        return "the events in date order"
    first, last = min(event.date for event in events), max(event.end_date or event.date for event in events)
    return f"the events of {long_date(first)}" if first == last else f"the events from {long_date(first)} to {long_date(last)}"


def spelling_example(entities: Iterable[Entity], concordances: Concordance) -> tuple[str, str] | None:
    """(a spelling, the name it is found under) for the search page's help, taken from the entity the
    articles spell in the most ways, people first (transliterated names are what readers misspell;
    ties by id): the spelling they use most that shares no word with the entity's name ("Suleimani"
    for Qasem Soleimani, not "PMFs" for Popular Mobilization Forces (PMF)). None when there is none."""
    def words(text: str) -> set[str]:
        return set(re.findall(r"\w+", text.casefold()))

    for entity in sorted(entities, key=lambda e: (e.type != "person", -len(concordances.spellings(e.id)), e.id)):
        name = words(entity.name)
        used = [(-count, len(spelling), spelling) for spelling, count in concordances.spellings(entity.id).items()
                if name.isdisjoint(words(spelling))]
        if used:
            return min(used)[2], entity.name
    return None


def _card(site: Site, article: Any) -> dict[str, Any]:
    analysis = site.analyses[article.slug]
    return {"article": article, "outlet": site.edition.outlet_of(article), "author": site.edition.author_of(article),
            "notes": len(analysis.notes) + len({f.footnote_id for f in analysis.footnotes}),
            "claims": len(analysis.claims), "entities": len({m.entity_id for m in analysis.mentions})}
