; Gotcha 15. The RUN that builds the marketing site's CSS (stage `build` upstream):
;   RUN pnpm --filter @fluxer/marketing build:css
((run_instruction) @target
 (#match? @target "pnpm\\s+(--filter[ =]|-F\\s*)@fluxer/marketing\\s+(run\\s+)?build:css"))

((from_instruction
   (image_alias) @landmark.build_stage)
 (#eq? @landmark.build_stage "build"))
