; The top-level mapping of a LiveKit server config, with its API keys:
;   port: 7880
;   keys:
;     '<api key>': '<api secret>'
; @target is the top-level mapping, @key the key of the only entry of `keys` (its text,
; quotes included, is what a webhook's api_key must repeat).  With several keys, which
; one signs webhooks is a person's choice: no match.
((stream
  (document
    (block_node
      (block_mapping
        (block_mapping_pair
          key: (flow_node) @_keys
          value: (block_node
            (block_mapping
              .
              (block_mapping_pair
                key: (flow_node) @key)
              .))))
      @target)))
 (#eq? @_keys "keys"))

((stream
  (document
    (block_node
      (block_mapping
        (block_mapping_pair
          key: (flow_node) @landmark.top-level-keys)))))
 (#match? @landmark.top-level-keys "^(port|keys|rtc|turn|room|webhook)$"))
