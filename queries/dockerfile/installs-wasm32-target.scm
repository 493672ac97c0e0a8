; Gotcha 1, fixed upstream: a RUN that installs the Rust target wasm32-unknown-unknown, by any
; usual command (rustup installer with --target, `rustup target add`; formats/docker/model.py).
; Later upstream (2026-06): fluxer_app_proxy/Dockerfile, stage app-build.
((run_instruction) @target
 (#has-effect? @target "target" "wasm32-unknown-unknown"))
