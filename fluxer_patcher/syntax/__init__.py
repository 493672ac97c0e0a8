"""Syntax: the tree-sitter grammars, documents (bytes + tree + layout) and queries.

Owns parsing and matching; knows no file kind's meaning.  Query predicates beyond
tree-sitter's own are looked up in :mod:`.predicates`, where formats register theirs.
May import: ``errors``, ``model``.
"""
