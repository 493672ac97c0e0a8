"""JSON and YAML: their data with locations (:mod:`.datatree`), YAML text in a file's style
(:mod:`.yamltext`), merging a snippet (:mod:`.yamlmerge`), and the primitives
(:mod:`.primitives`: ``set-member``, ``merge-mapping``)."""
