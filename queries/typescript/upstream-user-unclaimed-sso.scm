; Gotcha 20, fixed upstream: User.isUnclaimedAccount() returns an expression that leaves SSO
; users out (`... && !this._traits.has('sso')`). Later upstream: fluxer_api/src/api/models/User.ts.
((method_definition
   name: (property_identifier) @_name
   body: (statement_block
     (return_statement (_) @target)))
 (#eq? @_name "isUnclaimedAccount")
 (#match? @target "_traits\\.has\\(['\"]sso['\"]\\)"))
