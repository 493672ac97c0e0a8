; Issue 11 item 4 (b). In fluxer_gateway_app:start/2, the expression that starts the top
; supervisor (after the ETS tables the application owns are created): from 22ba6945 on
;   {ok, Pid} = fluxer_gateway_sup:start_link(),
; and before it (0517a966 and the four commits after) the clause's last expression
;   fluxer_gateway_sup:start_link().
((function_clause
   name: (atom) @_name
   body: (clause_body
     [
       (match_expr
         rhs: (call expr: (remote
           module: (remote_module module: (atom) @_module)
           fun: (atom) @_fun)))
       (call expr: (remote
         module: (remote_module module: (atom) @_module)
         fun: (atom) @_fun))
     ] @target))
 (#eq? @_name "start") (#eq? @_module "fluxer_gateway_sup") (#eq? @_fun "start_link"))

((function_clause name: (atom) @landmark.start) (#eq? @landmark.start "start"))
