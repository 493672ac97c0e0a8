; Gotcha 18. The call that loads the stored SSO settings in SsoService.getResolvedConfig():
;   const stored = await this.instanceConfigRepository.getSsoConfig();
; @target is that call; calls of getSsoConfig elsewhere are not touched.
((call_expression
   function: (member_expression
     property: (property_identifier) @_method (#eq? @_method "getSsoConfig"))) @target
 (#inside? @target "method_definition" "getResolvedConfig"))

((method_definition
   name: (property_identifier) @landmark.getResolvedConfig)
 (#eq? @landmark.getResolvedConfig "getResolvedConfig"))

((call_expression
   function: (member_expression
     property: (property_identifier) @_method (#eq? @_method "getSsoConfig"))) @landmark.getSsoConfig_calls)
