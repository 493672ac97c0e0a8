"""JavaScript and TypeScript: structural comparison and quoting of snippets
(:mod:`.structure`), what guards mean (:mod:`.conditions`) and the edit primitives
(:mod:`.primitives`, :mod:`.arguments`, :mod:`.guards`)."""
