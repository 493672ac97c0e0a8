"""The quote style a snippet is rendered in: voted by the file's string literals only."""

from __future__ import annotations

from fluxer_patcher.formats.js import structure
from fluxer_patcher.syntax.document import Document


def test_the_string_type_keyword_is_no_vote_for_a_quote() -> None:
    # three `string` type keywords (anonymous nodes of type "string") and one literal
    text = b"function f(a: string, b: string): string {\n\treturn \"x\";\n}\n"
    doc = Document("f.ts", text, "typescript")
    assert structure.preferred_quote(doc) == '"'


def test_requote_leaves_a_type_annotation_alone() -> None:
    doc, node = structure.parse_statement("typescript", "const a: string = 'x';")
    assert structure.requote(doc, node, '"') == 'const a: string = "x";'


def test_the_vote_is_the_same_for_a_scope_and_for_the_file_when_asked_twice() -> None:
    text = b"const a = 'x';\nfunction g() {\n\treturn [\"y\", \"z\"];\n}\n"
    doc = Document("g.ts", text, "typescript")
    scope = doc.root.named_children[1]
    assert structure.preferred_quote(doc, scope) == '"'
    assert structure.preferred_quote(doc) == '"'  # the file: two double, one single
    assert structure.preferred_quote(doc, scope) == '"'
