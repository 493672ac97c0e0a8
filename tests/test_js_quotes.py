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


def test_a_compared_node_is_fingerprinted_once(monkeypatch) -> None:  # type: ignore[no-untyped-def]
    doc = Document("c.ts", b"const a = [x, 'y', f(z)];\n", "typescript")
    frag_doc, frag = structure.parse_expression("typescript", '"y"')
    elements = structure.named(doc.root.named_children[0].named_children[0].child_by_field_name("value"))
    calls: list[object] = []
    real = structure.fingerprint
    monkeypatch.setattr(structure, "fingerprint", lambda d, n: calls.append(n) or real(d, n))
    for _ in range(2):
        assert [structure.same(doc, e, frag_doc, frag) for e in elements] == [False, True, False]
    again_doc, again = structure.parse_expression("typescript", '"y"')  # the same snippet: the same tree
    assert structure.same(doc, elements[1], again_doc, again)
    asked = [n for n in calls if n in elements or n == frag]  # not the nodes inside, fingerprinted on the way
    assert len(asked) == 4  # the three elements and the snippet, each once
