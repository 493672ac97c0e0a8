"""JavaScript and TypeScript: structural comparison and quoting of snippets
(:mod:`.structure`) and the edit primitives (:mod:`.primitives`)."""
