; The Fluxer server service of a Docker Compose file, by name or by image:
;   services:
;     fluxer_server:
;       image: ${FLUXER_SERVER_IMAGE:-ghcr.io/fluxerapp/fluxer-server:stable}
; @name is the service's key, @target its settings mapping.  Both patterns may match the
; same service; the engine counts it once.
((stream
  (document
    (block_node
      (block_mapping
        (block_mapping_pair
          key: (flow_node) @_services
          value: (block_node
            (block_mapping
              (block_mapping_pair
                key: (flow_node) @name
                value: (block_node (block_mapping) @target)))))))))
 (#eq? @_services "services")
 (#any-of? @name "fluxer_server" "fluxer-server"))

((stream
  (document
    (block_node
      (block_mapping
        (block_mapping_pair
          key: (flow_node) @_services
          value: (block_node
            (block_mapping
              (block_mapping_pair
                key: (flow_node) @name
                value: (block_node
                  (block_mapping
                    (block_mapping_pair
                      key: (flow_node) @_image
                      value: (flow_node) @_ref)) @target)))))))))
 (#eq? @_services "services")
 (#eq? @_image "image")
 (#match? @_ref "fluxer[-_]server"))

((stream
  (document
    (block_node
      (block_mapping
        (block_mapping_pair
          key: (flow_node) @_services
          value: (block_node
            (block_mapping
              (block_mapping_pair
                key: (flow_node) @landmark.services))))))))
 (#eq? @_services "services"))
