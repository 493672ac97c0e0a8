; Issue 11 item 2, fixed upstream (PR #1647): in the function that creates the Bluesky OAuth
; service, an `if` on the signing keys (`if (blueskyConfig.keys.length === 0) return null;`)
; beside the statement that calls BlueskyOAuthService.create(...).
; Later upstream: fluxer_api/src/api/middleware/ServiceRegistry.ts.
((statement_block
   (if_statement
     condition: (parenthesized_expression) @_keys) @target
   (_) @_create)
 (#match? @_keys "\\.keys\\.length")
 (#match? @_create "BlueskyOAuthService\\.create\\("))
