"""Query predicates of Dockerfiles, registered with the query runner when imported.

``(#stage? @cap "<name>")``: the instruction belongs to the stage ``FROM … AS <name>``
(compared case-insensitively, as Docker does); ``(#last-stage? @cap)``: it belongs to the
file's last stage; ``(#runs-script? @cap "fluxer_app" "build")``: the instruction runs that
package script (``cd fluxer_app && pnpm build``, ``pnpm --filter fluxer_app build``,
``sh -c '…'``, a WORKDIR in the package; see :mod:`fluxer_patcher.formats.shell.script`);
``(#runs-in? @cap "fluxer_app")``: it runs a command in that package's directory;
``(#has-effect? @cap "target" "wasm32-unknown-unknown")``: the instruction has that effect
(:mod:`.model`).
"""

from __future__ import annotations

import posixpath
from typing import TYPE_CHECKING

from fluxer_patcher.formats.docker import dockerfile, model
from fluxer_patcher.formats.shell import script as shell
from fluxer_patcher.syntax import predicates

if TYPE_CHECKING:
    from tree_sitter import Node


def _stage(args: predicates.Args, captures: dict[str, list[Node]]) -> bool:
    nodes = predicates.capture_nodes("stage?", args, 2, '@capture "stage name"', captures)
    wanted = args[1][0].lower()
    return all((stage := dockerfile.stage_of(n)) is not None and stage.name == wanted for n in nodes)


def _last_stage(args: predicates.Args, captures: dict[str, list[Node]]) -> bool:
    nodes = predicates.capture_nodes("last-stage?", args, 1, "@capture", captures)
    return all(dockerfile.is_last_stage(n) for n in nodes)


def _runs_script(args: predicates.Args, captures: dict[str, list[Node]]) -> bool:
    nodes = predicates.capture_nodes("runs-script?", args, 3, '@capture "package dir" "script"', captures)
    package, script = args[1][0], args[2][0]
    return all(
        any(run.script == script and shell.names_package(run, package) for _, run in dockerfile.script_runs(n))
        for n in nodes
    )


def _has_effect(args: predicates.Args, captures: dict[str, list[Node]]) -> bool:
    nodes = predicates.capture_nodes("has-effect?", args, 3, '@capture "kind" "key"', captures)
    kind, key = args[1][0], args[2][0]
    return all(any(e.kind == kind and e.key == key for e in model.effects(n)) for n in nodes)


def _runs_in(args: predicates.Args, captures: dict[str, list[Node]]) -> bool:
    nodes = predicates.capture_nodes("runs-in?", args, 2, '@capture "package dir"', captures)
    package = args[1][0]

    def inside(node: Node) -> bool:
        workdir = dockerfile.workdir_at(node)
        runs = [shell.ScriptRun(posixpath.normpath(posixpath.join(workdir, c.cwd)), "", False)
                for c in dockerfile.run_commands(node) if c.name and c.name != "cd"]
        return any(shell.names_package(run, package) for run in runs)

    return all(inside(n) for n in nodes)


predicates.register("stage?", _stage)
predicates.register("runs-in?", _runs_in)
predicates.register("has-effect?", _has_effect)
predicates.register("runs-script?", _runs_script)
predicates.register("last-stage?", _last_stage)
