; Gotcha 18, fixed upstream: the SSO config is read with its secret,
;   getSsoConfig({includeSecret: true})
; Later upstream: fluxer_api/src/api/auth/services/SsoService.ts.
((call_expression
   function: (member_expression
     property: (property_identifier) @_get)
   arguments: (arguments
     (object
       (pair
         key: (property_identifier) @_key
         value: (true))))) @target
 (#eq? @_get "getSsoConfig")
 (#eq? @_key "includeSecret"))
