; Gotchas 1, 8 (and any fix placed by stage). The FROM instruction that opens a named stage:
;   FROM <image or stage> AS <name>
; @stage is the stage name (steps pick one with `where`), @target the FROM instruction.
; Upstream (refactor branch): base, deps, build, gateway-build, app-build, production.
((from_instruction
   (image_alias) @stage) @target)

(from_instruction
  (image_alias) @landmark.stages)
