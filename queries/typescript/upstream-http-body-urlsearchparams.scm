; Gotcha 17, fixed upstream: the HTTP client itself serialises a URLSearchParams body,
;   export function resolveRequestBody(body, headers) { ... if (body instanceof URLSearchParams) { ...
;     return body.toString(); } ... }
; so callers keep passing URLSearchParams (and may call body.set(...) before sending): the
; fix's `.toString()` must not be added there. Later upstream:
; fluxer_api/pkgs/http_client/src/HttpClientRequestInternals.ts.
((function_declaration
   name: (identifier) @_name
   body: (statement_block
     (if_statement
       condition: (parenthesized_expression
         (binary_expression
           operator: "instanceof"
           right: (identifier) @_class))
       consequence: (statement_block
         (return_statement
           (call_expression
             function: (member_expression
               property: (property_identifier) @_method))))))) @target
 (#eq? @_name "resolveRequestBody")
 (#eq? @_class "URLSearchParams")
 (#eq? @_method "toString"))
