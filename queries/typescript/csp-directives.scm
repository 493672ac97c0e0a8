; Gotcha 11. The directive arrays of the app server's Content-Security-Policy:
;   function createAppServerInitializer(...) { ... createAppServer({ ..., cspDirectives: {
;       styleSrc: [...], imgSrc: [...], fontSrc: [...], ... } }) }
; @key is the directive name (steps pick one with `where`), @target its array.
; Other initializers (admin, marketing) have their own CSP and must not match.
((pair
   key: (property_identifier) @_csp (#eq? @_csp "cspDirectives")
   value: (object
     (pair
       key: (property_identifier) @key
       value: (array) @target)))
 (#inside? @target "function_declaration" "createAppServerInitializer"))

((function_declaration
   name: (identifier) @landmark.createAppServerInitializer)
 (#eq? @landmark.createAppServerInitializer "createAppServerInitializer"))

((pair
   key: (property_identifier) @landmark.cspDirectives)
 (#eq? @landmark.cspDirectives "cspDirectives"))

; A fork's directive named by a const of the initializer (`styleSrc,` or `styleSrc: styleSrc`):
; add-array-element edits the array that const declares.
((pair
   key: (property_identifier) @_csp (#eq? @_csp "cspDirectives")
   value: (object
     (shorthand_property_identifier) @key @target))
 (#inside? @target "function_declaration" "createAppServerInitializer"))

((pair
   key: (property_identifier) @_csp (#eq? @_csp "cspDirectives")
   value: (object
     (pair
       key: (property_identifier) @key
       value: (identifier) @target)))
 (#inside? @target "function_declaration" "createAppServerInitializer"))
