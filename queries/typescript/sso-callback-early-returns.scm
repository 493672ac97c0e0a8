; Gotcha 19, early returns. SsoCallbackPage's effect starts a timer and runs an async IIFE:
;   const timeoutId = setTimeout(() => { ... }, SSO_TIMEOUT_MS);
;   (async () => {
;     if (providerError) { setError(...); setIsProcessing(false); return; }   <- these
;     if (!code || !state) { ...; return; }                                    <- branches
;     try { ... } catch (err) { ... }
;   })();
; @target is the first statement of each top-level `if` block of the IIFE that ends in
; `return`; @timer names the timer variable. Returns inside try/catch are not early returns
; of the validation (the effect's cleanup already cleared the timer when they run).
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
            (if_statement
              consequence: (statement_block . (_) @target (return_statement) .))))))))

; A block that only returns.
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
            (if_statement
              consequence: (statement_block . (return_statement) @target .))))))))

((variable_declarator
   value: (call_expression function: (identifier) @_set (#eq? @_set "setTimeout"))) @landmark.setTimeout_timer)

((call_expression
   function: (parenthesized_expression (arrow_function))) @landmark.async_IIFE)
