; A webhook URL of a LiveKit config that reaches the Fluxer server's LiveKit endpoint,
; whatever its host (the server service, or the public domain through the proxy):
;   webhook:
;     urls:
;       - https://chat.example.com/api/webhooks/livekit
; @present is the URL; it counts by its path, /api/webhooks/livekit (a trailing slash,
; quotes and a query string allowed), in a block or a flow sequence.
((block_mapping_pair
   key: (flow_node) @_webhook
   value: (block_node
     (block_mapping
       (block_mapping_pair
         key: (flow_node) @_urls
         value: (block_node
           (block_sequence
             (block_sequence_item
               (flow_node) @present)))))))
 (#eq? @_webhook "webhook")
 (#eq? @_urls "urls")
 (#match? @present "^['\"]?[A-Za-z][A-Za-z0-9+.-]*://[^/'\"]*/api/webhooks/livekit/?([?#][^'\"]*)?['\"]?$"))

((block_mapping_pair
   key: (flow_node) @_webhook
   value: (block_node
     (block_mapping
       (block_mapping_pair
         key: (flow_node) @_urls
         value: (flow_node
           (flow_sequence
             (flow_node) @present))))))
 (#eq? @_webhook "webhook")
 (#eq? @_urls "urls")
 (#match? @present "^['\"]?[A-Za-z][A-Za-z0-9+.-]*://[^/'\"]*/api/webhooks/livekit/?([?#][^'\"]*)?['\"]?$"))
