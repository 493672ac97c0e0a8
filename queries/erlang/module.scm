; A whole Erlang module (the source file).
((source_file) @target)
