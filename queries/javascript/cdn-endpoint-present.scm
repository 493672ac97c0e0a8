; Gotcha 4, already applied: `'FLUXER_CDN_ENDPOINT' in process.env ? process.env.FLUXER_CDN_ENDPOINT : …`
; (any default). Matched inside the CDN_ENDPOINT value, so a nested copy left by applying a
; sed fix twice counts as the fix being there twice.
(ternary_expression
  condition: (binary_expression
    left: (string (string_fragment) @_key (#eq? @_key "FLUXER_CDN_ENDPOINT"))
    operator: "in"
    right: (member_expression) @_env (#eq? @_env "process.env"))
  consequence: (member_expression) @_value (#eq? @_value "process.env.FLUXER_CDN_ENDPOINT")) @present
