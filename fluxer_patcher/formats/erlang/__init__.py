"""Erlang (``.erl``): snippets, structural comparison and layout (:mod:`.structure`) and the
edit primitives (:mod:`.primitives`)."""
