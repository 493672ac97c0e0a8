"""The JSON Schema of a manifest (``patches/*.toml``), generated from the registry's typed parameters.

Editors that read TOML through JSON Schema (taplo, Even Better TOML) validate manifests
with it; ``docs/manifest.schema.json`` is this schema for the bundled registry, and the
tests check that it is current and that every bundled manifest validates.
"""

from __future__ import annotations

from typing import Any

from fluxer_patcher.catalogue.loader import EXAMPLE_STATUSES, PrimitiveTable
from fluxer_patcher.syntax.grammars import GRAMMARS

_TEXT = {"type": "string", "minLength": 1}
_ONE_LINE = {"type": "string", "minLength": 1, "pattern": "^[^\\x00-\\x1f\\x7f]+$"}
_FILES = {"oneOf": [{"type": "string"}, {"type": "object", "additionalProperties": {"type": "string"}}]}


def _params(registry: PrimitiveTable, name: str) -> dict[str, Any]:
    spec = registry.get(name)
    declared = registry.declared(spec, {})
    properties = {p.name: p.schema() for p in declared.values()}
    for resolver in registry.resolvers.values():  # placeholder namespaces a step's values may use
        properties.update({p.name: p.schema() for p in resolver.params.values()})
    required = sorted(p.name for p in declared.values() if p.required)
    out: dict[str, Any] = {"type": "object", "properties": properties, "additionalProperties": False}
    if required:
        out["required"] = required
    return out


def manifest_schema(registry: PrimitiveTable) -> dict[str, Any]:
    edits = registry.names()
    step = {
        "type": "object",
        "required": ["file", "edit", "looking_for"],
        "additionalProperties": False,
        "properties": {
            "file": _TEXT,
            "language": {"enum": sorted(GRAMMARS)},
            "query": _TEXT,
            "present": _TEXT,
            "looking_for": _TEXT,
            "expect": {"oneOf": [{"type": "integer", "minimum": 0}, {"type": "string", "pattern": "^\\d+\\+?$"}]},
            "where": {
                "type": "object",
                "additionalProperties": {"oneOf": [{"type": "string"}, {"type": "array", "items": {"type": "string"}}]},
            },
            "edit": {"enum": edits},
            "params": {"type": "object"},
            "moved": {"type": "array", "items": _TEXT},
        },
        "allOf": [
            {
                "if": {"properties": {"edit": {"const": name}}},
                "then": {"properties": {"params": _params(registry, name)}},
            }
            for name in edits
        ],
    }
    example = {
        "type": "object",
        "required": ["name"],
        "properties": {
            "name": _TEXT,
            "before": _FILES,
            "after": _FILES,
            "status": {"enum": list(EXAMPLE_STATUSES)},
            "reason": {"type": "string"},
            "tree": {"type": "object", "additionalProperties": {"type": "string"}},
        },
    }
    paths = {"type": "array", "items": _TEXT}
    texts = {
        "type": "array",
        "items": {"type": "object", "required": ["text"], "additionalProperties": False,
                  "properties": {"text": _TEXT, "in": paths}},
    }
    recogniser = {
        "type": "object",
        "required": ["files", "looking_for"],
        "additionalProperties": False,
        "properties": {"files": paths, "language": {"enum": sorted(GRAMMARS)}, "query": _TEXT, "pattern": _TEXT,
                       "looking_for": _ONE_LINE, "when_present": paths},
    }
    obsolete = {
        "type": "object",
        "required": ["why"],
        "additionalProperties": False,
        "properties": {"why": _ONE_LINE, "missing": paths, "absent": texts, "exists": paths, "found": texts},
    }
    return {
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "title": "fluxer-patch manifest (patches/*.toml)",
        "type": "object",
        "required": ["id", "title", "symptom", "fix", "steps"],
        "anyOf": [{"required": ["gotchas", "guide"]}, {"required": ["refs"]}],
        "additionalProperties": False,
        "properties": {
            "id": {"type": "string", "pattern": "^[a-z0-9][a-z0-9-]*$"},
            "gotchas": {"type": "array", "items": {"type": "integer"}},
            "refs": {"type": "array", "items": _ONE_LINE},
            "default": {"type": "boolean"},
            "title": _ONE_LINE,
            "symptom": _TEXT,
            "fix": _TEXT,
            "guide": _ONE_LINE,
            "bug": _ONE_LINE,
            "after": {"type": "array", "items": {"type": "string"}},
            "next_steps": {"type": "array", "items": {"anyOf": [{"type": "string"}, {
                "type": "object", "additionalProperties": False, "required": ["line", "when"],
                "properties": {"line": {"type": "string"}, "when": {
                    "type": "object", "additionalProperties": False, "required": ["file"],
                    "properties": {"file": {"type": "string"}, "has": {"type": "string"}, "lacks": {"type": "string"}},
                    "oneOf": [{"required": ["has"]}, {"required": ["lacks"]}]}}}]}},
            "steps": {"type": "array", "minItems": 1, "items": step},
            "fixed_upstream": {"type": "array", "items": recogniser},
            "obsolete": obsolete,
            "examples": {"type": "array", "items": example},
        },
    }
