"""Safe YAML loading that remembers where every key and value came from.

Only YAML's safe subset is accepted: no custom tags (!!python/object is refused), no anchors or
aliases (they make "billion laughs" possible and hide where a value was written), no duplicate keys
(plain PyYAML silently keeps the last one). Dates stay strings, so that the model reports a bad
date at its own line instead of PyYAML raising mid-file.
"""
from __future__ import annotations

from typing import Any

import yaml

from .diagnostics import Diagnostics, SourceLocation

try:  # libyaml's parser is several times faster; both give the same marks.
    _Loader: type = yaml.CSafeLoader
except AttributeError:  # pragma: no cover - depends on how PyYAML was built
    _Loader = yaml.SafeLoader

_STANDARD = "tag:yaml.org,2002:"
_SCALAR_TAGS = {f"{_STANDARD}{name}" for name in ("str", "int", "float", "bool", "null", "timestamp")}
_MAX_DEPTH = 64


class LMap(dict):
    """A mapping from YAML, with the location of the mapping, of each key and of each value."""

    __slots__ = ("loc", "key_locs", "value_locs")

    def __init__(self, loc: SourceLocation):
        super().__init__()
        self.loc = loc
        self.key_locs: dict[str, SourceLocation] = {}
        self.value_locs: dict[str, SourceLocation] = {}

    def key_loc(self, key: str) -> SourceLocation:
        return self.key_locs.get(key, self.loc)

    def value_loc(self, key: str) -> SourceLocation:
        return self.value_locs.get(key, self.loc)


class LScalar(str):
    """A whole document that is a bare string: kept with its location, so "wrong shape" points at it."""

    __slots__ = ("loc",)

    def __new__(cls, value: str, loc: SourceLocation) -> "LScalar":
        made = super().__new__(cls, value)
        made.loc = loc
        return made


class LList(list):
    """A sequence from YAML, with the location of the sequence and of each item."""

    __slots__ = ("loc", "item_locs")

    def __init__(self, loc: SourceLocation):
        super().__init__()
        self.loc = loc
        self.item_locs: list[SourceLocation] = []


class _Reject(Exception):
    def __init__(self, code: str, message: str, loc: SourceLocation, hints: tuple[str, ...] = ()):
        super().__init__(message)
        self.code, self.message, self.loc, self.hints = code, message, loc, hints


def _tag(tag: str) -> str:
    return tag.replace(_STANDARD, "!!")


def _loc(mark: Any, path: str, line_offset: int) -> SourceLocation:
    return SourceLocation(path, mark.line + 1 + line_offset, mark.column + 1)


def load_yaml(text: str, path: str, diags: Diagnostics, *, line_offset: int = 0) -> Any:
    """Parse one YAML document into plain values (LMap, LList, str, int, float, bool, None).

    Problems go to `diags`; the return value is then None. An empty document is None as well.
    `line_offset` shifts reported lines (front matter starts below its `---`).
    """
    if text.count("[") + text.count("{") > _MAX_DEPTH:
        # libyaml's composer recurses per level and can overflow the C stack on tens of thousands of
        # nested brackets before our own depth check runs; its event parser does not, so check first.
        too_deep = _first_too_deep(text)
        if too_deep is not None:
            diags.error("yaml-too-deep", f"YAML nested more than {_MAX_DEPTH} levels deep",
                        _loc(too_deep, path, line_offset))
            return None
    try:
        node = yaml.compose(text, Loader=_Loader)
    except yaml.MarkedYAMLError as exc:
        opening = bool(exc.context and "while scanning a quoted scalar" in exc.context)
        # Where the editor must look: where a quote opened, or the key that lacks its ':'.
        at_start = opening or bool(exc.context and "while scanning a simple key" in exc.context)
        mark = exc.context_mark if at_start and exc.context_mark else (exc.problem_mark or exc.context_mark)
        loc = _loc(mark, path, line_offset) if mark else SourceLocation(path, 1 + line_offset)
        problem = exc.problem or exc.context or "invalid YAML"
        hints: list[str] = []
        if opening:
            problem = "a quoted value opened here is never closed"
            hints.append("hint: add the closing quotation mark (or escape a quotation mark inside the value)")
        elif exc.context and exc.problem:
            hints.append(f"note: {exc.context}")
        lines = text.split("\n")
        at_tab = mark is not None and mark.line < len(lines) and lines[mark.line][mark.column:mark.column + 1] == "\t"
        if at_tab or "'\\t'" in problem:
            hints.append("hint: YAML does not allow tab characters for indentation; indent with spaces")
        if "expected a single document" in problem or "but found another document" in problem:
            hints.append("hint: a content file holds one YAML document; remove the extra '---'")
        diags.error("yaml-syntax", f"invalid YAML: {problem}", loc, hints)
        return None
    except yaml.reader.ReaderError as exc:  # control characters and the like
        before = text[: exc.position]
        line = before.count("\n") + 1 + line_offset
        column = exc.position - (before.rfind("\n") + 1) + 1
        character = exc.character if isinstance(exc.character, str) else chr(exc.character)
        diags.error("yaml-syntax", f"invalid YAML: the control character U+{ord(character):04X} is not allowed",
                    SourceLocation(path, line, column), ("hint: delete it; it is usually invisible in an editor",))
        return None
    except yaml.YAMLError as exc:
        diags.error("yaml-syntax", f"invalid YAML: {' '.join(str(exc).split())}", SourceLocation(path, 1 + line_offset))
        return None
    if node is None:
        return None
    try:
        return _Builder(path, line_offset, text).build(node, 0)
    except _Reject as rej:
        diags.error(rej.code, rej.message, rej.loc, rej.hints)
        return None


def _first_too_deep(text: str) -> Any:
    """The mark where nesting first exceeds _MAX_DEPTH, or None (syntax errors are left to compose)."""
    depth = 0
    try:
        for event in yaml.parse(text, Loader=_Loader):
            if isinstance(event, (yaml.MappingStartEvent, yaml.SequenceStartEvent)):
                depth += 1
                if depth > _MAX_DEPTH:
                    return event.start_mark
            elif isinstance(event, (yaml.MappingEndEvent, yaml.SequenceEndEvent)):
                depth -= 1
    except yaml.YAMLError:
        return None
    return None


class _Builder:
    """Turns a composed node graph into located plain values, refusing what the safe subset forbids."""

    def __init__(self, path: str, line_offset: int, text: str):
        self.path = path
        self.line_offset = line_offset
        self.lines = text.split("\n")
        self.seen: set[int] = set()
        self.constructor = yaml.SafeLoader("")  # only its scalar constructors are used

    def loc(self, node: yaml.Node) -> SourceLocation:
        return _loc(node.start_mark, self.path, self.line_offset)

    def value_loc(self, node: yaml.Node) -> SourceLocation:
        """Where a value's text starts: for a block scalar (| or >), its first content line."""
        if isinstance(node, yaml.ScalarNode) and node.style in ("|", ">"):
            index = node.start_mark.line + 1
            if index < len(self.lines):
                text = self.lines[index]
                return SourceLocation(self.path, index + 1 + self.line_offset, len(text) - len(text.lstrip(" ")) + 1)
        return self.loc(node)

    def build(self, node: yaml.Node, depth: int) -> Any:
        if id(node) in self.seen:
            raise _Reject(
                "yaml-alias",
                "YAML anchors and aliases (&name / *name) are not allowed in content files",
                self.loc(node),
                ("hint: write the value out in full where it is needed",),
            )
        self.seen.add(id(node))
        if depth > _MAX_DEPTH:
            raise _Reject("yaml-too-deep", f"YAML nested more than {_MAX_DEPTH} levels deep", self.loc(node))
        if isinstance(node, yaml.ScalarNode):
            value = self.scalar(node)
            return LScalar(value, self.loc(node)) if depth == 0 and isinstance(value, str) else value
        if isinstance(node, yaml.SequenceNode):
            self.check_tag(node, "seq")
            out = LList(self.loc(node))
            for item in node.value:
                out.append(self.build(item, depth + 1))
                out.item_locs.append(self.loc(item))
            return out
        self.check_tag(node, "map")
        result = LMap(self.loc(node))
        for key_node, value_node in node.value:
            if not isinstance(key_node, yaml.ScalarNode):
                raise _Reject("yaml-key", "a key must be a plain word, not a list or mapping", self.loc(key_node))
            key = str(key_node.value)
            if key in result:
                first = result.key_locs[key]
                raise _Reject(
                    "duplicate-key",
                    f"duplicate key '{key}' (first given at line {first.line})",
                    self.loc(key_node),
                    ("hint: a key may appear only once in a mapping; remove or merge one of them",),
                )
            result[key] = self.build(value_node, depth + 1)
            result.key_locs[key] = self.loc(key_node)
            result.value_locs[key] = self.value_loc(value_node)
        return result

    def check_tag(self, node: yaml.Node, kind: str) -> None:
        if node.tag != f"{_STANDARD}{kind}":
            raise _Reject("yaml-tag", f"YAML tag '{_tag(node.tag)}' is not allowed in content files", self.loc(node))

    def scalar(self, node: yaml.ScalarNode) -> Any:
        if node.tag not in _SCALAR_TAGS:
            raise _Reject(
                "yaml-tag",
                f"YAML tag '{_tag(node.tag)}' is not allowed in content files",
                self.loc(node),
                ("hint: content files take plain strings, numbers, booleans, lists and mappings",),
            )
        if node.tag in (f"{_STANDARD}str", f"{_STANDARD}timestamp"):
            return node.value
        return self.constructor.construct_object(node)
