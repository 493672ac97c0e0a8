; Gotcha 17. The token request body of SsoService.exchangeCode():
;   const body = new URLSearchParams({ grant_type: ..., code, ... });
; @target is the `new URLSearchParams(...)` expression, also once `.toString()` follows it.
; The authorization URL's `const searchParams = new URLSearchParams(...)` in startLogin()
; must stay as it is, hence the declarator name and the enclosing method.
((variable_declarator
   name: (identifier) @_name (#eq? @_name "body")
   value: (new_expression
     constructor: (identifier) @_ctor (#eq? @_ctor "URLSearchParams")) @target)
 (#inside? @target "method_definition" "exchangeCode"))

((variable_declarator
   name: (identifier) @_name (#eq? @_name "body")
   value: (call_expression
     function: (member_expression
       object: (new_expression
         constructor: (identifier) @_ctor (#eq? @_ctor "URLSearchParams")) @target)))
 (#inside? @target "method_definition" "exchangeCode"))

((method_definition
   name: (property_identifier) @landmark.exchangeCode)
 (#eq? @landmark.exchangeCode "exchangeCode"))

((new_expression
   constructor: (identifier) @_ctor (#eq? @_ctor "URLSearchParams")) @landmark.new_URLSearchParams)
