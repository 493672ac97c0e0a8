; Gotcha 19, success path: the navigation at the end of the IIFE's `try` block
;   try { const result = await completeSsoLogin(...); ...; RouterUtils.replaceWith(...); }
; @target is that navigation statement; @timer the timer variable (see the early-returns query).
(statement_block
  (lexical_declaration
    (variable_declarator
      name: (identifier) @timer
      value: (call_expression function: (identifier) @_set (#eq? @_set "setTimeout"))))
  (expression_statement
    (call_expression
      function: (parenthesized_expression
        (arrow_function
          body: (statement_block
            (try_statement
              body: (statement_block
                (expression_statement
                  (call_expression
                    function: (member_expression
                      object: (identifier) @_router (#eq? @_router "RouterUtils")
                      property: (property_identifier) @_nav
                      (#any-of? @_nav "replaceWith" "transitionTo")))) @target))))))))

((variable_declarator
   value: (call_expression function: (identifier) @_set (#eq? @_set "setTimeout"))) @landmark.setTimeout_timer)

((member_expression
   object: (identifier) @_router (#eq? @_router "RouterUtils")) @landmark.RouterUtils_navigation)
