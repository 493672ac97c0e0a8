; Gotcha 9. The ENTRYPOINT of the last stage (the image `docker build` produces):
;   ENTRYPOINT ["pnpm", "start"]           (refactor branch; the root has no start script)
((entrypoint_instruction) @target
 (#last-stage? @target))

(entrypoint_instruction) @landmark.ENTRYPOINT
