; Issue 11 item 4 (b). guild_client:voice_state_update/4, which resolves the guild's voice
; server and falls back to the guild process:
;   voice_state_update(GuildPid, GuildId, Request, Timeout) ->
;       ensure_table(),
;       TargetPid = resolve_voice_pid(GuildId, GuildPid), ...
((function_clause
   name: (atom) @_name
   args: (expr_args . (_) . (_) . (_) . (_) .)) @target
 (#eq? @_name "voice_state_update"))

((function_clause name: (atom) @landmark.resolve_voice_pid) (#eq? @landmark.resolve_voice_pid "resolve_voice_pid"))
