; Issue 11, item 2. The call that creates the Bluesky OAuth service in ServiceMiddleware.tsx,
; guarded by the `enabled` flag only (all refactor commits):
;   if (!blueskyOAuthService && Config.auth.bluesky.enabled) {
;   	blueskyOAuthService = await BlueskyOAuthService.create(Config.auth.bluesky, kvClient, …);
;   }
; @target is the call; @config its first argument, the Bluesky settings whose keys it signs with.
((call_expression
   function: (member_expression
     object: (identifier) @_class (#eq? @_class "BlueskyOAuthService")
     property: (property_identifier) @_method (#eq? @_method "create"))
   arguments: (arguments . (_) @config)) @target)

((member_expression
   property: (property_identifier) @_enabled (#eq? @_enabled "enabled")) @landmark.enabled_checks
 (#match? @landmark.enabled_checks "bluesky"))

((identifier) @landmark.blueskyOAuthService
 (#eq? @landmark.blueskyOAuthService "blueskyOAuthService"))

((identifier) @landmark.BlueskyOAuthService
 (#eq? @landmark.BlueskyOAuthService "BlueskyOAuthService"))
