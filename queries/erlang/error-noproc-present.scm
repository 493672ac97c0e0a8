; Issue 11 item 4 (b): the clause already answers `{error, noproc}` itself (later upstream
; logs a registry miss and returns it from a `maybe ... else`).
((tuple . (atom) @_error . (atom) @_noproc .) @present
 (#eq? @_error "error") (#eq? @_noproc "noproc"))
