; Issue 11 item 4 (b). The -export attribute of guild_voice_server that names lookup/1:
;   -export([start_link/2, stop/1, lookup/1]).
((export_attribute
   (fa fun: (atom) @_fun arity: (arity value: (integer) @_arity))) @target
 (#eq? @_fun "lookup") (#eq? @_arity "1"))

((function_clause name: (atom) @landmark.ensure_registry) (#eq? @landmark.ensure_registry "ensure_registry"))
