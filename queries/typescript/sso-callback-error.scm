; Gotcha 19, error path: the `setError(...)` of the IIFE's `catch` block
;   } catch (err) { if (controller.signal.aborted) return; const message = ...; setError(message); ... }
; @target is that statement; @timer the timer variable (see the early-returns query).
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
              handler: (catch_clause
                body: (statement_block
                  (expression_statement
                    (call_expression
                      function: (identifier) @_err (#eq? @_err "setError"))) @target)))))))))

((variable_declarator
   value: (call_expression function: (identifier) @_set (#eq? @_set "setTimeout"))) @landmark.setTimeout_timer)

((catch_clause) @landmark.catch_block)
