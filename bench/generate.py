"""Generate a synthetic edition, deterministic from a seed: N articles of about 1,000 words with
headings, block quotes and 3–5 footnotes, a glossary of a few hundred entities whose names occur in
the prose, about 5 notes per article anchored to real quotes, claims and events.

    python bench/generate.py --articles 1000 --out bench/out/edition-1000
"""
from __future__ import annotations

import argparse
import random
import shutil
from pathlib import Path

WORDS = ("the of and to in a that was for on with as by at from said its officials government forces "
         "military base strike missile attack report statement week after before during against into over "
         "under between city region border people leaders commander minister president agency council "
         "according sources warned claimed denied confirmed announced reported described called expected "
         "security troops militia drone embassy airport parliament resolution sanctions talks crisis tension "
         "response retaliation escalation analysts observers morning night hours days later early late "
         "several dozens hundreds many few most some other new former senior local regional foreign national").split()
SCHEMA = "# yaml-language-server: $schema=../../../../builder/schemas/{}.schema.json\n"


def sentence(rng: random.Random, names: list[str], length: int) -> str:
    words = [rng.choice(WORDS) for _ in range(length)]
    for _ in range(rng.randint(0, 2)):
        words[rng.randrange(length)] = rng.choice(names)
    text = " ".join(words)
    return text[0].upper() + text[1:] + "."


def paragraph(rng: random.Random, names: list[str]) -> str:
    return " ".join(sentence(rng, names, rng.randint(10, 22)) for _ in range(rng.randint(3, 5)))


def article_body(rng: random.Random, names: list[str], footnotes: int) -> list[str]:
    blocks: list[str] = []
    words = 0
    while words < 1000:
        kind = rng.random()
        if kind < 0.08:
            blocks.append("## " + sentence(rng, names, rng.randint(3, 6))[:-1])
        elif kind < 0.16:
            blocks.append("> " + paragraph(rng, names))
        else:
            blocks.append(paragraph(rng, names))
        words += len(blocks[-1].split())
    for number in range(1, footnotes + 1):
        index = rng.randrange(len(blocks))
        if not blocks[index].startswith("#"):
            blocks[index] += f"[^{number}]"
        else:
            blocks.append(paragraph(rng, names) + f"[^{number}]")
    blocks.extend(f"[^{n}]: {sentence(rng, names, 12)}" for n in range(1, footnotes + 1))
    return blocks


def unique_quote(rng: random.Random, blocks: list[str], text: str, used: set[int]) -> str | None:
    """Words that occur once in the article, from a paragraph no other quote uses (quotes never cross)."""
    for _ in range(20):
        index = rng.randrange(len(blocks))
        if index in used or blocks[index].startswith(("#", "[^")):
            continue
        block = blocks[index].lstrip("> ")
        words = block.split()
        if len(words) < 12:
            continue
        start = rng.randrange(0, len(words) - 8)
        quote = " ".join(words[start : start + rng.randint(5, 8)])
        if "[^" not in quote and text.count(quote) == 1:
            used.add(index)
            return quote
    return None


def quoted(text: str) -> str:
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"') + '"'


ENTITIES = 300
"""The glossary's size unless told otherwise (bench/run.py --entities-per-article scales it with the articles)."""


def generate(out: Path, articles: int, seed: int = 2020, entities: int = ENTITIES) -> Path:
    rng = random.Random(seed)
    content = out / "content"
    if out.exists():
        shutil.rmtree(out)
    (content / "articles").mkdir(parents=True)
    (content / "annotations").mkdir()
    stems = [f"Zar{rng.choice('aeiou')}{''.join(rng.choice('bdgklmnrstvz') + rng.choice('aeiou') for _ in range(2))}{n}"
             for n in range(entities)]
    glossary = [SCHEMA.format("glossary").replace("../../../../", "../../../"), "entities:\n"]
    names = []
    for number, stem in enumerate(stems):
        alias = f"{stem} Force" if number % 3 == 0 else f"Al-{stem}"
        names.extend([stem, alias])
        glossary.append(f"  - id: e{number}\n    name: {stem}\n    type: {('person', 'organisation', 'place', 'weapon')[number % 4]}\n"
                        f"    description: Synthetic entity number {number}.\n    aliases: [{quoted(alias)}]\n")
    (content / "glossary.yaml").write_text("".join(glossary), encoding="utf-8")
    (content / "edition.yaml").write_text(
        SCHEMA.format("edition").replace("../../../../", "../../../") +
        "title: Synthetic edition\nlanguage: en\nbase_url: https://bench.example/\ndescription: Generated for benchmarks.\n",
        encoding="utf-8")
    outlets = "".join(f"  - id: outlet-{n}\n    name: Outlet {n}\n" for n in range(20))
    (content / "sources.yaml").write_text(SCHEMA.format("sources").replace("../../../../", "../../../") +
                                          "outlets:\n" + outlets + "authors: []\n", encoding="utf-8")
    claims, events = [], []
    for number in range(articles):
        slug = f"article-{number:05d}"
        blocks = article_body(rng, names, rng.randint(3, 5))
        body = "\n\n".join(blocks) + "\n"
        title = sentence(rng, names, 6)[:-1]
        (content / "articles" / f"{slug}.md").write_text(
            f"---\ntitle: {quoted(title)}\noutlet: outlet-{number % 20}\npublished: 2020-01-{1 + number % 28:02d}\n"
            f"genre: report\n---\n{body}", encoding="utf-8")
        notes: list[str] = []
        used: set[int] = set()
        for index in range(5):
            quote = unique_quote(rng, blocks, body, used)
            if quote is not None:
                notes.append(quote)
        lines = [SCHEMA.format("annotations"), "notes:\n"]
        for index, quote in enumerate(notes):
            kind = ("note", "context", "factcheck", "framing")[index % 4]
            lines.append(f"  - id: n{index}\n    quote: {quoted(quote)}\n    kind: {kind}\n"
                         f"    body: Synthetic note {index} on [[e{rng.randrange(entities)}]].\n"
                         "    sources:\n      - title: Source\n        url: https://source.example/\n")
        (content / "annotations" / f"{slug}.yaml").write_text("".join(lines), encoding="utf-8")
        if number % 50 == 0 and notes:
            claims.append(f"  - id: claim-{number}\n    question: Question {number}?\n    accounts:\n"
                          f"      - article: {slug}\n        quote: {quoted(notes[0])}\n        summary: Says so.\n"
                          "    finding: Found.\n    sources:\n      - title: S\n        url: https://s.example/\n")
        if number % 40 == 0 and len(notes) > 1:
            events.append(f"  - id: event-{number}\n    date: 2020-01-{1 + number % 28:02d}\n    title: Event {number}\n"
                          f"    description: Happened.\n    entities: [e{number % entities}]\n    mentions:\n"
                          f"      - article: {slug}\n        quote: {quoted(notes[1])}\n")
    (content / "claims.yaml").write_text("claims:\n" + "".join(claims) if claims else "claims: []\n", encoding="utf-8")
    (content / "timeline.yaml").write_text("events:\n" + "".join(events) if events else "events: []\n", encoding="utf-8")
    (content / "framing.yaml").write_text(
        "concepts:\n  - id: strike\n    label: The strike\n    terms:\n      - label: attack\n        forms: [attack]\n"
        "      - label: strike\n        forms: [strike]\n      - label: retaliation\n        forms: [retaliation]\n",
        encoding="utf-8")
    return content


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--articles", type=int, default=100)
    parser.add_argument("--seed", type=int, default=2020)
    parser.add_argument("--out", type=Path, default=None)
    args = parser.parse_args()
    out = args.out or Path("bench/out") / f"edition-{args.articles}"
    print(generate(out, args.articles, args.seed))


if __name__ == "__main__":
    main()
