; An object two levels down in a JSON document:
;   { ..., "services": { ..., "server": { ... }, ... }, ... }
; @section is the top-level member, @key the member inside it (steps pick both with
; `where`), @target the inner object.
(document
  (object
    (pair
      key: (string (string_content) @section)
      value: (object
        (pair
          key: (string (string_content) @key)
          value: (object) @target)))))

(document
  (object
    (pair
      key: (string (string_content) @landmark.top_level_keys))))
