; Gotchas 3 and 12. The RUN of stage `app-build` that builds the web app:
;   RUN cd fluxer_app && pnpm build        (refactor branch, and the guide)
; also after the fix (`... pnpm lingui:compile && pnpm build`). `pnpm build:css` is not it.
((run_instruction) @target
 (#match? @target "fluxer_app")
 (#match? @target "pnpm\\s+(run\\s+)?build(\\s|$|;|&)")
 (#stage? @target "app-build"))

((from_instruction
   (image_alias) @landmark.app-build)
 (#eq? @landmark.app-build "app-build"))

((run_instruction) @landmark.fluxer_app-build
 (#match? @landmark.fluxer_app-build "fluxer_app")
 (#match? @landmark.fluxer_app-build "pnpm\\s+(run\\s+)?build(\\s|$|;|&)"))
