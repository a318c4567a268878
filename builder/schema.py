"""JSON Schemas for every kind of content file, and validation that reports at the offending key.

The schemas are defined here once, written to builder/schemas/*.schema.json (shipped with the package,
referenced from each YAML file's `# yaml-language-server: $schema=` line) and used by the build, so
the squiggles in an editor and the build's errors agree. tests/test_schema.py keeps the JSON files
in sync with this module (`python -m builder schemas` rewrites them).
"""
from __future__ import annotations

import json
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING, Any, Callable, Iterable

import fastjsonschema

if TYPE_CHECKING:  # imported where used: jsonschema only explains invalid files, and costs 60-80 ms to import
    from jsonschema import Draft202012Validator
    from jsonschema.exceptions import ValidationError

from .diagnostics import Diagnostics, SourceLocation, did_you_mean
from .yamlsource import LList, LMap

SCHEMA_DIR = Path(__file__).parent / "schemas"
SCHEMA_BASE = "https://edition.example/schemas/"

# `$(?!\n)`: Python's `$` also matches before a final line break; editors' JavaScript reads it the same way.
SLUG = {"type": "string", "pattern": r"^[a-z0-9]+(?:-[a-z0-9]+)*$(?!\n)", "x-form": "a slug (lowercase letters, digits and hyphens)"}
DATE = {"type": "string", "pattern": r"^\d{4}-\d{2}-\d{2}$(?!\n)", "x-form": "a date written YYYY-MM-DD"}
URL = {"type": "string", "pattern": r"^https?://[^\s]+$(?!\n)", "x-form": "an http:// or https:// address"}
TEXT = {"type": "string", "minLength": 1, "pattern": r"\S"}
MARKDOWN = {"type": "string", "minLength": 1, "pattern": r"\S", "description": "Markdown"}

KINDS = ("note", "context", "factcheck", "framing")
FRAMING_TYPES = ("spin", "unsubstantiated-claim", "opinion-as-fact", "sensationalism", "omission",
                 "missing-attribution", "loaded-term")
GENRES = ("report", "analysis", "opinion")
ENTITY_TYPES = ("person", "organisation", "place", "weapon", "event", "other")


def obj(properties: dict[str, Any], required: Iterable[str] = (), **extra: Any) -> dict[str, Any]:
    return {"type": "object", "properties": properties, "required": list(required),
            "additionalProperties": False, **extra}


def array(items: dict[str, Any], **extra: Any) -> dict[str, Any]:
    return {"type": "array", "items": items, **extra}


CITATION = obj({"title": TEXT, "url": URL, "publisher": TEXT, "date": DATE}, ["title", "url"])
LINK = obj({"title": TEXT, "url": URL}, ["title", "url"])
SELECTOR = {"quote": {**TEXT, "description": "exact words as the reader sees them, within one paragraph"},
            "prefix": {"type": "string"}, "suffix": {"type": "string"}}


def _document(name: str, title: str, body: dict[str, Any]) -> dict[str, Any]:
    return {"$schema": "https://json-schema.org/draft/2020-12/schema",
            "$id": f"{SCHEMA_BASE}{name}.schema.json", "title": title, **body}


SCHEMAS: dict[str, dict[str, Any]] = {
    "edition": _document("edition", "Edition settings (content/edition.yaml)", obj({
        "title": TEXT, "subtitle": TEXT, "description": MARKDOWN, "language": {"type": "string", "pattern": r"^[a-z]{2,3}(-[A-Za-z0-9]+)*$(?!\n)", "x-form": "a language tag such as en or en-GB"},
        "base_url": {**URL, "pattern": r"^https?://[^\s\"<>]+/$(?!\n)", "x-form": "an http(s) address ending in /"},
        "editors": TEXT, "method": MARKDOWN, "license": TEXT,
        "concordance_page_size": {"type": "integer", "minimum": 1,
                                  "description": "articles per page of an entity's concordance (default 100)"},
        "home_page_size": {"type": "integer", "minimum": 1,
                           "description": "articles per page of the home page's list and of the provenance list in About (default 100)"},
        "glossary_page_size": {"type": "integer", "minimum": 1,
                               "description": "entities per page of the glossary's index, in name order (default 500)"},
        "source_card_size": {"type": "integer", "minimum": 0,
                             "description": "articles an outlet's or author's card in sources.html lists before it links to a list of its own (default 10)"},
    }, ["title", "description", "language", "base_url"])),
    "article": _document("article", "Article front matter (content/articles/*.md)", obj({
        "title": TEXT, "outlet": SLUG, "author": SLUG, "published": DATE,
        "genre": {"enum": list(GENRES)}, "url": URL, "archive_url": URL, "seed": TEXT,
        "date_estimated": {"type": "boolean"}, "title_supplied": {"type": "boolean"},
        "omitted": array(obj({"text": TEXT, "reason": TEXT}, ["text", "reason"])),
    }, ["title", "outlet", "published", "genre"])),
    "annotations": _document("annotations", "Editors' notes on one article (content/annotations/<slug>.yaml)", obj({
        "notes": array(obj({
            "id": SLUG, **SELECTOR, "kind": {"enum": list(KINDS)},
            "framing_type": {"enum": list(FRAMING_TYPES)}, "body": MARKDOWN,
            "verdict": {**TEXT, "description": "a factcheck note's short verdict (e.g. Incorrect, Misleading)"},
            "sources": array(CITATION),
        }, ["quote", "kind", "body"])),
    }, ["notes"])),
    "glossary": _document("glossary", "Entity glossary (content/glossary.yaml)", obj({
        "entities": array(obj({
            "id": SLUG, "name": TEXT, "type": {"enum": list(ENTITY_TYPES)}, "description": MARKDOWN,
            "aliases": array(TEXT), "wikidata": {"type": "string", "pattern": r"^Q[1-9][0-9]*$(?!\n)", "x-form": "a Wikidata id such as Q794"},
            "links": array(LINK), "role": TEXT, "dates": TEXT,
        }, ["id", "name", "type", "description"])),
        "overrides": array(obj({
            "article": SLUG, "text": TEXT, "prefix": {"type": "string"}, "suffix": {"type": "string"},
            "entity": {"anyOf": [SLUG, {"type": "null"}]},
        }, ["article", "text", "entity"])),
    }, ["entities"])),
    "sources": _document("sources", "Outlets and authors (content/sources.yaml)", obj({
        "outlets": array(obj({
            "id": SLUG, "name": TEXT, "type": TEXT, "country": TEXT, "ownership": TEXT, "funding": TEXT,
            "url": URL, "notes": MARKDOWN, "sources": array(CITATION),
            "ratings": array(obj({"rater": TEXT, "rating": TEXT, "scale": TEXT, "date": DATE, "url": URL, "note": TEXT},
                                 ["rater", "rating", "date", "url"])),
        }, ["id", "name"])),
        "authors": array(obj({
            "id": SLUG, "name": TEXT, "affiliation": TEXT, "bio": MARKDOWN, "links": array(LINK),
        }, ["id", "name"])),
    }, ["outlets"])),
    "claims": _document("claims", "Contested claims (content/claims.yaml)", obj({
        "claims": array(obj({
            "id": SLUG, "question": TEXT, "finding": MARKDOWN, "sources": array(CITATION),
            "accounts": array(obj({"article": SLUG, **SELECTOR, "summary": TEXT}, ["article", "quote", "summary"])),
        }, ["id", "question", "accounts", "finding", "sources"])),
    }, ["claims"])),
    "timeline": _document("timeline", "Timeline (content/timeline.yaml)", obj({
        "events": array(obj({
            "id": SLUG, "date": DATE, "end_date": DATE, "title": TEXT, "description": MARKDOWN,
            "entities": array(SLUG), "sources": array(CITATION),
            "mentions": array(obj({"article": SLUG, **SELECTOR}, ["article", "quote"])),
        }, ["id", "date", "title", "description"])),
    }, ["events"])),
    "framing": _document("framing", "Competing terms (content/framing.yaml)", obj({
        "concepts": array(obj({
            "id": SLUG, "label": TEXT, "description": MARKDOWN,
            "terms": array(obj({"label": TEXT, "forms": array(TEXT, minItems=1), "note": TEXT}, ["label", "forms"]), minItems=2),
        }, ["id", "label", "terms"])),
    }, ["concepts"])),
}


def write_schema_files(directory: Path = SCHEMA_DIR) -> list[Path]:
    """Write every schema as JSON (sorted keys, stable bytes). Returns the paths written."""
    directory.mkdir(parents=True, exist_ok=True)
    written = []
    for name, schema in SCHEMAS.items():
        path = directory / f"{name}.schema.json"
        path.write_text(json.dumps(schema, indent=2, sort_keys=True, ensure_ascii=False) + "\n", encoding="utf-8")
        written.append(path)
    return written


@cache
def _validator(name: str) -> Draft202012Validator:
    from jsonschema import Draft202012Validator

    return Draft202012Validator(SCHEMAS[name])


def _locate(data: Any, path: Iterable[Any], *, at_key: bool = False) -> SourceLocation | None:
    """The location of the value (or key) at a JSON path in located YAML data."""
    node, loc = data, getattr(data, "loc", None)
    parts = list(path)
    for index, part in enumerate(parts):
        last = index == len(parts) - 1
        if isinstance(node, LMap) and part in node:
            loc = node.key_loc(part) if (last and at_key) else node.value_loc(part)
            node = node[part]
        elif isinstance(node, LList) and isinstance(part, int) and part < len(node):
            loc = node.item_locs[part]
            node = node[part]
        else:
            break
    return loc


def _field_name(error: ValidationError) -> str:
    names = [str(p) for p in error.absolute_path if not isinstance(p, int)]
    return names[-1] if names else "document"


def _type_name(value: Any) -> str:
    for kind, name in ((bool, "true/false"), (dict, "a mapping"), (list, "a list"), (str, "text"),
                       (int, "a number"), (float, "a decimal number"), (type(None), "empty")):
        if isinstance(value, kind):
            return name
    return type(value).__name__


@cache
def _item_validator(name: str, key: str) -> Draft202012Validator:
    from jsonschema import Draft202012Validator

    return Draft202012Validator(SCHEMAS[name]["properties"][key]["items"])


@cache
def _property_validator(name: str, key: str) -> Draft202012Validator:
    from jsonschema import Draft202012Validator

    return Draft202012Validator(SCHEMAS[name]["properties"][key])


def valid_part(name: str, data: Any) -> Any:
    """The document with invalid items of its top-level lists removed; None if its shape is wrong."""
    top = SCHEMAS[name]
    if not isinstance(data, LMap):
        return None
    kept = LMap(data.loc)
    for key, value in data.items():
        item_schema = top["properties"].get(key, {}).get("items")
        if item_schema is not None and isinstance(value, LList):
            checker = _item_validator(name, key)
            items = LList(value.loc)
            for item, loc in zip(value, value.item_locs):
                if checker.is_valid(item):
                    items.append(item)
                    items.item_locs.append(loc)
            value = items
        elif key in top["properties"] and not _property_validator(name, key).is_valid(value):
            continue
        elif key not in top["properties"]:
            continue
        kept[key] = value
        kept.key_locs[key] = data.key_loc(key)
        kept.value_locs[key] = data.value_loc(key)
    missing = [key for key in top.get("required", []) if key not in kept]
    return None if missing else kept


@cache
def _fast_check(name: str) -> Callable[[Any], Any]:
    """The schema compiled to Python by fastjsonschema: about ten times faster than jsonschema, which
    matters with thousands of files, nearly all valid. It only says yes or no; jsonschema explains.
    The schemas use only keywords that mean the same in draft 7, which fastjsonschema implements.
    Without detailed exceptions the generated code is a tenth the size: compiling all the schemas
    takes 25 ms instead of 70-110, a tenth of the real edition's build."""
    schema = {**SCHEMAS[name], "$schema": "http://json-schema.org/draft-07/schema#"}
    return fastjsonschema.compile(schema, detailed_exceptions=False)


def prepare(name: str) -> None:
    """Compile schema `name` now (a process about to fork shares it with its workers)."""
    _fast_check(name)


def validate(name: str, data: Any, path: str, diags: Diagnostics) -> bool:
    """Validate located YAML data against schema `name`. Returns True when it is valid."""
    try:
        _fast_check(name)(data)
        return True
    except fastjsonschema.JsonSchemaException:
        pass  # find and explain every problem below
    valid = True
    errors = sorted(_validator(name).iter_errors(data), key=lambda e: [str(p) for p in e.absolute_path])
    for error in errors:
        valid = False
        _report(error, data, path, diags)
    return valid


def _report(error: ValidationError, data: Any, path: str, diags: Diagnostics) -> None:
    where = list(error.absolute_path)
    loc = _locate(data, where) or SourceLocation(path)
    schema, value, field = error.schema, error.instance, _field_name(error)
    if error.validator == "additionalProperties" and isinstance(value, LMap):
        allowed = list(schema.get("properties", {}))
        for key in value:
            if key not in allowed:
                diags.error("unknown-field", f"unknown field '{key}'", _locate(data, [*where, key], at_key=True) or loc,
                            did_you_mean(key, allowed) or (f"hint: allowed fields are {', '.join(allowed)}",))
    elif error.validator == "required":
        missing = error.message.split("'")[1]
        diags.error("missing-field", f"missing required field '{missing}'", loc)
    elif error.validator == "enum":
        choices = [str(c) for c in schema["enum"]]
        diags.error("bad-value", f"'{field}' must be one of: {', '.join(choices)} (got {value!r})", loc,
                    did_you_mean(str(value), choices))
    elif error.validator == "type":
        wanted = {"object": "a mapping", "array": "a list", "string": "text", "boolean": "true or false",
                  "null": "empty", "integer": "a whole number"}.get(str(schema.get("type")), str(schema.get("type")))
        if not where:
            first = (schema.get("required") or [""])[0]
            diags.error("wrong-shape", f"the file must hold {wanted} at the top, not {_type_name(value)}", loc,
                        (f"hint: start the file with '{first}:'",) if first else ())
        elif where and isinstance(where[-1], int):
            diags.error("wrong-type", f"item {where[-1] + 1} of '{field}' must be {wanted}, not {_type_name(value)}", loc)
        else:
            diags.error("wrong-type", f"'{field}' must be {wanted}, not {_type_name(value)}", loc)
    elif error.validator in ("minLength", "pattern") and schema.get("minLength") and not str(value).strip():
        diags.error("empty-field", f"'{field}' must not be empty", loc)
    elif error.validator == "pattern":
        form = schema.get("x-form", f"text matching {schema['pattern']}")
        diags.error("bad-value", f"'{field}' must be {form} (got {value!r})", loc)
    elif error.validator == "minimum":
        diags.error("bad-value", f"'{field}' must be at least {schema['minimum']} (got {value!r})", loc)
    elif error.validator == "minItems":
        diags.error("too-few", f"'{field}' needs at least {schema['minItems']} item(s)", loc)
    elif error.validator == "anyOf":
        diags.error("bad-value", f"'{field}' must be a slug or empty (got {value!r})", loc)
    else:  # pragma: no cover - every keyword used in SCHEMAS is handled above
        diags.error("schema", f"'{field}': {error.message}", loc)
