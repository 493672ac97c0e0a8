; Gotchas 3 and 12. The RUN of stage `app-build` that builds the web app:
;   RUN cd fluxer_app && pnpm build        (refactor branch, and the guide)
; and whatever runs fluxer_app's `build` script there: `pnpm --filter fluxer_app build`,
; `cd fluxer_app && CARGO_BUILD_JOBS=4 pnpm build`, `sh -c 'cd fluxer_app && pnpm build'`,
; `pnpm run build` under `WORKDIR .../fluxer_app` (what runs is read with tree-sitter-bash).
; `pnpm build:css` is not it.
((run_instruction) @target
 (#runs-script? @target "fluxer_app" "build")
 (#stage? @target "app-build"))

((from_instruction
   (image_alias) @landmark.app_build_stage)
 (#eq? @landmark.app_build_stage "app-build"))

((run_instruction) @landmark.RUN_building_fluxer_app
 (#runs-script? @landmark.RUN_building_fluxer_app "fluxer_app" "build"))

; A RUN that works in fluxer_app without its `build` script (`pnpm exec rspack build`): named
; in the drift reason, never edited.
((run_instruction) @landmark.RUN_working_in_fluxer_app
 (#runs-in? @landmark.RUN_working_in_fluxer_app "fluxer_app"))
