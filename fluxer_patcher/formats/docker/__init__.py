"""Dockerfiles: the model (:mod:`.dockerfile`: stages, lineage, instructions by meaning),
the query predicates (:mod:`.predicates`), the edit primitives (:mod:`.primitives`) and the
build-context check (:mod:`.context`)."""
