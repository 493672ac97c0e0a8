"""Typed parameters of edit primitives: name, type, allowed values, default.

A primitive declares its parameters with :class:`Param`; the catalogue loader checks every
step's ``params`` against them when the manifest is read (a mistyped value is a one-line
catalogue error naming the manifest, never a failure when the fix first runs), and
:mod:`.schema` publishes the same declarations as a JSON Schema for editors.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

from fluxer_patcher.record import dataclass

# The value types a parameter can have.
TEXT = "text"  # a string; may hold {{capture}} and {{namespace:arg}} placeholders
TEXTS = "texts"  # a non-empty list of strings
CHOICE = "choice"  # one of `choices`
REGEX = "regex"  # a Python regular expression
REGEX_TABLES = "regex-tables"  # {path = regex}, or a non-empty list of such tables (any one matches)
NAMED_REGEX_TABLES = "named-regex-tables"  # {name = regex-tables}
KINDS = (TEXT, TEXTS, CHOICE, REGEX, REGEX_TABLES, NAMED_REGEX_TABLES)

_REQUIRED = object()


@dataclass(frozen=True)
class Param:
    name: str
    kind: str = TEXT
    doc: str = ""
    default: Any = _REQUIRED
    choices: tuple[str, ...] = ()

    @property
    def required(self) -> bool:
        return self.default is _REQUIRED

    def problem(self, value: object) -> str | None:
        """Why ``value`` is not valid for this parameter; ``None`` when it is."""
        return _PROBLEMS[self.kind](self, value)

    def schema(self) -> dict[str, Any]:
        """This parameter as a JSON Schema."""
        out = dict(_SCHEMAS[self.kind])
        if self.kind == CHOICE:
            out["enum"] = list(self.choices)
        if self.doc:
            out["description"] = self.doc
        if not self.required:
            out["default"] = self.default
        return out


def _text(_p: Param, value: object) -> str | None:
    return None if isinstance(value, str) else "must be a string"


def _texts(_p: Param, value: object) -> str | None:
    if isinstance(value, list) and value and all(isinstance(v, str) for v in value):
        return None
    return "must be a non-empty list of strings"


def _choice(p: Param, value: object) -> str | None:
    return None if value in p.choices else f"must be one of {', '.join(map(repr, p.choices))}, not {value!r}"


def _regex(_p: Param, value: object) -> str | None:
    if not isinstance(value, str):
        return "must be a regex string"
    try:
        re.compile(value)
    except re.error as exc:
        return f"bad regex: {exc}"
    return None


def regex_tables_problem(value: object) -> str | None:
    tables = value if isinstance(value, list) else [value]
    if not tables or not all(isinstance(t, Mapping) and t for t in tables):
        return "must be a non-empty table of path = regex, or a list of them"
    for table in tables:
        assert isinstance(table, Mapping)
        for path, pattern in table.items():
            if not isinstance(path, str) or not isinstance(pattern, str):
                return f"{path!r} must map to a regex string"
            try:
                re.compile(pattern)
            except re.error as exc:
                return f"bad regex for {path!r}: {exc}"
    return None


def _regex_tables(_p: Param, value: object) -> str | None:
    return regex_tables_problem(value)


def _named_regex_tables(_p: Param, value: object) -> str | None:
    if not isinstance(value, Mapping) or not value:
        return "must be a table of name = role"
    for name, role in value.items():
        problem = regex_tables_problem(role)
        if problem:
            return f"{name}: {problem}"
    return None


_PROBLEMS = {
    TEXT: _text,
    TEXTS: _texts,
    CHOICE: _choice,
    REGEX: _regex,
    REGEX_TABLES: _regex_tables,
    NAMED_REGEX_TABLES: _named_regex_tables,
}
_TABLE = {"type": "object", "minProperties": 1, "additionalProperties": {"type": "string"}}
_TABLES = {"oneOf": [_TABLE, {"type": "array", "minItems": 1, "items": _TABLE}]}
_SCHEMAS: dict[str, dict[str, Any]] = {
    TEXT: {"type": "string"},
    TEXTS: {"type": "array", "minItems": 1, "items": {"type": "string"}},
    CHOICE: {"type": "string"},
    REGEX: {"type": "string", "format": "regex"},
    REGEX_TABLES: _TABLES,
    NAMED_REGEX_TABLES: {"type": "object", "minProperties": 1, "additionalProperties": _TABLES},
}


def check(params: Mapping[str, object], declared: Mapping[str, Param]) -> str | None:
    """The first problem of ``params`` against the ``declared`` parameters, else ``None``."""
    missing = [name for name, p in declared.items() if p.required and name not in params]
    if missing:
        return f"missing {missing}"
    extra = [name for name in params if name not in declared]
    if extra:
        return f"unknown {extra}"
    for name, value in params.items():
        problem = declared[name].problem(value)
        if problem:
            return f"`{name}` {problem}"
    return None
