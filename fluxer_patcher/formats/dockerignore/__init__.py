"""``.dockerignore``: Docker's ignore semantics (:mod:`.rules`) and the primitive that lets
paths through (:mod:`.primitives`).  No grammar: the file is read line by line, as Docker does."""
