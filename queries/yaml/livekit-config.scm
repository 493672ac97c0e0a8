; The top-level mapping of a LiveKit server config, with its API keys:
;   port: 7880
;   keys:
;     '<api key>': '<api secret>'
; @target is the top-level mapping, @key the key of an entry of `keys` (its text, quotes
; included, is what a webhook's api_key must repeat).  With several keys each is captured,
; and a fix that uses {{key}} drifts: which key signs webhooks is a person's choice.
((stream
  (document
    (block_node
      (block_mapping
        (block_mapping_pair
          key: (flow_node) @_keys
          value: (block_node
            (block_mapping
              (block_mapping_pair
                key: (flow_node) @key)))))
      @target)))
 (#eq? @_keys "keys"))

((stream
  (document
    (block_node
      (block_mapping
        (block_mapping_pair
          key: (flow_node) @landmark.top_level_keys)))))
 (#match? @landmark.top_level_keys "^(port|keys|rtc|turn|room|webhook)$"))
