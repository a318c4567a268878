"""The build cache (per-article work and unchanged pages taken over) never changes what a build produces:
after any edit, a warm build writes the same bytes as a build from scratch, and it re-renders only
what the edit touched."""
from __future__ import annotations

import json
import os
import shutil
import sys
from pathlib import Path

import pytest
import yaml

from builder.build import Paths, build
from builder.stamp import cache_dir

from conftest import ROOT, snapshot
from searchfiles import read_search_index

sys.path.insert(0, str(ROOT / "bench"))
from generate import generate  # noqa: E402


def _replace(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text, f"{old!r} not in {path}"
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


def _warm_equals_cold(content: Path, theme: Path, tmp_path: Path, label: str) -> dict[str, bytes]:
    warm = tmp_path / "warm"
    build(Paths(content, warm, theme))
    cold = tmp_path / f"cold-{label}"
    build(Paths(content, cold, theme), reuse=False)
    shutil.rmtree(cache_dir(cold), ignore_errors=True)
    assert snapshot(warm) == snapshot(cold), f"after {label}: the warm build differs from a cold one"
    return snapshot(warm)


EDITS = [
    ("a note", "annotations/first-report.yaml", "The tide was high", "The tide was higher"),
    ("an article", "articles/second-view.md", "The harbour wall had", "The old harbour wall had"),
    ("the glossary", "glossary.yaml", "A city on the coast.", "A port city on the coast."),
    ("a claim", "claims.yaml", "question: ", "question: Really, "),
    ("the edition settings", "edition.yaml", "title: ", "title: The "),
]


@pytest.mark.parametrize("label, file, old, new", EDITS, ids=[e[0] for e in EDITS])
def test_warm_build_after_an_edit_is_byte_identical_to_a_cold_build(edition: Path, tmp_path: Path,
                                                                     label: str, file: str, old: str, new: str):
    theme = ROOT / "themes" / "default"
    before = _warm_equals_cold(edition, theme, tmp_path, "nothing")
    _replace(edition / file, old, new)
    after = _warm_equals_cold(edition, theme, tmp_path, label)
    assert after != before, f"editing {label} changed nothing: the test edit is not exercised"


def test_a_theme_edit_reaches_every_cached_page(edition: Path, tmp_path: Path):
    theme = tmp_path / "theme"
    shutil.copytree(ROOT / "themes" / "default", theme)
    _warm_equals_cold(edition, theme, tmp_path, "nothing")
    _replace(theme / "templates" / "article.html", "Provenance</h2>", "Where this text comes from</h2>")
    after = _warm_equals_cold(edition, theme, tmp_path, "the theme")
    assert all(b"Where this text comes from" in data for name, data in after.items()
               if name.startswith("articles/") and name != "articles/404.html")


def test_a_kept_environment_sees_a_template_edited_between_builds(edition: Path, tmp_path: Path):
    """The live preview keeps one Jinja environment for every build. A build holds the templates it
    loaded at its start (no check of the files per page), so the next build must look again."""
    from builder.render import make_env
    theme = tmp_path / "theme"
    shutil.copytree(ROOT / "themes" / "default", theme)
    env = make_env(theme)
    out = tmp_path / "site"
    build(Paths(edition, out, theme), env=env)
    _replace(theme / "templates" / "base.html", "</footer>", "<p>Edited footer</p></footer>")
    build(Paths(edition, out, theme), env=env)
    assert env.auto_reload, "the build left the environment's template checks off"
    pages = [p for p in out.rglob("*.html")]
    assert pages and all("Edited footer" in p.read_text(encoding="utf-8") for p in pages)


@pytest.mark.parametrize("workers", [1, 2], ids=["one process", "workers"])
def test_a_note_edit_rewrites_only_what_shows_the_note(edition: Path, tmp_path: Path, monkeypatch, workers: int):
    """Its article's page and the two data files that carry every note; every other file of the site,
    site-wide pages and assets included, is taken over from the last build (the same inode), whether
    one process renders the pages or workers do."""
    import builder.parallel as parallel

    monkeypatch.setattr(parallel, "PARALLEL_MIN_ITEMS", 1)
    monkeypatch.setattr(parallel, "PARALLEL_MIN_ARTICLES", 1)
    monkeypatch.setattr(parallel.os, "cpu_count", lambda: workers)
    out = tmp_path / "site"
    paths = Paths(edition, out, ROOT / "themes" / "default")
    build(paths)
    inodes = {p.relative_to(out).as_posix(): p.stat().st_ino for p in out.rglob("*") if p.is_file()}
    _replace(edition / "annotations" / "first-report.yaml", "The tide was high", "The tide was higher")
    build(paths)
    after = {p.relative_to(out).as_posix(): p.stat().st_ino for p in out.rglob("*") if p.is_file()}
    assert after.keys() == inodes.keys()
    # Of the search index, the part holding the note's text, and the part of the words beginning with
    # "h", where "higher" is new: the note had no word "higher" before, and has "high" no more.
    index = read_search_index(out)
    note = next(n for n, entry in enumerate(index.entries) if "The tide was higher" in entry[3])
    chunk = max(c for c, start in enumerate(index.manifest["chunks"]) if start <= note)
    assert {name for name in after if after[name] != inodes[name]} == {
        "articles/first-report.html", "annotations.jsonld", f"search/d-{chunk}.js", "search/w-h.js"}


def test_a_claim_edit_rewrites_the_claims_page_and_what_lists_the_claim(edition: Path, tmp_path: Path):
    out = tmp_path / "site"
    paths = Paths(edition, out, ROOT / "themes" / "default")
    build(paths)
    inodes = {p.relative_to(out).as_posix(): p.stat().st_ino for p in out.rglob("*") if p.is_file()}
    _replace(edition / "claims.yaml", "question: ", "question: Really, ")
    build(paths)
    changed = {p.relative_to(out).as_posix() for p in out.rglob("*") if p.is_file()
               and p.stat().st_ino != inodes[p.relative_to(out).as_posix()]}
    assert "claims.html" in changed and "search/w-r.js" in changed  # "Really"
    index = read_search_index(out)
    claim = next(n for n, entry in enumerate(index.entries) if entry[2] == "claim")
    assert f"search/d-{max(c for c, start in enumerate(index.manifest['chunks']) if start <= claim)}.js" in changed
    assert not changed & {"index.html", "about.html", "sources.html", "timeline.html", "language.html", "feed.xml",
                          "sitemap.xml", "glossary/index.html", "search.html"}


def test_the_theme_reads_from_the_edition_only_what_page_hashes_cover():
    """Site-wide pages are taken over when the edition-wide key, the article records and their own
    context are unchanged; a template reading anything else from `edition` would go stale."""
    from builder.articlework import SHARED_FIELDS
    from builder.render import edition_reads, make_env, theme_is_hashable

    env = make_env(ROOT / "themes" / "default")
    reads = edition_reads(env)
    assert reads is not None and "articles" in reads and "title" in reads  # the check sees the reads
    assert reads <= {*SHARED_FIELDS, "articles", "outlet_of", "author_of"}
    assert theme_is_hashable(env)


def test_a_theme_that_reads_more_of_the_edition_has_its_site_wide_pages_always_rendered(edition: Path, tmp_path: Path):
    theme = tmp_path / "theme"
    shutil.copytree(ROOT / "themes" / "default", theme)
    _replace(theme / "templates" / "timeline.html", "{% block main %}",
             "{% block main %}<p>First question: {{ edition.claims[0].question }}</p>")
    out = tmp_path / "site"
    build(Paths(edition, out, theme))
    before = (out / "timeline.html").stat().st_ino
    _replace(edition / "claims.yaml", "question: ", "question: Really, ")
    build(Paths(edition, out, theme))
    assert (out / "timeline.html").stat().st_ino != before
    assert b"First question: Really, " in (out / "timeline.html").read_bytes()


def _packs(out: Path) -> list[Path]:
    return sorted((cache_dir(out) / "articles").glob("*.pack"))


def test_damaged_cache_and_hand_edited_pages_are_not_trusted(edition: Path, tmp_path: Path):
    out = tmp_path / "site"
    paths = Paths(edition, out, ROOT / "themes" / "default")
    build(paths)
    expected = snapshot(out)
    index = cache_dir(out) / "articles" / "index.json"
    entries = json.loads(index.read_text(encoding="utf-8"))["entries"]
    (pack,) = _packs(out)
    data = bytearray(pack.read_bytes())
    first, second = sorted(entries.values(), key=lambda entry: entry[1])[:2]
    data[first[1] + 100:first[1] + 200] = b"\x00" * 100  # a whole header, but the pickled result is garbage
    data[second[1]:second[1] + 8] = b"edition0"  # a header that is not ours
    pack.write_bytes(bytes(data))
    (out / "articles" / "second-view.html").write_text("edited by hand", encoding="utf-8")
    (cache_dir(out) / "pages.json").write_text("{not json", encoding="utf-8")
    build(paths)
    assert snapshot(out) == expected
    (pack,) = _packs(out)  # the damaged pack was mostly dead weight: rewritten without it
    pack.write_bytes(pack.read_bytes()[:-10])  # truncated: the last page is short of its end
    (cache_dir(out) / "pages.json").unlink()  # so the article pages are made from the cache again
    build(paths, skip_if_current=False)
    assert snapshot(out) == expected
    index.write_text("{not json", encoding="utf-8")
    build(paths)
    assert snapshot(out) == expected


def test_a_large_edition_is_the_same_built_warm_in_parallel_after_edits(tmp_path: Path, monkeypatch):
    """70 synthetic articles: the per-article work runs on every core, and comes back from the cache."""
    import builder.parallel as parallel

    monkeypatch.setattr(parallel.os, "cpu_count", lambda: 2)
    content = generate(tmp_path / "edition", 70, 7)
    settings = content / "edition.yaml"  # entity pages in several pages each, so that edits move sections between them
    settings.write_text(settings.read_text(encoding="utf-8") + "concordance_page_size: 4\n", encoding="utf-8")
    theme = ROOT / "themes" / "default"
    _warm_equals_cold(content, theme, tmp_path, "nothing")
    assert len(list((tmp_path / "warm" / "glossary").glob("*.page-3.html"))) > 10
    notes = sorted((content / "annotations").glob("*.yaml"))
    text = notes[3].read_text(encoding="utf-8")
    notes[3].write_text(text.replace("body: ", "body: Edited. ", 1), encoding="utf-8")
    article = sorted((content / "articles").glob("*.md"))[10]
    # A name the article did not use: its section comes into that entity's pages and moves those after it.
    unnamed = next(e["name"] for e in yaml.safe_load((content / "glossary.yaml").read_text(encoding="utf-8"))["entities"]
                   if e["name"] not in article.read_text(encoding="utf-8"))
    article.write_text(article.read_text(encoding="utf-8") + f"\nA closing line added later names {unnamed}.\n", encoding="utf-8")
    _warm_equals_cold(content, theme, tmp_path, "edits")
    index = json.loads((cache_dir(tmp_path / "warm") / "articles" / "index.json").read_text(encoding="utf-8"))
    assert len(index["entries"]) == 70, "stale entries pruned"
    assert {entry[0] for entry in index["entries"].values()} == {p.name for p in _packs(tmp_path / "warm")}


def test_a_warm_build_reads_only_the_content_files_that_changed(tmp_path: Path, monkeypatch):
    """The others' models (the glossary's too) come from the last build (loadmemo), and the output is
    still a cold build's."""
    import os
    import time

    import builder.model as model

    content = generate(tmp_path / "edition", 70, 7)
    past = time.time() - 3600
    for path in content.rglob("*"):
        os.utime(path, (past, past))  # older than the racy window: eligible
    theme = ROOT / "themes" / "default"
    build(Paths(content, tmp_path / "warm", theme))
    note = sorted((content / "annotations").glob("*.yaml"))[3]
    article = sorted((content / "articles").glob("*.md"))[10]
    note.write_text(note.read_text(encoding="utf-8").replace("body: ", "body: Edited. ", 1), encoding="utf-8")
    article.write_text(article.read_text(encoding="utf-8") + "\nA closing line added later.\n", encoding="utf-8")
    for path in (note, article):
        os.utime(path, (past + 60, past + 60))
    just_edited = sorted((content / "annotations").glob("*.yaml"))[5]  # within the racy window: read again
    just_edited.write_text(just_edited.read_text(encoding="utf-8"), encoding="utf-8")
    read: list[str] = []
    for name in ("read_article", "read_yaml_file"):
        real = getattr(model, name)
        monkeypatch.setattr(model, name, lambda path, *rest, real=real: read.append(path.name) or real(path, *rest))
    _warm_equals_cold(content, theme, tmp_path, "edits")
    assert read.count("glossary.yaml") == 1, "read by the cold build only"
    warm_reads = read[:len(read) - 141]  # then the cold build reads the glossary and all 140 files
    assert sorted(warm_reads) == sorted([note.name, article.name, just_edited.name])


def test_a_file_saved_just_before_a_build_is_not_remembered_by_its_time(edition: Path, tmp_path: Path, monkeypatch):
    """Saved twice within one tick of the file system's clock, with the same size, a file would keep its
    key: so a file modified within two seconds of a build is neither taken from the memo nor stored."""
    import os

    import builder.loadmemo as loadmemo

    note = edition / "annotations" / "first-report.yaml"
    stamp_ns = os.stat(note).st_mtime_ns
    monkeypatch.setattr(loadmemo, "_now", lambda: stamp_ns / 1e9 + 0.5)
    out = tmp_path / "site"
    build(Paths(edition, out, ROOT / "themes" / "default"))
    _replace(note, "The tide was high", "The tide was HIGH")  # the same size
    os.utime(note, ns=(stamp_ns, stamp_ns))  # and, as far as the clock can tell, the same moment
    monkeypatch.setattr(loadmemo, "_now", lambda: stamp_ns / 1e9 + 60)
    build(Paths(edition, out, ROOT / "themes" / "default"))
    assert b"The tide was HIGH" in (out / "articles" / "first-report.html").read_bytes()


def test_two_builds_of_one_output_at_once_take_turns(tmp_path: Path):
    """The live preview and a command-line build of the same site: the second waits for the first,
    so neither takes the other's cache files away (each --force build replaces the whole cache)."""
    import subprocess

    content = generate(tmp_path / "edition", 70, 7)
    out = tmp_path / "site"
    command = [sys.executable, "-m", "builder", "build", "--content", str(content), "--out", str(out), "--force"]
    runs = [subprocess.Popen(command, cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
            for _ in range(3)]
    for run in runs:
        _, stderr = run.communicate(timeout=300)
        assert run.returncode == 0, stderr
    cold = tmp_path / "cold"
    build(Paths(content, cold, ROOT / "themes" / "default"), reuse=False)
    assert snapshot(out) == snapshot(cold)


def test_the_parent_record_keeps_what_the_cross_article_pages_read(tmp_path: Path):
    """for_parent drops text and mention positions, but not a quote, a passage id, an entity an
    article names, a spelling it uses, or an entity named where a claim is anchored."""
    import pickle

    from builder.analysis import analyse_article, compile_terms, for_parent
    from builder.build import load_edition
    from builder.diagnostics import Diagnostics
    from builder.linking import build_entity_index
    from builder.markdown import make_parser, parse_article

    content = ROOT / "content"  # the real edition: notes, claims and events in every article
    diags = Diagnostics()
    edition, _, _ = load_edition(Paths(content, tmp_path / "site", ROOT / "themes" / "default"), diags)
    index, terms = build_entity_index(edition, diags), compile_terms(edition.concepts)
    claimed_somewhere = False
    for article in edition.articles:
        full = analyse_article(parse_article(make_parser(), article), edition, index, terms, diags)
        lean = pickle.loads(pickle.dumps(for_parent(full)))
        passages = lean.parsed.passages
        assert len(passages) == len(full.parsed.passages)
        assert [(p.number, p.id) for p in passages] == [(p.number, p.id) for p in full.parsed.passages]
        for anchor in [*full.notes.values(), *full.claims.values(), *(a for _, a in full.events)]:
            assert passages[anchor.passage] == full.parsed.passages[anchor.passage]
        anchored = {a.passage for a in [*full.notes.values(), *full.claims.values(), *(a for _, a in full.events)]}
        loose = [i for i in range(len(passages)) if i not in anchored]
        assert all(passages[i].text is None for i in loose), "unanchored text kept"
        assert {m.entity_id for m in lean.mentions} == {m.entity_id for m in full.mentions}
        assert {(m.entity_id, m.text) for m in lean.mentions} == {(m.entity_id, m.text) for m in full.mentions}
        claimed = {a.passage for a in full.claims.values()}
        claimed_somewhere |= bool(claimed)
        assert ({(m.entity_id, m.passage) for m in lean.mentions if m.passage in claimed}
                == {(m.entity_id, m.passage) for m in full.mentions if m.passage in claimed})
        assert len(lean.mentions) < len(full.mentions)
        assert lean.notes == full.notes and lean.claims == full.claims
        assert [(t.concept_id, t.term, t.passage) for t in lean.terms] == [(t.concept_id, t.term, t.passage) for t in full.terms]
    assert claimed_somewhere
    assert not diags.has_errors


def test_the_parent_holds_each_distinct_mention_once_however_many_articles_name_it(tmp_path: Path):
    """Lean mentions and term hits say what, not where: equal ones from different articles are one
    object in the parent (analysis.share), so its memory grows with the vocabulary, not the articles."""
    content = generate(tmp_path / "edition", 70, 7)
    report = build(Paths(content, tmp_path / "site", ROOT / "themes" / "default"))
    mentions = [m for analysis in report.analyses.values() for m in analysis.mentions]
    hits = [t for analysis in report.analyses.values() for t in analysis.terms]
    assert len(mentions) > 2 * len(set(mentions)) and len(hits) > 2 * len(set(hits))  # the sharing matters here
    assert len({id(m) for m in mentions}) == len(set(mentions))
    assert len({id(t) for t in hits}) == len(set(hits))


def test_the_article_cache_keeps_what_it_is_told_and_compacts_its_packs(tmp_path: Path):
    """Each writing process appends to a pack of its own; save() forgets other keys, rewrites packs that
    are mostly forgotten and merges small ones, and every kept entry still reads back whole."""
    import hashlib

    from builder.articlecache import ArticleCache
    from builder.views import Spooled

    def key(n: int) -> str:
        return hashlib.sha256(str(n).encode()).hexdigest()

    def page(n: int) -> bytes:
        return f"page {n} ".encode() * (n + 1)

    directory = tmp_path / "articles"
    for build_number in range(12):  # twelve builds, each storing ten entries, keeping everything
        cache = ArticleCache(directory)
        for n in range(build_number * 10, build_number * 10 + 10):
            cache.add(key(n), cache.store(key(n), page(n), f"parts {n}".encode(), f"result {n}".encode()))
        cache.save(list(cache.entries))
    assert len(list(directory.glob("*.pack"))) <= 8, "small packs are merged"
    cache = ArticleCache(directory)
    assert len(cache.entries) == 120
    keep = [key(n) for n in range(0, 120, 7)]
    cache.save(keep)
    cache = ArticleCache(directory)
    assert sorted(cache.entries) == sorted(keep)
    live = sum(entry.size for entry in cache.entries.values())
    assert sum(p.stat().st_size for p in directory.glob("*.pack")) < 2 * live, "mostly forgotten packs are rewritten"
    for n in range(0, 120, 7):
        assert cache.load(key(n)) == f"result {n}".encode()
        assert cache.page(key(n)) == page(n)
        assert cache.fetch(Spooled(cache.parts_base(key(n)), len(f"parts {n}"))) == f"parts {n}".encode()
    assert cache.load(key(1)) is None


@pytest.mark.skipif(not hasattr(os, "fork"), reason="packs are shared between forked workers only")
def test_a_worker_forked_after_another_exited_appends_to_its_pack_and_never_to_one_in_use(tmp_path: Path):
    """Retiring workers (parallel.RETIRE_AFTER) must not leave a pack each: a fresh process takes over
    a pack this build started once the process writing it has exited, and only then."""
    import pickle

    from builder.articlecache import ArticleCache

    cache = ArticleCache(tmp_path / "articles", read=False)

    hold_read, hold_write = os.pipe()

    def in_child(keys: list[str], hold: bool = False) -> tuple[int, int]:
        """Fork a process that stores `keys` and sends back their entries; with `hold` it then waits,
        still running, until the parent closes hold_write. Returns (pid, the entries' pipe)."""
        read, write = os.pipe()
        pid = os.fork()
        if pid == 0:  # pragma: no cover - runs in the child
            os.close(hold_write)
            os.close(read)
            entries = [(key, cache.store(key, b"page " + key.encode(), b"parts", b"result")) for key in keys]
            os.write(write, pickle.dumps(entries))
            os.close(write)
            if hold:
                os.read(hold_read, 1)
            os._exit(0)
        os.close(write)
        return pid, read

    def receive(pipe: int) -> list:
        data = b""
        while chunk := os.read(pipe, 65536):
            data += chunk
        os.close(pipe)
        return pickle.loads(data)

    key = lambda n: f"{n:064x}"  # noqa: E731
    pid, pipe = in_child([key(0), key(1)])
    for k, entry in receive(pipe):
        cache.add(k, entry)
    os.waitpid(pid, 0)
    first = cache.entries[key(0)].pack
    pid, pipe = in_child([key(2)], hold=True)  # forked after the first exited: takes its pack over
    (k, entry), = receive(pipe)
    cache.add(k, entry)
    assert entry.pack == first and entry.offset == cache.entries[key(1)].offset + cache.entries[key(1)].size
    other, pipe2 = in_child([key(3)])  # while that one still runs and holds the pack: a pack of its own
    (k3, entry3), = receive(pipe2)
    cache.add(k3, entry3)
    os.waitpid(other, 0)
    os.close(hold_write)
    os.close(hold_read)
    os.waitpid(pid, 0)
    assert entry3.pack != first
    assert len(_packs_in(tmp_path / "articles")) == 2
    for n in range(4):
        assert cache.load(key(n)) == b"result" and cache.page(key(n)) == b"page " + key(n).encode()


def _packs_in(directory: Path) -> list[Path]:
    return sorted(directory.glob("*.pack"))
