"""TOML files (``Cargo.toml``): the primitive that sets a key (:mod:`.primitives`).  No grammar:
tomlkit, imported lazily, reads the file with its layout; edits are splices on the original text."""
