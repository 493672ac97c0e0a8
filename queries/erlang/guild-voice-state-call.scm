; Issue 11 item 4 (a). The `try` around the guild's voice state update call, in
; guild_client:do_call/3 on the refactor branch:
;   try gen_server:call(GuildPid, {voice_state_update, Request}, Timeout) of
;       Response when is_map(Response) -> ...;
;       {error, Category, ErrorAtom} when ... -> ...
;   catch ... end
((try_expr
   (call
     expr: (remote
       module: (remote_module module: (atom) @_module)
       fun: (atom) @_fun)
     args: (expr_args (tuple . (atom) @_tag)))) @target
 (#eq? @_module "gen_server") (#eq? @_fun "call") (#eq? @_tag "voice_state_update"))

; Later upstream: `try Reply = gen_server:call(...), normalize...(Reply) catch ... end`, a
; `try` without an `of` part (no reply can fail to match it).
((try_expr
   (match_expr
     rhs: (call
       expr: (remote
         module: (remote_module module: (atom) @_module)
         fun: (atom) @_fun)
       args: (expr_args (tuple . (atom) @_tag))))) @target
 (#eq? @_module "gen_server") (#eq? @_fun "call") (#eq? @_tag "voice_state_update"))

((function_clause name: (atom) @landmark.do_call) (#eq? @landmark.do_call "do_call"))
