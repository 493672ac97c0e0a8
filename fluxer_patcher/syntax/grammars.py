"""The tree-sitter grammars fixes can name, loaded on first use.

A grammar module is imported only when a fix that needs it runs, so ``fluxer-patch list``
and a run that touches only TypeScript never pay for the Dockerfile or YAML grammars.
"""

from __future__ import annotations

import importlib
import warnings
from dataclasses import dataclass
from functools import cache
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from tree_sitter import Language, Parser, Tree


@dataclass(frozen=True)
class Grammar:
    module: str
    function: str
    # How to embed an expression snippet so that it parses on its own, and where it sits.
    expression_wrapper: tuple[str, str] | None = None
    # The grammar reports errors on some valid files: the engine then refuses only edits
    # that add errors, instead of files that have any.
    rejects_valid: bool = False
    # The grammar knows LF only (a `\` before CRLF is an error): parse with each CR read as
    # a space, which keeps every byte offset, so CRLF files parse like their LF twins.
    lf_only: bool = False


GRAMMARS: dict[str, Grammar] = {
    "typescript": Grammar("tree_sitter_typescript", "language_typescript", ("(\n", "\n);\n")),
    "tsx": Grammar("tree_sitter_typescript", "language_tsx", ("(\n", "\n);\n")),
    "javascript": Grammar("tree_sitter_javascript", "language", ("(\n", "\n);\n")),
    # tree-sitter-dockerfile 0.2.0 (the latest release) has ERROR nodes for valid flags
    # without a value (`COPY --link`, `COPY --parents`); the real upstream file parses clean.
    # and knows no CRLF line continuation.
    "dockerfile": Grammar("tree_sitter_dockerfile", "language", rejects_valid=True, lf_only=True),
    "json": Grammar("tree_sitter_json", "language"),
    "yaml": Grammar("tree_sitter_yaml", "language"),
    # tree-sitter-language-pack 0.13 ships its grammars compiled in the wheel; importing one
    # binding loads that grammar alone (1.x downloads grammars at first use instead).
    "erlang": Grammar("tree_sitter_language_pack.bindings.erlang", "language"),
}

# The families whose strings, comments and statements the JS edit primitives understand.
JS_FAMILY = frozenset({"typescript", "tsx", "javascript"})


class UnknownLanguage(ValueError):
    """A language name no grammar is known for (the catalogue checks names when it loads)."""


@cache
def language(name: str) -> Language:
    from tree_sitter import Language

    try:
        grammar = GRAMMARS[name]
    except KeyError:
        raise UnknownLanguage(f"unknown language {name!r} (known: {', '.join(sorted(GRAMMARS))})") from None
    module = importlib.import_module(grammar.module)
    with warnings.catch_warnings():
        # tree-sitter-dockerfile 0.2.0 hands over its language as an int, which tree-sitter
        # 0.26 still takes but flags as deprecated (pinned below 0.27 in pyproject.toml).
        warnings.filterwarnings("ignore", "int argument support is deprecated", DeprecationWarning)
        return Language(getattr(module, grammar.function)())


@cache
def parser(name: str) -> Parser:
    from tree_sitter import Parser

    return Parser(language(name))


def parse(name: str, data: bytes) -> Tree:
    if GRAMMARS[name].lf_only and b"\r" in data:
        data = data.replace(b"\r", b" ")
    return parser(name).parse(data)
