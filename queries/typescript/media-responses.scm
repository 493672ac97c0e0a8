; fluxerapp/fluxer#722. Statements of the media proxy's controllers that set Content-Length
; before a response: the shared helper's calls,
;   setHeaders(ctx, result.data.length, result.contentType, range);
((expression_statement
   (call_expression
     function: (identifier) @_f)) @target
 (#eq? @_f "setHeaders"))

; and the header set directly (ThemeController: its GET and HEAD handlers),
;   ctx.header('Content-Length', data.length.toString());
((expression_statement
   (call_expression
     function: (member_expression property: (property_identifier) @_h)
     arguments: (arguments . (string) @_name))) @target
 (#eq? @_h "header")
 (#match? @_name "^['\"][Cc]ontent-[Ll]ength['\"]$"))

; Landmarks (every one must be in a file for a drift hint to name it: the controllers all answer
; through ctx.body).
((call_expression
   function: (member_expression property: (property_identifier) @landmark.ctx.body))
 (#eq? @landmark.ctx.body "body"))
