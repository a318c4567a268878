"""The live preview's fast path: after an edit to one article or its notes, re-render that article's
page alone and write it in place, before the full rebuild runs (which then replaces the whole site).

It reuses what the last good build knew (the edition and every other article's analysis), so it is
only taken when the change is confined to one article's two files and that build succeeded; anything
else goes straight to the full rebuild, which remains the authority (and reports every problem).
"""
from __future__ import annotations

import dataclasses
import os
import tempfile
from pathlib import Path, PurePosixPath

from .analysis import analyse_article, compile_terms
from .assets import fingerprint
from .build import BuildReport, Paths
from .diagnostics import Diagnostics
from .linking import build_entity_index
from .load import read_article, read_yaml_file
from .markdown import make_parser, parse_article
from .model import build_article, build_notes
from .render import PageRenderer, make_env, render_article_page
from .views import Site


class QuickPages:
    def __init__(self, paths: Paths):
        self.paths = paths
        self.env = make_env(paths.theme)
        self.state: tuple | None = None

    def remember(self, report: BuildReport) -> None:
        """Keep the model of the build that just succeeded."""
        edition, analyses = report.edition, report.analyses
        if edition is None or analyses is None:
            self.state = None
            return
        site = Site(edition, analyses)
        site.prepare()
        site.relations()
        self.state = (edition, analyses, build_entity_index(edition, Diagnostics()), compile_terms(edition.concepts),
                      fingerprint(self.paths.theme / "static"), site)

    def forget(self) -> None:
        self.state = None

    def refresh(self, changed: set[Path]) -> str | None:
        """The path of the page written, or None when the change needs the full rebuild."""
        if self.state is None or not changed:
            return None
        content = self.paths.content.absolute()
        slugs = set()
        for path in changed:
            path = path.absolute()
            if path.parent == content / "articles" and path.suffix == ".md" or \
                    path.parent == content / "annotations" and path.suffix == ".yaml":
                slugs.add(path.stem)
            else:
                return None
        if len(slugs) != 1:
            return None
        slug = slugs.pop()
        edition, analyses, index, terms, manifest, last = self.state
        if slug not in analyses:
            return None
        diags = Diagnostics()
        article_file = self.paths.content / "articles" / f"{slug}.md"
        root = self.paths.content.resolve()
        raw = read_article(article_file, root, diags)
        article = build_article(raw, edition.outlets, edition.authors, diags) if raw else None
        notes_file = self.paths.content / "annotations" / f"{slug}.yaml"
        notes = build_notes(slug, read_yaml_file(notes_file, root, diags), diags) \
            if notes_file.is_file() else ()
        if article is None or diags.has_errors:
            return None
        articles = tuple(article if a.slug == slug else a for a in edition.articles)
        if [a.slug for a in articles] != [a.slug for a in edition.articles] or article.published != edition.article(slug).published:
            return None
        edition = dataclasses.replace(edition, articles=articles, notes={**edition.notes, slug: notes})
        analysis = analyse_article(parse_article(make_parser(), article), edition, index, terms, diags)
        if diags.has_errors:
            return None
        site = Site(edition, {**analyses, slug: analysis})
        # The last build's related-article index and preview summaries: recomputing them would cost a
        # large edition most of the time budget, and the full rebuild that follows corrects any drift.
        site.adopt(last)
        written: list[tuple[PurePosixPath, bytes]] = []
        pages = PageRenderer(self.env, site, manifest, diags, lambda dest, data: written.append((dest, data)) or dest)
        render_article_page(pages, site, [a.slug for a in articles].index(slug))
        if diags.has_errors or not written:
            return None
        dest, data = written[0]
        target = self.paths.out / dest
        handle, temp = tempfile.mkstemp(prefix=".quick.", dir=target.parent)
        with os.fdopen(handle, "wb") as stream:
            stream.write(data)
        os.chmod(temp, 0o644)
        os.replace(temp, target)
        return dest.as_posix()
