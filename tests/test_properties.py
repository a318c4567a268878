"""Properties over generated input: anchoring is exact or says why not, and no input crashes the build.

The examples are derandomised (the same ones every run) so that the suite is reproducible; set
EDITION_HYPOTHESIS_RANDOM=1 to explore new ones locally.
"""
from __future__ import annotations

import contextlib
import io
import os
import re
import shutil
import tempfile
from datetime import date
from pathlib import Path
from typing import Any

import yaml
from bs4 import BeautifulSoup
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from builder.anchoring import PassageIndex, anchor_selector
from builder.cli import main
from builder.diagnostics import Diagnostics, SourceLocation
from builder.markdown import make_parser, parse_article
from builder.model import Article, Selector
from conftest import MINIMAL, ROOT, snapshot

THEME = ROOT / "themes" / "default"
RANDOM = os.environ.get("EDITION_HYPOTHESIS_RANDOM") == "1"


def examples(count: int) -> settings:
    return settings(max_examples=count, deadline=None, derandomize=not RANDOM, database=None,
                    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])


# ---------------------------------------------------------------------------------------------
# Text


LETTERS = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789éßçøΩжعש"
PUNCTUATION = ".,;:!?'\"()-—…“”‘’«»"
plain_word = st.text(alphabet=LETTERS + PUNCTUATION, min_size=1, max_size=7)
word = st.one_of(
    plain_word, plain_word, plain_word,
    plain_word.map(lambda w: f"*{w}*"),
    plain_word.map(lambda w: f"_{w}_"),
    plain_word.map(lambda w: f"**{w}**"),
    plain_word.map(lambda w: f"`{w}`"),
    plain_word.map(lambda w: f"[{w}](https://example.org/{len(w)})"),
    st.sampled_from(["*", "_", "**", "*emphasis across", "words*", "Metropolis", "the", "the", "a"]),
)
separator = st.sampled_from([" ", " ", " ", " ", "\u00a0", "\u00a0 ", "\n", "  ", "\u2009", " \n"])


@st.composite
def paragraph(draw) -> str:
    words = draw(st.lists(word, min_size=1, max_size=25))
    out = [words[0]]
    for item in words[1:]:
        out.append(draw(separator))
        out.append(item)
    return "".join(out)


article_body = st.lists(paragraph(), min_size=1, max_size=6).map("\n\n".join)


def parsed(body: str):
    article = Article("a", "T", "o", None, date(2020, 1, 1), "report", None, None, None, False, False, (), body, 7,
                      "a.md", SourceLocation("a.md"))
    return parse_article(make_parser(), article)


def collapsed(text: str) -> str:
    return re.sub(r"\s+", " ", text).strip()


def count(haystack: str, needle: str) -> int:
    found, start = 0, haystack.find(needle)
    while start != -1:
        found += 1
        start = haystack.find(needle, start + 1)
    return found


@st.composite
def body_and_quote(draw) -> tuple[str, str] | None:
    """An article body and a run of whole words from the visible text of one of its passages."""
    body = draw(article_body)
    passages = [collapsed(p.text) for p in parsed(body).passages]
    candidates = [p for p in passages if p]
    if not candidates:
        return None
    words = draw(st.sampled_from(candidates)).split(" ")
    start = draw(st.integers(0, len(words) - 1))
    end = draw(st.integers(start + 1, min(len(words), start + 12)))
    return body, " ".join(words[start:end])


@examples(200)
@given(body_and_quote())
def test_a_quote_from_the_text_anchors_exactly_or_is_reported_ambiguous(case):
    if case is None:
        return
    body, quote = case
    article = parsed(body)
    diags = Diagnostics()
    anchor = anchor_selector(PassageIndex(article), Selector(quote, "", "", SourceLocation("n.yaml", 3, 12)),
                             "note 'x'", diags)
    occurrences = sum(count(collapsed(p.text), quote) for p in article.passages)
    problems = diags.sorted()
    if occurrences == 1:
        assert problems == [] and anchor is not None
        assert collapsed(article.passages[anchor.passage].text[anchor.start:anchor.end]) == quote
    else:
        assert anchor is None and [p.code for p in problems] == ["quote-ambiguous"]
        assert len(problems[0].hints) == occurrences


# ---------------------------------------------------------------------------------------------
# The whole pipeline


FRONT_MATTER = "---\ntitle: Generated\noutlet: evening-star\npublished: 2020-01-10\ngenre: analysis\n---\n"


def build_edition(files: dict[str, str | bytes], out: Path | None = None) -> tuple[int, str, Path]:
    """The minimal edition with `files` written over it, built in-process with --debug; (status, stderr, root)."""
    root = Path(tempfile.mkdtemp(prefix="edition-property-"))
    content = root / "content"
    shutil.copytree(MINIMAL, content)
    for name, data in files.items():
        path = content / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(data if isinstance(data, bytes) else data.encode("utf-8"))
    err = io.StringIO()
    with contextlib.redirect_stderr(err), contextlib.redirect_stdout(io.StringIO()):
        code = main(["build", "--content", str(content), "--out", str(out or root / "site"), "--theme", str(THEME),
                     "--debug"])
    return code, err.getvalue(), root


def assert_no_crash(code: int, err: str) -> None:
    assert code in (0, 1), err
    assert "Traceback" not in err, err


MARKDOWN_PIECES = st.sampled_from([
    "# ", "## ", "> ", ">> ", "- ", "* ", "+ ", "1. ", "2) ", "```", "~~~", "    ", "\t", "---", "***", "===",
    "[^1]", "[^1]: ", "[^note]", "[^note]: ", "[", "]", "(", ")", "](", "[x](https://example.org/)",
    "[y](first-report.md#p-1)", "[z](javascript:alert(1))", "![i](https://example.org/i.png)", "<https://a.example>",
    "<b>", "</p>", "*", "**", "_", "__", "`", "``", "\\", "&amp;", "&#0;", "&nbsp;", "<", ">", "|", "|-|", "\n", "\n\n",
    " ", "  \n", "\u00a0", "Metropolis", "Metropolis harbour", "mayor", "The mayor of Metropolis", "storm", "storms",
    "disaster", "“", "”", "’", "—", "[[metropolis]]", "{{ 7*'7' }}", "{% raw %}", "<script>alert(1)</script>",
    "\u202e", "\ufeff", "\r", "\x0b", "\x1c",
])
markdown_text = st.lists(st.one_of(MARKDOWN_PIECES, MARKDOWN_PIECES, plain_word), max_size=60).map("".join)


def unique_runs(body: str) -> list[str]:
    """Runs of 1–4 words of the body's visible text that occur exactly once in it, longest first."""
    passages = [collapsed(p.text) for p in parsed(body).passages]
    runs = []
    for text in passages:
        words = text.split(" ")
        for size in (4, 3, 2, 1):
            for start in range(0, max(0, len(words) - size + 1)):
                quote = " ".join(words[start:start + size])
                if quote and sum(count(p, quote) for p in passages) == 1:
                    runs.append(quote)
    return runs


def decorations_for(body: str) -> dict[str, str]:
    """Files that anchor two nested notes, a claim account and an event mention in articles/generated.md.

    The outer note quotes a unique run of words, the inner note and the claim a unique run inside it, the event
    the outer run again: marks and spans of three kinds over the same words.
    """
    runs = unique_runs(body)
    if not runs:
        return {}
    outer = runs[0]
    inner = next((r for r in runs[1:] if r in outer), None)
    notes = [{"id": "outer", "quote": outer, "kind": "note", "body": "Outer."}]
    files = {}
    if inner:
        notes.append({"id": "inner", "quote": inner, "kind": "context", "body": "Inner."})
        claims = yaml.safe_load((MINIMAL / "claims.yaml").read_text(encoding="utf-8"))
        claims["claims"].append({"id": "generated", "question": "Q?", "finding": "F.",
                                 "sources": [{"title": "S", "url": "https://example.org/s"}],
                                 "accounts": [{"article": "generated", "quote": inner, "summary": "Says so."}]})
        files["claims.yaml"] = yaml.safe_dump(claims, allow_unicode=True)
    timeline = yaml.safe_load((MINIMAL / "timeline.yaml").read_text(encoding="utf-8"))
    timeline["events"][1]["mentions"] = [{"article": "generated", "quote": outer}]
    files["timeline.yaml"] = yaml.safe_dump(timeline, allow_unicode=True)
    files["annotations/generated.yaml"] = yaml.safe_dump({"notes": notes}, allow_unicode=True)
    return files


def marked_text(page: BeautifulSoup, selector: str) -> str:
    """The text of every piece of a mark, white space removed (a line break between pieces is not marked)."""
    return "".join("".join(element.get_text() for element in page.select(selector)).split())


@examples(100)
@given(markdown_text)
def test_any_markdown_body_builds_and_unique_quotes_are_marked_exactly(body: str):
    """Random Markdown: a body with text builds; quotes that occur once are marked over exactly their words,
    however notes, claims and events nest over them."""
    files = {"articles/generated.md": FRONT_MATTER + body}
    if "\x00" not in body:
        files.update(decorations_for(body))
    code, err, root = build_edition(files)
    try:
        assert_no_crash(code, err)
        if not body.strip() or "\x00" in body:
            return
        assert code == 0, err
        if "annotations/generated.yaml" in files:
            notes = yaml.safe_load(files["annotations/generated.yaml"])["notes"]
            page = BeautifulSoup((root / "site/articles/generated.html").read_text(encoding="utf-8"), "html.parser")
            for note in notes:
                assert marked_text(page, f'mark[data-note="{note["id"]}"]') == "".join(note["quote"].split())
            assert marked_text(page, 'span[data-event="count"]') == "".join(notes[0]["quote"].split())
            if len(notes) > 1:
                assert marked_text(page, 'span[data-claim="generated"]') == "".join(notes[1]["quote"].split())
    finally:
        shutil.rmtree(root)


@examples(100)
@given(st.text(max_size=300), st.sampled_from(["articles/generated.md", "articles/first-report.md"]), st.booleans())
def test_any_text_as_an_article_never_crashes(text: str, name: str, with_front_matter: bool):
    code, err, root = build_edition({name: FRONT_MATTER + text if with_front_matter else text})
    shutil.rmtree(root)
    assert_no_crash(code, err)


YAML_FILES = ["edition.yaml", "sources.yaml", "glossary.yaml", "claims.yaml", "timeline.yaml", "framing.yaml",
              "annotations/first-report.yaml", "annotations/second-view.yaml"]
yaml_text = st.lists(st.one_of(st.sampled_from([
    "\n", "  ", "- ", ": ", "? ", "---\n", "...\n", "&a ", "*a", "!!str ", "!!python/name:os.system", "!x ", "{", "}",
    "[", "]", ",", "#", "|", ">", "'", '"', "%YAML 1.2\n", "notes:", "claims:", "events:", "concepts:", "entities:",
    "outlets:", "id: ", "quote: ", "kind: note", "body: ", "title: ", "date: 2020-01-08", "2020-13-01", "~", "null",
    "true", "1e3", "0x1F", ".nan", "\t", "\ufeff", "\x85", "\u2028", "\x07",
]), st.text(max_size=8)), max_size=40).map("".join)


@examples(120)
@given(st.sampled_from(YAML_FILES + ["articles/first-report.md"]), yaml_text)
def test_any_yaml_text_never_crashes(name: str, text: str):
    data = f"---\n{text}\n---\nSome text.\n" if name.endswith(".md") else text
    code, err, root = build_edition({name: data})
    shutil.rmtree(root)
    assert_no_crash(code, err)


values = st.recursive(
    st.none() | st.booleans() | st.integers(-10**6, 10**30) | st.floats() | st.dates() | st.text(max_size=12)
    | st.sampled_from(["metropolis", "first-report", "second-view", "daily-planet", "lois-lane", "note", "factcheck",
                       "person", "2020-01-08", "https://example.org/", "javascript:alert(1)", ""]),
    lambda children: st.lists(children, max_size=3) | st.dictionaries(st.text(max_size=10), children, max_size=3),
    max_leaves=8,
)


def load_document(name: str) -> Any:
    text = (MINIMAL / name).read_text(encoding="utf-8")
    if name.endswith(".md"):
        _, meta, body = text.split("---\n", 2)
        return {"__front_matter__": yaml.safe_load(meta), "__body__": body}
    return yaml.safe_load(text)


def dump_document(name: str, document: Any) -> str:
    if name.endswith(".md"):
        return "---\n" + yaml.safe_dump(document["__front_matter__"], allow_unicode=True) + "---\n" + document["__body__"]
    return yaml.safe_dump(document, allow_unicode=True)


@st.composite
def mutated_document(draw) -> tuple[str, str]:
    """A minimal-edition file with 1–3 random edits: a value replaced, a key removed or added, an item repeated."""
    name = draw(st.sampled_from(YAML_FILES[:-1] + ["articles/first-report.md", "articles/second-view.md"]))
    document = {"__root__": load_document(name)}
    for _ in range(draw(st.integers(1, 3))):
        parent, key = document, "__root__"
        while isinstance(parent[key], (dict, list)) and parent[key] and draw(st.booleans()):
            node = parent[key]
            parent, key = node, draw(st.sampled_from(sorted(node, key=str) if isinstance(node, dict) else range(len(node))))
        action = draw(st.sampled_from(["replace", "replace", "delete", "add", "repeat"]))
        if action == "replace" or key == "__root__":
            parent[key] = draw(values)
        elif action == "delete":
            del parent[key]
        elif action == "add" and isinstance(parent, dict):
            parent[draw(st.sampled_from(["id", "ids", "quote", "qoute", "kind", "body", "title", "name", "aliases",
                                         "date", "sources", "entities", "mentions", "terms", "forms", "url"]))] = draw(values)
        elif isinstance(parent, list):
            parent.append(parent[key])
    root = document["__root__"]
    if name.endswith(".md") and not (isinstance(root, dict) and "__front_matter__" in root and "__body__" in root):
        return name, "---\n" + yaml.safe_dump(root, allow_unicode=True) + "---\nText.\n"
    if name.endswith(".md"):
        if not isinstance(root["__body__"], str):
            root["__body__"] = yaml.safe_dump(root["__body__"], allow_unicode=True)
        return name, dump_document(name, root)
    return name, yaml.safe_dump(root, allow_unicode=True)


@examples(150)
@given(mutated_document())
def test_structured_yaml_mutations_never_crash(mutation: tuple[str, str]):
    name, text = mutation
    code, err, root = build_edition({name: text})
    shutil.rmtree(root)
    assert_no_crash(code, err)


@examples(15)
@given(markdown_text, markdown_text)
def test_the_same_edition_builds_to_the_same_bytes(first: str, second: str):
    files = {"articles/generated.md": FRONT_MATTER + first + "\n\nA closing paragraph.\n",
             "articles/other.md": FRONT_MATTER.replace("2020-01-10", "2020-01-11") + second + "\n\nThe end.\n"}
    files.update(decorations_for(first))
    code, err, root = build_edition(files)
    try:
        assert_no_crash(code, err)
        assert code == 0, err
        again = root / "again"
        code, err, other = build_edition(files, out=again)
        shutil.rmtree(other)
        assert code == 0, err
        assert snapshot(again) == snapshot(root / "site")
    finally:
        shutil.rmtree(root)


def test_a_quote_inside_inline_code_is_marked():
    body = "Type `rm -rf` to end the storm.\n"
    claims = yaml.safe_load((MINIMAL / "claims.yaml").read_text(encoding="utf-8"))
    claims["claims"].append({"id": "generated", "question": "Q?", "finding": "F.",
                             "sources": [{"title": "S", "url": "https://example.org/s"}],
                             "accounts": [{"article": "generated", "quote": "rm -rf", "summary": "Says so."}]})
    files = {"articles/generated.md": FRONT_MATTER + body, "claims.yaml": yaml.safe_dump(claims),
             "annotations/generated.yaml": "notes:\n  - id: code\n    quote: rm -rf\n    kind: note\n    body: x\n"}
    code, err, root = build_edition(files)
    try:
        assert code == 0, err
        page = BeautifulSoup((root / "site/articles/generated.html").read_text(encoding="utf-8"), "html.parser")
        assert marked_text(page, 'mark[data-note="code"]') == "rm-rf"
        assert page.find(id="q-code") is not None and page.find(id="c-generated") is not None
    finally:
        shutil.rmtree(root)
