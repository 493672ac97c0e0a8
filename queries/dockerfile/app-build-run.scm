; Gotchas 3 and 12. The RUN of stage `app-build` that builds the web app:
;   RUN cd fluxer_app && pnpm build        (refactor branch, and the guide)
; also after the fix (`... pnpm lingui:compile && pnpm build`) and as
; `pnpm --filter fluxer_app build`. `pnpm build:css` is not it.
((run_instruction) @target
 (#match? @target "fluxer_app")
 (#match? @target "pnpm\\s+((--filter|-F)[ =]?\\S+\\s+)?(run\\s+)?build(\\s|$|;|&)")
 (#stage? @target "app-build"))

((from_instruction
   (image_alias) @landmark.app_build_stage)
 (#eq? @landmark.app_build_stage "app-build"))

((run_instruction) @landmark.RUN_building_fluxer_app
 (#match? @landmark.RUN_building_fluxer_app "fluxer_app")
 (#match? @landmark.RUN_building_fluxer_app "\\sbuild(\\s|$|;|&)"))
