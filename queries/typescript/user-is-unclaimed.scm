; Gotcha 20. The expression returned by User.isUnclaimedAccount():
;   isUnclaimedAccount(): boolean { return this.passwordHash === null && !this.isBot; }
((method_definition
   name: (property_identifier) @_name (#eq? @_name "isUnclaimedAccount")
   body: (statement_block
     (return_statement (_) @target))))

((method_definition
   name: (property_identifier) @landmark.isUnclaimedAccount)
 (#eq? @landmark.isUnclaimedAccount "isUnclaimedAccount"))

((member_expression
   property: (property_identifier) @_traits (#eq? @_traits "_traits")) @landmark.this._traits)
