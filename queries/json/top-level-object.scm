; A top-level member of a JSON document whose value is an object:
;   { ..., "database": { ... }, ... }
; @key is the member's name (steps pick one with `where`), @target its object.
; Objects nested deeper (a "database" inside "services") must not match.
(document
  (object
    (pair
      key: (string (string_content) @key)
      value: (object) @target)))

(document
  (object
    (pair
      key: (string (string_content) @landmark.top_level_keys))))
