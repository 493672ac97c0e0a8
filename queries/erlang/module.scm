; A whole Erlang module (the source file), for edits that look at every form of it.
((source_file) @target)

((module_attribute name: (atom) @landmark.module))
