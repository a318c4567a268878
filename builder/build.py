"""The orchestrator: load → model → parse → anchor and link → render → write, as one flat list of steps.

No output file is written until every check has passed (the two gates), and then the whole site is
swapped in at once.
"""
from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import jinja2

from . import load, model, stamp
from .analysis import ArticleAnalysis, analyse_article, compile_terms
from .assets import OutputFile, fingerprint
from .diagnostics import Diagnostic, Diagnostics, SourceLocation
from .linking import build_entity_index, check_markdown_references, check_unused_aliases, check_unused_overrides
from .markdown import make_parser, parse_article
from .render import make_env, render_site
from .views import Site
from .write import write_site


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
    outputs: tuple[OutputFile, ...]
    edition: model.Edition | None = None
    """The checked model (the live preview keeps it for its fast path)."""
    analyses: dict[str, ArticleAnalysis] | None = None
    up_to_date: bool = False
    """Nothing had changed: the site on disk was already this build's output."""


def analyse_content(paths: Paths, diags: Diagnostics) -> tuple[model.Edition, dict[str, ArticleAnalysis], str | None]:
    """Steps 1–5: everything that can find a problem in the content. Raises BuildFailed on errors."""
    raw = load.read_content(paths.content, diags)
    edition = model.build_edition(raw, diags)
    if edition is None:  # no usable edition settings: nothing further can be checked meaningfully
        diags.raise_if_errors()
    assert edition is not None
    # Articles that loaded are anchored and linked even when other files had errors, so the editor
    # sees every problem in one run; the gate below still stops before anything is rendered.
    md = make_parser()
    entity_index = build_entity_index(edition, diags)
    terms = compile_terms(edition.concepts)
    analyses = {}
    for article in edition.articles:
        parsed = parse_article(md, article)
        analyses[article.slug] = analyse_article(parsed, edition, entity_index, terms, diags)
    glossary = raw.data.get("glossary")
    glossary_ok = glossary is None or not diags.has_errors_in(glossary.path)
    check_markdown_references(edition, {slug: a.parsed for slug, a in analyses.items()}, diags, entities=glossary_ok)
    if not diags.has_errors:  # with articles missing, unused spellings would be false alarms
        check_unused_aliases(edition, [m for a in analyses.values() for m in a.mentions], diags)
        check_unused_overrides(edition, {slug: a.parsed for slug, a in analyses.items()}, diags)
    diags.raise_if_errors()
    return edition, analyses, raw.guide


def build(paths: Paths, *, write: bool = True, strict: bool = False, env: jinja2.Environment | None = None,
          reuse: bool = False) -> BuildReport:
    """Build the site; with write=False only check. Raises BuildFailed (site untouched) on errors.

    `env` lets a long-running caller (the live preview) keep its compiled templates between builds.
    `reuse` skips the work when nothing read has changed since the last build and its output is intact
    (the report then has no outputs and `up_to_date` set)."""
    key = stamp.inputs_key(paths.content, paths.theme, f"strict={strict}") if write and reuse else None
    if key is not None and stamp.is_current(key, paths.out):
        return BuildReport((), (), up_to_date=True)
    diags = Diagnostics()
    edition, analyses, guide = analyse_content(paths, diags)
    if strict:
        for warning in list(diags.items):
            diags.error(warning.code, warning.message, warning.location, warning.hints)
        diags.raise_if_errors()
    if not write:
        return BuildReport(tuple(diags.sorted()), ())
    static = paths.theme / "static"
    if not (paths.theme / "templates").is_dir():
        diags.error("no-theme", "theme has no templates/ directory", SourceLocation(paths.theme.as_posix()))
        diags.raise_if_errors()
    manifest = fingerprint(static) if static.is_dir() else fingerprint(Path("/nonexistent"))
    outputs = render_site(Site(edition, analyses), env or make_env(paths.theme), manifest, diags, guide)
    diags.raise_if_errors()
    write_site(outputs, paths.out)
    if key is not None and not diags.items:  # a build with warnings is redone, so they are shown again
        stamp.record(key, paths.out)
    return BuildReport(tuple(diags.sorted()), tuple(outputs), edition, analyses)
