; Gotcha 4. The top-level `const CDN_ENDPOINT = <value>;` of fluxer_app/rspack.config.mjs.
; Upstream (Feb–Mar 2026): `const CDN_ENDPOINT = 'https://fluxerstatic.com';`
; The guide:              `const CDN_ENDPOINT = process.env.FLUXER_CDN_ENDPOINT || 'https://…';`
; Both capture the declaration's value as @target and the default URL as @url.

(program
  (lexical_declaration
    (variable_declarator
      name: (identifier) @_name (#eq? @_name "CDN_ENDPOINT")
      value: (string) @url @target)))

(program
  (lexical_declaration
    (variable_declarator
      name: (identifier) @_name (#eq? @_name "CDN_ENDPOINT")
      value: (binary_expression
        left: (member_expression) @_env (#eq? @_env "process.env.FLUXER_CDN_ENDPOINT")
        operator: "||"
        right: (string) @url) @target)))

; Any other value is still located (without @url), so the report can name its shape.
(program
  (lexical_declaration
    (variable_declarator
      name: (identifier) @_name (#eq? @_name "CDN_ENDPOINT")
      value: (_) @target)))

; Landmark for drift reports (a hint names a file only where every landmark is: upstream's
; file has no process.env.FLUXER_CDN_ENDPOINT, so that name is no landmark).
((variable_declarator
  name: (identifier) @landmark.CDN_ENDPOINT_declaration)
  (#eq? @landmark.CDN_ENDPOINT_declaration "CDN_ENDPOINT"))
