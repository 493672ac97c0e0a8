; Gotcha 16. The OR-chain of routes that render without authentication:
;   const isStandaloneRoute = useMemo(() => { return ( a || b || ... ); }, [pathname]);
; @target is the chain (the expression returned by the memo callback).
((variable_declarator
   name: (identifier) @_name (#eq? @_name "isStandaloneRoute")
   value: (call_expression
     function: (identifier) @_memo (#eq? @_memo "useMemo")
     arguments: (arguments
       (arrow_function
         body: (statement_block
           (return_statement (_) @target)))))))

; The same memo with an expression body: useMemo(() => a || b, [pathname]).
((variable_declarator
   name: (identifier) @_name (#eq? @_name "isStandaloneRoute")
   value: (call_expression
     function: (identifier) @_memo (#eq? @_memo "useMemo")
     arguments: (arguments
       (arrow_function
         body: [(binary_expression) (parenthesized_expression)] @target)))))

((variable_declarator
   name: (identifier) @landmark.isStandaloneRoute)
 (#eq? @landmark.isStandaloneRoute "isStandaloneRoute"))

((member_expression) @landmark.Routes.CONNECTION_CALLBACK
 (#eq? @landmark.Routes.CONNECTION_CALLBACK "Routes.CONNECTION_CALLBACK"))
