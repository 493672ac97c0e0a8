; A server service that already builds its image its own way: the fix's build section
; (context ., fluxer_server/Dockerfile) is not merged into it.  Run inside the server
; service's settings mapping (@target of compose-server-service.scm).
;   build: .                                  (the short form: a context, its Dockerfile)
;   build: {context: ./server, ...}           (another context)
;   build:
;     dockerfile: docker/server.Dockerfile    (another Dockerfile)
((block_mapping_pair
   key: (flow_node) @_build
   value: (flow_node) @present)
 (#eq? @_build "build"))

((block_mapping_pair
   key: (flow_node) @_build
   value: (block_node
     (block_mapping
       (block_mapping_pair
         key: (flow_node) @_key
         value: (flow_node) @present))))
 (#eq? @_build "build")
 (#eq? @_key "dockerfile")
 (#not-match? @present "^['\"]?(\\./)?fluxer_server/Dockerfile['\"]?$"))

((block_mapping_pair
   key: (flow_node) @_build
   value: (block_node
     (block_mapping
       (block_mapping_pair
         key: (flow_node) @_key
         value: (flow_node) @present))))
 (#eq? @_build "build")
 (#eq? @_key "context")
 (#not-match? @present "^['\"]?\\.?/?['\"]?$"))
