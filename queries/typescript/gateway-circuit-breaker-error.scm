; Issue 11, item 1. The error GatewayService.isCircuitBreakerOpen() rejects the pending
; requests with (from 7b1aa6ff); ServiceUnavailableError's constructor takes an options
; object ({code?, message?, data?, headers?, messageVariables?}), upstream passes a string:
;   this.rejectAllPendingRequests(new ServiceUnavailableError('Gateway circuit breaker open'));
; @target is that `new` expression, whatever its arguments (the primitive tells the shapes apart).
((new_expression
   constructor: (identifier) @_class (#eq? @_class "ServiceUnavailableError")) @target
 (#inside? @target "method_definition" "isCircuitBreakerOpen"))

((method_definition
   name: (property_identifier) @landmark.isCircuitBreakerOpen)
 (#eq? @landmark.isCircuitBreakerOpen "isCircuitBreakerOpen"))

((call_expression
   function: (member_expression
     property: (property_identifier) @_method (#eq? @_method "rejectAllPendingRequests"))) @landmark.rejectAllPendingRequests_calls)

((new_expression
   constructor: (identifier) @_class (#eq? @_class "ServiceUnavailableError")) @landmark.ServiceUnavailableError_uses)
