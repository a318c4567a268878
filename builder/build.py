"""The orchestrator: load → model → parse → anchor and link → render → write, as one flat list of steps.

No output file is written until every check has passed (the two gates), and then the whole site is
swapped in at once.
"""
from __future__ import annotations

import contextlib
from dataclasses import dataclass, replace
from pathlib import Path, PurePosixPath
from typing import Any

import jinja2

from . import load, model, stamp
from .analysis import ArticleAnalysis, compile_terms
from .articlecache import ArticleCache
from .articlework import RELATED_SLOT, ArticleResult, analyse_articles, article_keys
from .assets import AssetManifest, fingerprint
from .diagnostics import Diagnostic, Diagnostics, SourceLocation
from .exports import article_annotations
from .loadmemo import LoadMemo
from .linking import build_entity_index, check_markdown_references, check_unused_aliases, warn_unused_overrides
from .parallel import paused_gc
from .render import PageRenderer, article_page, loaded_templates, make_env, render_site
from .reuse import PageReuse
from .searchindex import article_docs
from .views import Concordance, Site, concordance_groups
from .write import SiteWriter


@dataclass(frozen=True, slots=True)
class Paths:
    """Where content comes from and where the site goes."""

    content: Path
    out: Path
    theme: Path


@dataclass(frozen=True, slots=True)
class BuildReport:
    """What a build found and produced."""

    diagnostics: tuple[Diagnostic, ...]
    outputs: tuple[PurePosixPath, ...]
    """Every file written, relative to the output directory, in site order."""
    edition: model.Edition | None = None
    """The checked model (the live preview keeps it for its fast path)."""
    analyses: dict[str, ArticleAnalysis] | None = None
    up_to_date: bool = False
    """Nothing had changed: the site on disk was already this build's output."""


def load_edition(paths: Paths, diags: Diagnostics, memo: LoadMemo | None = None) -> tuple[model.Edition, str | None, str | None]:
    """Steps 1–2: read and check every content file into the model. Raises BuildFailed if nothing is usable.
    Returns the model, the glossary's path and the editor's guide (the raw files are let go here).
    `memo` gives unchanged article and annotations files' models from the last build."""
    with paused_gc():
        raw = load.read_content(paths.content, diags)
        edition = model.build_edition(raw, diags, memo)
    if edition is None:  # no usable edition settings: nothing further can be checked meaningfully
        diags.raise_if_errors()
    assert edition is not None
    glossary = raw.glossary_file
    return edition, load.display_path(glossary) if glossary is not None else None, raw.guide


def check_articles(edition: model.Edition, glossary_path: str | None, diags: Diagnostics,
                   **work: Any) -> list[ArticleResult]:
    """Steps 3–5 for every article (see articlework; `work` are its cache and page options), then the
    checks that look across articles. Raises BuildFailed on errors."""
    # Articles that loaded are anchored and linked even when other files had errors, so the editor
    # sees every problem in one run; the gate below still stops before anything is rendered.
    entity_index = build_entity_index(edition, diags)
    results = analyse_articles(edition, entity_index, compile_terms(edition.concepts), diags, **work)
    parsed = {a.slug: r.analysis.parsed for a, r in zip(edition.articles, results)}
    glossary_ok = glossary_path is None or not diags.has_errors_in(glossary_path)
    check_markdown_references(edition, parsed, diags, entities=glossary_ok)
    if not diags.has_errors:  # with articles missing, unused spellings would be false alarms
        check_unused_aliases(edition, [m for r in results for m in r.analysis.mentions], diags)
        warn_unused_overrides((o for r in results for o in r.unused_overrides), diags)
    diags.raise_if_errors()
    return results


def analyse_content(paths: Paths, diags: Diagnostics) -> tuple[model.Edition, dict[str, ArticleAnalysis], str | None]:
    """Steps 1–5: everything that can find a problem in the content. Raises BuildFailed on errors."""
    edition, glossary_path, guide = load_edition(paths, diags)
    results = check_articles(edition, glossary_path, diags)
    return edition, {a.slug: r.analysis for a, r in zip(edition.articles, results)}, guide


def build(paths: Paths, *, write: bool = True, strict: bool = False, env: jinja2.Environment | None = None,
          skip_if_current: bool = False, reuse: bool = True) -> BuildReport:
    """Build the site; with write=False only check. Raises BuildFailed (site untouched) on errors.

    `env` lets a long-running caller (the live preview) keep its compiled templates between builds.
    `skip_if_current` does nothing when nothing read has changed since the last build and its output is
    intact (the report then has no outputs and `up_to_date` set). `reuse` takes from the cache beside the
    output each article's work and each page whose inputs are unchanged; without it everything is done
    afresh (and the cache refilled)."""
    with stamp.build_lock(paths.out) if write else contextlib.nullcontext():
        return _build(paths, write=write, strict=strict, env=env, skip_if_current=skip_if_current, reuse=reuse)


def _build(paths: Paths, *, write: bool, strict: bool, env: jinja2.Environment | None, skip_if_current: bool,
           reuse: bool) -> BuildReport:
    # The stamp is recorded by every writing build (a --force build too), checked only when asked.
    code = stamp.code_key(paths.theme) if write else ""
    key = stamp.inputs_key(paths.content, code, f"strict={strict}", paths.out) if write else None
    if key is not None and skip_if_current and stamp.is_current(key, paths.out):
        return BuildReport((), (), up_to_date=True)
    diags = Diagnostics()
    memo = LoadMemo(stamp.cache_dir(paths.out) / "model", code, read=reuse) if write else None
    try:
        edition, glossary_path, guide = load_edition(paths, diags, memo)
    finally:
        if memo:
            memo.save()  # whether the build goes on or not: the files that loaded are good next time
    if not write:
        check_articles(edition, glossary_path, diags)
        _strict(diags, strict)
        return BuildReport(tuple(diags.sorted()), ())
    if not (paths.theme / "templates").is_dir():
        check_articles(edition, glossary_path, diags)  # content problems first, as when the theme is there
        diags.error("no-theme", "theme has no templates/ directory", SourceLocation(paths.theme.as_posix()))
        diags.raise_if_errors()
    static = paths.theme / "static"
    manifest = fingerprint(static) if static.is_dir() else fingerprint(Path("/nonexistent"))
    env = env or make_env(paths.theme, stamp.cache_dir(paths.out) / "templates")
    with loaded_templates(env):
        return _render(paths, edition, glossary_path, guide, diags, env, manifest, code, key, strict=strict, reuse=reuse)


def _render(paths: Paths, edition: model.Edition, glossary_path: str | None, guide: str | None, diags: Diagnostics,
            env: jinja2.Environment, manifest: AssetManifest, code: str, key: stamp.Inputs | None, *, strict: bool,
            reuse: bool) -> BuildReport:
    """Steps 3–7 of a writing build, with the theme's templates loaded."""
    site = Site(edition, {})
    site.prepare()
    keys = article_keys(edition, code + repr(sorted(manifest.paths.items())))
    cache = ArticleCache(stamp.cache_dir(paths.out) / "articles", read=reuse)

    def page(number: int, analysis: ArticleAnalysis, local: Diagnostics) -> bytes | None:
        site.analyses = {analysis.parsed.article.slug: analysis}  # only this article's, in this process
        return article_page(PageRenderer(env, site, manifest, local, _no_sink), site, number, RELATED_SLOT)

    def extras(number: int, analysis: ArticleAnalysis) -> tuple[Any, str, tuple[int, str]]:
        article = edition.articles[number]
        return (concordance_groups(article, edition.outlet_of(article).name, analysis),
                article_docs(site, article, analysis), article_annotations(site, article, analysis))

    concordances = Concordance(site)

    def collect(number: int, result: ArticleResult) -> ArticleResult:
        if result.concordance is not None and result.parts >= 0:
            concordances.add(number, result.concordance, result.parts)
        return replace(result, concordance=None)  # kept compactly in the Concordance

    succeeded = False
    try:
        results = check_articles(edition, glossary_path, diags, keys=keys.articles, cache=cache, page=page, extras=extras,
                                 collect=collect)
        _strict(diags, strict)
        site.analyses = {a.slug: r.analysis for a, r in zip(edition.articles, results)}
        pages = PageReuse(paths.out, stamp.cache_dir(paths.out) / "pages.json", read=reuse)
        with SiteWriter(paths.out) as writer:
            dests = render_site(site, env, manifest, diags, guide, results, cache, writer, pages, keys,
                                concordances)
            diags.raise_if_errors()
            writer.register(dests)
            writer.commit()
            succeeded = True
    finally:
        # After a failure too: the articles done before it are good for the next build.
        cache.save(keys.articles if succeeded else None)
    pages.save(dests)
    if key is not None and not diags.items:  # a build with warnings is redone, so they are shown again
        stamp.record(key, paths.out)
    return BuildReport(tuple(diags.sorted()), tuple(dests), edition, dict(site.analyses))


def _strict(diags: Diagnostics, strict: bool) -> None:
    if strict:
        for warning in list(diags.items):
            diags.error(warning.code, warning.message, warning.location, warning.hints)
        diags.raise_if_errors()


def _no_sink(dest: PurePosixPath, data: bytes) -> PurePosixPath:
    raise AssertionError("article pages go to the cache first")
