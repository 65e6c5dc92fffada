"""The roadmap file, both directions: YAML text -> Roadmap, explaining every mistake as
FILE:LINE:COL (``parse_roadmap``, ``load_roadmap``), and Roadmap -> YAML (``dump_roadmap``).

The file is composed into YAML nodes (which keep their positions) and walked by
hand, so each defect is reported where it is, all of them in one pass. Only
plain YAML is accepted: any tag other than the core ones is refused before
anything is constructed.

The writer lays a roadmap out as the bundled ``roadmap.yaml`` is (block style, explicit
ids) and quotes only the strings YAML would read as something else; what it writes
parses back equal.
"""

from __future__ import annotations

import math
import re
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, TypeVar

import yaml

from planner.atomic import ROADMAP, FileError, read_bytes
from planner.roadmap import (
    Effort,
    EffortError,
    Module,
    Roadmap,
    StatedEstimate,
    Subtopic,
    Topic,
)
from planner.textutil import (
    BIDI_CONTROLS,
    closest,
    control_character,
    control_name,
    slugify,
    visible,
)

_CORE = "tag:yaml.org,2002:"
_PLAIN_TAGS = {_CORE + t for t in ("str", "int", "float", "bool", "null", "map", "seq")}
_INT, _FLOAT, _NULL = _CORE + "int", _CORE + "float", _CORE + "null"
_STR, _SEQ, _MAP = _CORE + "str", _CORE + "seq", _CORE + "map"

try:  # the C composer is about 4x faster; fall back to the pure one
    _Base: Any = yaml.CSafeLoader
except AttributeError:  # pragma: no cover - depends on how PyYAML was built
    _Base = yaml.SafeLoader

_Patterns = list[tuple[str, re.Pattern[str]]]
_IMPLICIT: dict[str | None, _Patterns] = _Base.yaml_implicit_resolvers
_ANY_FIRST: _Patterns = list(_IMPLICIT.get(None, []))
_BY_FIRST: dict[str, _Patterns] = {
    first: [*patterns, *_ANY_FIRST] for first, patterns in _IMPLICIT.items() if first is not None
}
"""The implicit resolvers by a plain scalar's first character, as ``Resolver.resolve``
tries them (those for any first character last)."""
_ScalarNode, _SequenceNode = yaml.ScalarNode, yaml.SequenceNode


class _Loader(_Base):  # type: ignore[misc]
    """The safe composer, its tags resolved for less: the composer asks for the tag of
    every untagged node (120,000 calls for 10,000 topics); the inherited ``resolve`` and
    the path-resolver hooks around each call cost a fifth of composing, for path
    resolvers a roadmap never has. Same tags as ``SafeLoader`` (a test holds it to that).
    """

    def descend_resolver(self, current_node: object, current_index: object) -> None:
        return None

    def ascend_resolver(self) -> None:
        return None

    def resolve(self, kind: type, value: str, implicit: tuple[bool, bool]) -> str:
        if kind is _ScalarNode:
            if implicit[0]:  # plain: the first character picks the patterns to try
                for tag, pattern in _BY_FIRST.get(value[:1], _ANY_FIRST):
                    if pattern.match(value):
                        return tag
            return _STR  # quoted, the non-specific '!', or plain text
        return _SEQ if kind is _SequenceNode else _MAP


_NUMBERS = yaml.constructor.SafeConstructor()
"""Reads YAML's own number forms (0x10, 1_000, 1:30, .inf) from a node; constructs nothing else."""

T = TypeVar("T")


@dataclass(frozen=True)
class Problem:
    """One defect in a file, where it is, and what to do about it.

    ``line`` 0 is a defect of the file as a whole (a device, a file not there), where a
    line and column would mean nothing: it reads ``FILE: message``."""

    file: str
    line: int
    column: int
    message: str

    def __str__(self) -> str:
        # messages quote the file's text: any control character in it is shown harmlessly
        where = f"{self.file}:{self.line}:{self.column}" if self.line else self.file
        return visible(f"{where}: {self.message}")


class RoadmapError(Exception):
    """A roadmap file could not be loaded; ``problems`` lists every defect found."""

    def __init__(self, problems: list[Problem]) -> None:
        self.problems = problems
        super().__init__("\n".join(str(p) for p in problems))


_ROADMAP_KEYS = ("id", "title", "description", "stated_estimate", "modules")
_MODULE_KEYS = (
    "id",
    "number",
    "title",
    "goal",
    "topics",
    "tools",
    "core_practice",
    "practical_application",
    "stated_estimate",
)
_TOPIC_KEYS = ("id", "title", "estimate", "qualifier", "link", "subtopics", "note")
_SUBTOPIC_KEYS = ("id", "title", "link")
_STATED_KEYS = ("weeks", "hours", "text", "qualifier")
_NOTES = frozenset(("description", "goal", "core_practice", "practical_application"))
"""Texts that may run over several lines: they may hold line breaks (any text, tabs)."""


class _Named:
    """How messages name an item ("topic 'Git'", "topic 3"): worked out only when a
    message is written, which for a good file is never."""

    __slots__ = ("_text", "kind", "node", "position")

    def __init__(self, kind: str, position: int, node: yaml.Node) -> None:
        self.kind, self.position, self.node = kind, position, node
        self._text: str | None = None

    def __str__(self) -> str:
        if self._text is None:
            self._text = _name(self.kind, self.position, self.node)
        return self._text


What = str | _Named


class _Walker:
    def __init__(self, name: str, source: str = "") -> None:
        self.name = name
        self.source = source
        """The file's text, to point at a control character where it is written."""
        self.problems: list[Problem] = []
        self.efforts: dict[str, Effort] = {}
        """Estimates read so far by their text: a roadmap says "2 days" many times."""
        self.misspelled: set[tuple[int, str]] = set()
        """(id of a mapping node, valid key) for each unknown key reported as a near miss
        of that key: the key's absence is then not reported again."""

    # -- reporting ---------------------------------------------------------------

    def problem(self, node: yaml.Node | None, message: str) -> None:
        line, col = (node.start_mark.line + 1, node.start_mark.column + 1) if node else (1, 1)
        self.problems.append(Problem(self.name, line, col, message))

    # -- node helpers --------------------------------------------------------------

    def mapping(
        self, node: yaml.Node, what: What, allowed: tuple[str, ...], example: str
    ) -> dict[str, tuple[yaml.Node, yaml.Node]] | None:
        if not isinstance(node, yaml.MappingNode):
            self.problem(
                node,
                f"{what} must be a mapping of keys to values; {_shape(node)}; write {example}",
            )
            return None
        out: dict[str, tuple[yaml.Node, yaml.Node]] = {}
        for key_node, value_node in node.value:
            key = key_node.value if isinstance(key_node, yaml.ScalarNode) else None
            if not isinstance(key, str):
                self.problem(
                    key_node, f"keys in {what} must be plain words; write one such as 'title'"
                )
                continue
            if key not in allowed:
                near = closest(key, allowed)
                hint = f"did you mean '{near}'?" if near else f"valid keys: {', '.join(allowed)}"
                self.problem(key_node, f"unknown key '{key}' in {what}; {hint}")
                if near:
                    self.misspelled.add((id(node), near))
                continue
            if key in out:
                self.problem(key_node, f"key '{key}' appears twice in {what}; keep one")
                continue
            out[key] = (key_node, value_node)
        return out

    def text(
        self, fields: dict[str, tuple[yaml.Node, yaml.Node]], key: str, what: What
    ) -> str | None:
        if key not in fields:
            return None
        node = fields[key][1]
        if isinstance(node, yaml.ScalarNode) and node.tag == _NULL:
            return None
        if not isinstance(node, yaml.ScalarNode):
            self.problem(
                node,
                f"'{key}' of {what} must be text; {_shape(node)}; "
                f"write the text on the same line, after '{key}: '",
            )
            return None
        value = str(node.value).strip()
        if not value.isprintable():
            self.check_controls(node, value, f"'{key}' of {what}", multiline=key in _NOTES)
        return value or None

    def check_controls(self, node: yaml.Node, value: str, what: str, multiline: bool) -> None:
        """Report a control character in ``value`` (the text of ``node``) where the file
        writes it: terminal escape sequences must never come out of a roadmap."""
        index = control_character(value, multiline=multiline)
        if index is None:
            return
        char = value[index]
        allowed = "; only notes may hold line breaks" if char == "\n" else ""
        line, col = self.control_position(node, multiline)
        self.problems.append(
            Problem(
                self.name,
                line,
                col,
                f"{what} holds the control character {control_name(char)}{allowed}; remove it",
            )
        )

    def control_position(self, node: yaml.Node, multiline: bool) -> tuple[int, int]:
        """1-based (line, column) of the first control character the scalar ``node``
        writes, as an escape (``\\e``) or as itself; else of the node."""
        start, end = node.start_mark.index, node.end_mark.index
        style = getattr(node, "style", None)
        if style in ("|", ">"):  # a block: its text starts on the line after the '|'
            start = self.source.find("\n", start, end) + 1 or start
        span = self.source[start:end]
        double_quoted = style == '"'
        for match in _CONTROL_WRITTEN.finditer(span):
            written = match.group()
            if written.startswith("\\"):
                if not double_quoted:
                    continue
                char = _unescape(written)
            else:
                char = written
            if char and control_character(char, multiline=multiline) is not None:
                return _position(self.source, start + match.start())
        return node.start_mark.line + 1, node.start_mark.column + 1

    def required_text(
        self,
        fields: dict[str, tuple[yaml.Node, yaml.Node]],
        key: str,
        what: What,
        parent: yaml.Node,
        hint: str,
    ) -> str | None:
        value = self.text(fields, key, what)
        if (id(parent), key) in self.misspelled:
            return value
        if value is None and (key not in fields or _is_scalar(fields[key][1])):
            self.problem(
                fields[key][1] if key in fields else parent, f"{what} has no {key}; {hint}"
            )
        return value

    def number(
        self, fields: dict[str, tuple[yaml.Node, yaml.Node]], key: str, what: What
    ) -> float | None:
        if key not in fields:
            return None
        node = fields[key][1]
        value = _numeric(node)
        if value is None:
            self.problem(
                node,
                f"'{key}' of {what} must be a number; {_shape(node)}; write a figure such as 5",
            )
            return None
        if not (value > 0 and math.isfinite(value)):
            wrong = "more than zero" if not value > 0 else "a finite number"
            self.problem(
                node,
                f"'{key}' of {what} must be {wrong}; got {node.value}; "
                "write a figure such as 5, or remove the line",
            )
            return None
        return value

    def sequence(
        self,
        fields: dict[str, tuple[yaml.Node, yaml.Node]],
        key: str,
        what: What,
        example: str,
    ) -> list[yaml.Node] | None:
        if key not in fields:
            return None
        node = fields[key][1]
        if isinstance(node, yaml.ScalarNode) and node.tag == _NULL:
            return []
        if not isinstance(node, yaml.SequenceNode):
            self.problem(node, f"'{key}' of {what} must be a list; {_shape(node)}; write {example}")
            return None
        return list(node.value)

    def each(self, nodes: list[yaml.Node], build: Callable[[yaml.Node, int], T | None]) -> list[T]:
        out: list[T] = []
        for i, node in enumerate(nodes, start=1):
            item = build(node, i)
            if item is not None:
                out.append(item)
        return out

    # -- the schema ------------------------------------------------------------------

    def roadmap(self, root: yaml.Node) -> Roadmap | None:
        fields = self.mapping(
            root, "the roadmap", _ROADMAP_KEYS, "'title: My Roadmap' and 'modules:' lines"
        )
        if fields is None:
            return None
        title = self.required_text(
            fields, "title", "the roadmap", root, "add 'title: My Roadmap' at the top"
        )
        rid = self.text(fields, "id", "the roadmap") or (slugify(title) if title else "roadmap")
        stated = self.stated(fields, "the roadmap")
        description = self.text(fields, "description", "the roadmap")
        module_nodes = self.sequence(
            fields, "modules", "the roadmap", "'modules:' followed by '- title: ...' items"
        )
        if (
            module_nodes is None
            and "modules" not in fields
            and (id(root), "modules") not in (self.misspelled)
        ):
            self.problem(
                root, "the roadmap has no modules; add 'modules:' with at least one module"
            )
        if module_nodes == []:
            self.problem(fields["modules"][1], "the roadmap's module list is empty; add a module")
        self._seen_ids: dict[str, yaml.Node] = {}
        modules = self.each(module_nodes or [], self.module)
        if title is None:
            return None
        return Roadmap(rid, title, tuple(modules), stated=stated, description=description)

    def stated(
        self, fields: dict[str, tuple[yaml.Node, yaml.Node]], what: What
    ) -> StatedEstimate | None:
        if "stated_estimate" not in fields:
            return None
        node = fields["stated_estimate"][1]
        sub = self.mapping(
            node, f"the stated estimate of {what}", _STATED_KEYS, "'{weeks: 5, hours: 200}'"
        )
        if sub is None:
            return None
        where = f"the stated estimate of {what}"
        return StatedEstimate(
            weeks=self.number(sub, "weeks", where),
            hours=self.number(sub, "hours", where),
            text=self.text(sub, "text", where),
            qualifier=self.text(sub, "qualifier", where),
        )

    def claim_id(self, item_id: str, node: yaml.Node, what: What) -> bool:
        first = self._seen_ids.get(item_id)
        if first is not None:
            self.problem(
                node,
                f"duplicate id '{item_id}' for {what} (first used on line "
                f"{first.start_mark.line + 1}); give it another 'id:'",
            )
            return False
        self._seen_ids[item_id] = node
        return True

    def module(self, node: yaml.Node, position: int) -> Module | None:
        what = _Named("module", position, node)
        fields = self.mapping(node, what, _MODULE_KEYS, "'- title: ...' with 'topics:' under it")
        if fields is None:
            return None
        title = self.required_text(fields, "title", what, node, "add 'title: ...' to the module")
        mid = self.text(fields, "id", what) or slugify(title or f"module-{position}")
        if "/" in mid:  # a subtopic's id is 'topic/sub': a module's must never look like one
            self.problem(
                fields["id"][1],
                f"id '{mid}' of {what} must not contain '/'; write '{mid.replace('/', '-')}'",
            )
        number = fields.get("number")
        num = position
        if number is not None:
            value = number[1]
            whole = _numeric(value) if value.tag == _INT else None
            if whole is not None and whole >= 0:
                num = int(whole)
            else:
                self.problem(
                    value,
                    f"'number' of {what} must be a whole number, 0 or more; {_shape(value)}; "
                    f"write 'number: {position}', or remove the line to number it by position",
                )
        topic_nodes = self.sequence(fields, "topics", what, "'topics:' followed by '- title: ...'")
        if (
            not topic_nodes
            and (topic_nodes is not None or "topics" not in fields)
            and (id(node), "topics") not in self.misspelled
        ):
            self.problem(
                fields["topics"][1] if "topics" in fields else node,
                f"{what} has no topics; add 'topics:' with at least one '- title: ...'",
            )
        tools_nodes = self.sequence(fields, "tools", what, "'tools: [Git, Docker]'")
        tools = tuple(
            self.each(tools_nodes or [], lambda n, i: self.list_text(n, f"tool {i} of {what}"))
        )
        id_node = fields["id"][1] if "id" in fields else node
        id_ok = self.claim_id(mid, id_node, what)
        self._module_id = mid
        topics = self.each(topic_nodes or [], self.topic)
        if title is None or not id_ok:
            return None
        return Module(
            id=mid,
            title=title,
            number=num,
            topics=tuple(topics),
            goal=self.text(fields, "goal", what),
            tools=tools,
            core_practice=self.text(fields, "core_practice", what),
            practical_application=self.text(fields, "practical_application", what),
            stated=self.stated(fields, what),
        )

    def list_text(self, node: yaml.Node, what: What) -> str | None:
        if not isinstance(node, yaml.ScalarNode) or node.tag == _NULL:
            self.problem(node, f"{what} must be text; {_shape(node)}; write it as '- text'")
            return None
        value = str(node.value).strip()
        if not value.isprintable():
            self.check_controls(node, value, str(what), multiline=False)
        return value or None

    def topic(self, node: yaml.Node, position: int) -> Topic | None:
        what = _Named("topic", position, node)
        fields = self.mapping(
            node, what, _TOPIC_KEYS, "'- title: ...' with 'estimate: 2 days' under it"
        )
        if fields is None:
            return None
        title = self.required_text(fields, "title", what, node, "add 'title: ...' to the topic")
        tid = self.text(fields, "id", what) or slugify(title or f"topic-{position}")
        if "/" in tid:
            self.problem(
                fields["id"][1],
                f"id '{tid}' of {what} must not contain '/'; write '{tid.replace('/', '-')}'",
            )
        estimate = self.estimate(fields, what)
        id_ok = self.claim_id(tid, fields["id"][1] if "id" in fields else node, what)
        sub_nodes = self.sequence(
            fields, "subtopics", what, "'subtopics:' followed by '- Title' items"
        )
        subtopics: list[Subtopic] = []
        seen: dict[str, yaml.Node] = {}
        prefix = tid + "/"
        for i, sub_node in enumerate(sub_nodes or (), start=1):
            # the common case inline: '- Title', not empty, its slug not taken
            if sub_node.__class__ is _ScalarNode and sub_node.tag != _NULL:
                sub_title = sub_node.value.strip()
                local = slugify(sub_title) if sub_title else ""
                if local and local not in seen and sub_title.isprintable():
                    seen[local] = sub_node
                    subtopics.append(Subtopic(prefix + local, sub_title))
                    continue
            sub = self.subtopic(sub_node, i, tid, what, seen)
            if sub is not None:
                subtopics.append(sub)
        if title is None or not id_ok:
            return None
        return Topic(
            id=tid,
            title=title,
            module_id=self._module_id,
            estimate=estimate,
            qualifier=self.text(fields, "qualifier", what),
            link=self.text(fields, "link", what),
            subtopics=tuple(subtopics),
            note=self.text(fields, "note", what),
        )

    def estimate(self, fields: dict[str, tuple[yaml.Node, yaml.Node]], what: What) -> Effort | None:
        if "estimate" not in fields:
            return None
        node = fields["estimate"][1]
        if isinstance(node, yaml.ScalarNode) and node.tag == _NULL:
            return None
        if isinstance(node, yaml.ScalarNode) and node.tag in (_INT, _FLOAT):
            self.problem(
                node,
                f"estimate '{node.value}' of {what} has no unit; "
                f"write '{node.value} days' or '{node.value} hours'",
            )
            return None
        if not isinstance(node, yaml.ScalarNode):
            self.problem(
                node, f"estimate of {what} must be text; {_shape(node)}; write 'estimate: 2 days'"
            )
            return None
        effort = self.efforts.get(node.value)
        if effort is None:
            try:
                effort = self.efforts[node.value] = Effort.parse(node.value)
            except EffortError as exc:
                self.problem(node, f"{what}: {exc}")
                return None
        return effort

    def subtopic(
        self,
        node: yaml.Node,
        position: int,
        topic_id: str,
        topic_what: What,
        seen: dict[str, yaml.Node],
    ) -> Subtopic | None:
        what = f"subtopic {position} of {topic_what}"
        if isinstance(node, yaml.ScalarNode) and node.tag != _NULL:
            title: str | None = str(node.value).strip() or None
            if title is None:
                self.problem(node, f"{what} is empty; write its title or remove the line")
                return None
            if not title.isprintable():
                self.check_controls(node, title, f"the title of {what}", multiline=False)
            local, link = slugify(title), None
            id_node: yaml.Node = node
        else:
            fields = self.mapping(
                node, what, _SUBTOPIC_KEYS, "'- Title' or '- {title: ..., link: ...}'"
            )
            if fields is None:
                return None
            title = self.required_text(fields, "title", what, node, "add 'title: ...'")
            local = self.text(fields, "id", what) or slugify(title or f"subtopic-{position}")
            link = self.text(fields, "link", what)
            id_node = fields["id"][1] if "id" in fields else node
            if "/" in local:
                self.problem(
                    id_node,
                    f"id '{local}' of {what} must not contain '/'; "
                    f"write '{local.replace('/', '-')}'",
                )
                return None
        if local in seen:
            self.problem(
                id_node,
                f"duplicate subtopic id '{local}' in {topic_what} (first on line "
                f"{seen[local].start_mark.line + 1}); give one of them an 'id:'",
            )
            return None
        seen[local] = id_node
        if title is None:
            return None
        return Subtopic(f"{topic_id}/{local}", title, link)


def _name(kind: str, position: int, node: yaml.Node) -> str:
    """How messages name an item: by its title when it has one, else by position."""
    if isinstance(node, yaml.MappingNode):
        for key, value in node.value:
            if (
                isinstance(key, yaml.ScalarNode)
                and key.value == "title"
                and isinstance(value, yaml.ScalarNode)
                and str(value.value).strip()
            ):
                return f"{kind} '{str(value.value).strip()}'"
    return f"{kind} {position}"


def _numeric(node: yaml.Node) -> float | None:
    """The value of an int or float scalar as YAML reads it (``0x10``, ``1_000``, ``.inf``)."""
    if not isinstance(node, yaml.ScalarNode) or node.tag not in (_INT, _FLOAT):
        return None
    try:
        if node.tag == _INT:
            return float(_NUMBERS.construct_yaml_int(node))
        return float(_NUMBERS.construct_yaml_float(node))
    except (ValueError, OverflowError):
        return None


def _is_scalar(node: yaml.Node) -> bool:
    return isinstance(node, yaml.ScalarNode)


def _shape(node: yaml.Node) -> str:
    if isinstance(node, yaml.MappingNode):
        return "found a mapping"
    if isinstance(node, yaml.SequenceNode):
        return "found a list"
    if node.tag == _NULL:
        return "found nothing"
    return f"found the text '{node.value}'"


def _check_tags(node: yaml.Node, walker: _Walker) -> bool:
    """Refuse any tag outside plain YAML (``!!python/object`` and friends).

    Each node is visited once: an alias is the node it names, so a file of nested
    aliases (a "billion laughs") costs its size, not its expansion, and a tagged node
    named by several aliases is one defect.
    """
    ok = True
    stack = [node]
    seen: set[int] = set()  # collections, and scalars found wrong (a scalar has no children)
    while stack:
        n = stack.pop()
        if id(n) in seen:
            continue
        scalar = n.__class__ is _ScalarNode
        if n.tag not in _PLAIN_TAGS and not (scalar and n.tag.startswith(_CORE)):
            shown = "!!" + n.tag[len(_CORE) :] if n.tag.startswith(_CORE) else n.tag
            walker.problem(
                n,
                f"tag '{shown}' is not allowed: a roadmap is plain YAML; "
                "remove the tag and write the value as text",
            )
            ok = False
            seen.add(id(n))
        if scalar:
            continue
        seen.add(id(n))
        if n.__class__ is _SequenceNode:
            stack.extend(n.value)
        else:
            for k, v in n.value:
                stack.append(k)
                stack.append(v)
    return ok


_LINE_BREAK = re.compile(r"\r\n|\r|\n")
_NOT_YAML_CHAR = re.compile("[^\t\n\r\x20-\x7e\x85\xa0-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")
"""Characters YAML refuses anywhere in a file (control characters, lone surrogates)."""


_CONTROL_WRITTEN = re.compile(
    r"\\(?:x[0-9A-Fa-f]{2}|u[0-9A-Fa-f]{4}|U[0-9A-Fa-f]{8}|.)"
    f"|[\x00-\x1f\x7f-\x9f{BIDI_CONTROLS}]",
    re.DOTALL,
)
"""A double-quoted escape, or a control character as itself."""
_ESCAPES = {
    "0": "\x00",
    "a": "\x07",
    "b": "\x08",
    "t": "\t",
    "\t": "\t",
    "n": "\n",
    "v": "\x0b",
    "f": "\x0c",
    "r": "\r",
    "e": "\x1b",
    "N": "\x85",
}


def _unescape(written: str) -> str:
    """The character a double-quoted YAML escape (``\\e``, ``\\x07``) stands for; ''
    for one that stands for no control character."""
    code = written[1:]
    if code[:1] in ("x", "u", "U") and len(code) > 1:
        return chr(int(code[1:], 16))
    return _ESCAPES.get(code, "")


def _position(text: str, index: int) -> tuple[int, int]:
    """1-based (line, column) of character ``index``, as YAML counts lines."""
    before = text[:index]
    breaks = list(_LINE_BREAK.finditer(before))
    return len(breaks) + 1, index - (breaks[-1].end() if breaks else 0) + 1


def _syntax_problem(text: str, name: str, exc: yaml.YAMLError) -> Problem:
    """One line for a file YAML cannot read: where, what, and what to do."""
    if isinstance(exc, yaml.MarkedYAMLError):
        mark = exc.problem_mark or exc.context_mark
        line, col = (mark.line + 1, mark.column + 1) if mark else (1, 1)
        what = exc.problem or exc.context or "unreadable YAML"
        lines = _LINE_BREAK.split(text)
        here = lines[line - 1][col - 1 : col] if line <= len(lines) else ""
        if here == "\t" or "tab" in what:
            hint = "YAML indents with spaces only; replace the tab with spaces"
        elif "another document" in what:
            hint = "a roadmap is one YAML document; remove the '---' line and what follows it"
        else:
            hint = "check indentation and quoting"
        return Problem(name, line, col, f"YAML syntax error: {what}; {hint}")
    bad = _NOT_YAML_CHAR.search(text)
    if bad is not None:
        line, col = _position(text, bad.start())
        return Problem(
            name,
            line,
            col,
            f"control character U+{ord(bad.group()):04X} is not allowed in a YAML file; remove it",
        )
    return Problem(name, 1, 1, f"YAML error: {' '.join(str(exc).split())}")


def parse_roadmap(text: str, name: str = "<roadmap>") -> Roadmap:
    """Build a Roadmap from YAML text; raise RoadmapError listing every defect."""
    walker = _Walker(name, text)
    if not text.strip():
        raise RoadmapError(
            [Problem(name, 1, 1, "the file is empty; a roadmap needs 'title:' and 'modules:'")]
        )
    try:
        root = yaml.compose(text, Loader=_Loader)
    except yaml.YAMLError as exc:
        raise RoadmapError([_syntax_problem(text, name, exc)]) from None
    if root is None:
        raise RoadmapError(
            [Problem(name, 1, 1, "the file is empty; a roadmap needs 'title:' and 'modules:'")]
        )
    if "!" in text and not _check_tags(root, walker):  # every tag is written with a '!'
        raise RoadmapError(sorted(walker.problems, key=lambda p: (p.line, p.column)))
    roadmap = walker.roadmap(root)
    if walker.problems or roadmap is None:
        raise RoadmapError(walker.problems)
    return roadmap


def load_roadmap(path: Path) -> Roadmap:
    """Read and parse a roadmap file; every failure is a RoadmapError, never a traceback."""
    name = str(path)
    try:
        data = read_bytes(path, ROADMAP)
    except FileError as exc:  # a folder, a device, a pipe; too large
        raise RoadmapError([Problem(name, 0, 0, exc.problem)]) from None
    except FileNotFoundError:
        raise RoadmapError(
            [Problem(name, 0, 0, "no such file; check the path or pass --roadmap FILE")]
        ) from None
    except OSError as exc:
        raise RoadmapError(
            [Problem(name, 0, 0, f"cannot read the file: {exc.strerror}; check its permissions")]
        ) from None
    if path.suffix.lower() in (".md", ".markdown"):
        raise RoadmapError(
            [
                Problem(
                    name,
                    0,
                    0,
                    "this is Markdown, not a roadmap file; convert it with "
                    f"'planner import {name}' and open the .yaml file it writes",
                )
            ]
        )
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        before = data[: exc.start]
        line = before.count(b"\n") + 1
        col = exc.start - (before.rfind(b"\n") + 1) + 1
        raise RoadmapError(
            [
                Problem(
                    name,
                    line,
                    col,
                    f"the file is not UTF-8 (byte 0x{data[exc.start]:02x}); "
                    "save it as UTF-8 and try again",
                )
            ]
        ) from None
    return parse_roadmap(text, name)


# -- writing: Roadmap -> YAML ----------------------------------------------------------

_WIDTH = 100
_RESERVED_WORDS = re.compile(
    r"^(?:y|Y|yes|Yes|YES|n|N|no|No|NO|true|True|TRUE|false|False|FALSE|on|On|ON|"
    r"off|Off|OFF|null|Null|NULL)$"
)
_YAML_PLAIN_CHARS = re.compile(
    "^[\x20-\x7e\xa0-\u2027\u202a-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]*$"
)


def _plain_ok(text: str, flow: bool = False) -> bool:
    """Whether ``text`` reads back as the same string written without quotes.

    Deliberately narrow: a plain scalar must start with a letter (or '(' or a path
    such as './x'), contain no ': ', ' #', tab or line break, and not be a YAML
    boolean or null word; in a flow list or mapping it also has no ',[]{}:'.
    Anything else is double-quoted.
    """
    if not text or text != text.strip() or not _YAML_PLAIN_CHARS.match(text):
        return False
    first, second = text[0], text[1:2]
    if not (
        first.isalpha()
        or first == "("
        or (first in "./" and second in ("/", "."))
        or (first == "/" and second.isalpha())
        or (first == "+" and second == " ")
    ):
        return False
    if _RESERVED_WORDS.match(text) or ": " in text or " #" in text or text.endswith(":"):
        return False
    if any(0xE000 <= ord(c) <= 0xF8FF or ord(c) >= 0xF0000 or c == "\ufeff" for c in text):
        return False
    return not (flow and any(c in text for c in ",[]{}:?&*!|>'\"%@`#"))


def _quoted(text: str) -> str:
    dumped: str = yaml.safe_dump(text, default_style='"', allow_unicode=True, width=2**30)
    return dumped.rstrip("\n")


def _scalar(text: str, flow: bool = False) -> str:
    return text if _plain_ok(text, flow) else _quoted(text)


def _num(value: float) -> str:
    if float(value).is_integer():
        return str(int(value))
    text = repr(float(value))
    return text if "e" not in text else f"{value:.6f}".rstrip("0").rstrip(".")


def _effort(effort: Effort) -> str:
    unit = effort.unit[:-1] if effort.value == 1 else effort.unit
    return f"{_num(effort.value)} {unit}"


def _text_field(indent: str, key: str, text: str) -> list[str]:
    """``key: text``, folded (``>-``) over several lines when long and safe to fold."""
    line = f"{indent}{key}: {_scalar(text)}"
    if len(line) <= _WIDTH or not _plain_ok(text):
        return [line]
    room = max(40, _WIDTH - len(indent) - 2)
    lines: list[str] = []
    current = ""
    for word in re.split(r"(?<=\S) (?=\S)", text):
        if current and len(current) + 1 + len(word) > room:
            lines.append(current)
            current = word
        else:
            current = f"{current} {word}" if current else word
    lines.append(current)
    try:
        back = yaml.safe_load("k: >-\n" + "\n".join(f"  {x}" for x in lines))
    except yaml.YAMLError:  # pragma: no cover - plain-safe text always folds
        return [line]
    if back != {"k": text}:
        return [line]
    return [f"{indent}{key}: >-"] + [f"{indent}  {x}" for x in lines]


def _description(text: str) -> list[str]:
    paragraphs = text.split("\n\n")
    if len(paragraphs) == 1:
        return _text_field("", "description", text)
    if not all(_plain_ok(p) and "\n" not in p for p in paragraphs):
        return [f"description: {_quoted(text)}"]
    out = ["description: |-"]
    for i, p in enumerate(paragraphs):
        out += [""] * bool(i) + [f"  {p}"]
    return out


def _stated_lines(indent: str, stated: StatedEstimate) -> list[str]:
    pairs = [(k, _num(v)) for k, v in (("weeks", stated.weeks), ("hours", stated.hours)) if v]
    texts = [(k, v) for k, v in (("text", stated.text), ("qualifier", stated.qualifier)) if v]
    if not pairs and not texts:
        return []
    if len(texts) <= 1 and all(_plain_ok(v, flow=True) for _, v in texts):
        flow = ", ".join(f"{k}: {v}" for k, v in pairs + texts)
        line = f"{indent}stated_estimate: {{{flow}}}"
        if len(line) <= _WIDTH:
            return [line]
    out = [f"{indent}stated_estimate:"] + [f"{indent}  {k}: {v}" for k, v in pairs]
    for k, v in texts:
        out += _text_field(indent + "  ", k, v)
    return out


def _list_lines(indent: str, key: str, items: Sequence[str]) -> list[str]:
    if all(_plain_ok(i, flow=True) for i in items):
        line = f"{indent}{key}: [{', '.join(items)}]"
        if len(line) <= _WIDTH:
            return [line]
    return [f"{indent}{key}:"] + [f"{indent}  - {_scalar(i)}" for i in items]


def _subtopic_entry(sub: Subtopic, topic_id: str) -> tuple[str, bool]:
    """(YAML for one subtopic, whether it is written as a plain title)."""
    local = sub.id[len(topic_id) + 1 :]
    if sub.link is None and local == slugify(sub.title):
        return _scalar(sub.title), True
    parts = [f"id: {_scalar(local, flow=True)}", f"title: {_scalar(sub.title, flow=True)}"]
    if sub.link is not None:
        parts.append(f"link: {_scalar(sub.link, flow=True)}")
    return "{" + ", ".join(parts) + "}", False


def _comment(text: str) -> str:
    clean = "".join(c if _YAML_PLAIN_CHARS.match(c) else "?" for c in " ".join(text.split()))
    return f"# {clean}" if clean else "#"


def dump_roadmap(
    roadmap: Roadmap,
    header: Sequence[str] = (),
    notes: Mapping[str, str] | None = None,
) -> str:
    """Roadmap -> readable YAML in the layout of the bundled ``roadmap.yaml``.

    Every module and topic gets an explicit ``id:`` (so ids survive title edits);
    ``header`` lines become comments at the top; ``notes`` maps a topic id to a
    comment written above its entry. The text loads back (``parse_roadmap``) equal
    to ``roadmap``: strings that YAML would read as something else are quoted.
    """
    notes = notes or {}
    out = [_comment(line) for line in header]
    out += [f"id: {_scalar(roadmap.id)}", f"title: {_scalar(roadmap.title)}"]
    if roadmap.description:
        out += _description(roadmap.description)
    if roadmap.stated is not None:
        out += _stated_lines("", roadmap.stated)
    out.append("modules:")
    for i, module in enumerate(roadmap.modules):
        ind = "    "
        out += [""] * bool(i) + [f"  - id: {_scalar(module.id)}", f"{ind}number: {module.number}"]
        out += _text_field(ind, "title", module.title)
        if module.goal:
            out += _text_field(ind, "goal", module.goal)
        if module.core_practice:
            out += _text_field(ind, "core_practice", module.core_practice)
        if module.tools:
            out += _list_lines(ind, "tools", module.tools)
        if module.practical_application:
            out += _text_field(ind, "practical_application", module.practical_application)
        if module.stated is not None:
            out += _stated_lines(ind, module.stated)
        out.append(f"{ind}topics:")
        for topic in module.topics:
            if topic.id in notes:
                out.append(f"      {_comment(notes[topic.id])}")
            out.append(f"      - id: {_scalar(topic.id)}")
            ind = "        "
            out += _text_field(ind, "title", topic.title)
            if topic.note:
                out += _text_field(ind, "note", topic.note)
            if topic.estimate is not None:
                out.append(f"{ind}estimate: {_effort(topic.estimate)}")
            if topic.qualifier:
                out += _text_field(ind, "qualifier", topic.qualifier)
            if topic.link:
                out.append(f"{ind}link: {_scalar(topic.link)}")
            if topic.subtopics:
                entries = [_subtopic_entry(s, topic.id) for s in topic.subtopics]
                line = f"{ind}subtopics: [{', '.join(e for e, _ in entries)}]"
                flow = all(plain and _plain_ok(e, flow=True) for e, plain in entries)
                if flow and len(line) <= 88:
                    out.append(line)
                else:
                    out += [f"{ind}subtopics:"] + [f"{ind}  - {e}" for e, _ in entries]
    return "\n".join(out) + "\n"
