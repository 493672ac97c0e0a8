; Gotcha 15. The RUN that builds the marketing site's CSS (stage `build` upstream):
;   RUN pnpm --filter @fluxer/marketing build:css
; or any RUN that runs packages/marketing's `build:css` script (`-F`, `cd packages/marketing`,
; together with the admin CSS in one RUN, in either order).
((run_instruction) @target
 (#runs-script? @target "packages/marketing" "build:css"))

((from_instruction
   (image_alias) @landmark.build_stage)
 (#eq? @landmark.build_stage "build"))
