; The top-level mapping of a Docker Compose file: the one with a `services` key.
;   x-logging: &default-logging ...
;   services:
;     ...
;   volumes:
;     ...
((stream
  (document
    (block_node
      (block_mapping
        (block_mapping_pair
          key: (flow_node) @_services
          value: (block_node (block_mapping))))
      @target)))
 (#eq? @_services "services"))

((stream
  (document
    (block_node
      (block_mapping
        (block_mapping_pair
          key: (flow_node) @landmark.top_level_keys)))))
 (#match? @landmark.top_level_keys "^(services|volumes|networks)$"))
