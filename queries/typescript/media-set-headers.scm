; fluxerapp/fluxer#722. The media proxy's shared header helper, which sets Content-Length:
;   export function setHeaders(ctx: Context, size: number, contentType: string, range: ..., lastModified?: Date) {...}
((function_declaration
   name: (identifier) @_name (#eq? @_name "setHeaders")) @target)

((function_declaration
   name: (identifier) @landmark.setHeaders)
 (#eq? @landmark.setHeaders "setHeaders"))

((function_declaration
   name: (identifier) @landmark.parseRange)
 (#eq? @landmark.parseRange "parseRange"))
