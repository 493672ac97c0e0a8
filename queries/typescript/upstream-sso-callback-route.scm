; Gotcha 16, fixed upstream: the SSO callback route counts as standalone,
;   pathname.startsWith(Routes.SSO_CALLBACK)
; Later upstream: fluxer_app/src/app/router/components/RootComponent.tsx.
((call_expression
   function: (member_expression
     object: (identifier) @_pathname
     property: (property_identifier) @_starts)
   arguments: (arguments
     (member_expression
       object: (identifier) @_routes
       property: (property_identifier) @_callback))) @target
 (#eq? @_pathname "pathname")
 (#eq? @_starts "startsWith")
 (#eq? @_routes "Routes")
 (#eq? @_callback "SSO_CALLBACK"))
