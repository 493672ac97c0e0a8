"""Issue 15's benchmark: fluxer-patch against the shell patcher, in the same run (prints, never asserts).

    python bench/bench_speed.py [--tree PATH/TO/CHECKOUT] [--runs 7] [--commits 1000]

On a copy of ``--tree`` (a git checkout of upstream's refactor branch; default: the bundled
fixture padded to ~6,000 files, as bench_apply.py builds it) each round runs, one after
another: the shell patcher (bench/shell-patcher.sh) on a fresh tree, a cold ``check`` and a
cold ``apply`` (``--no-cache`` when the command has it), a warm ``check`` and ``apply`` right
after a ``check`` (the apply replayed from the round before, which applied the same tree: a
nightly re-run), the same apply with no earlier apply to replay (``invocations/`` emptied: an
apply's first time after a check), ``branch``, and ``drift`` over ``--commits`` commits, cold
(``--no-cache``) and again (the observations of the walk before kept: a nightly drift) (a synthetic
first-parent history on top of the checkout: nine in ten touch an unrelated file, one in ten
appends a line to a target file; one ``git fast-import`` builds it).  Rounds are interleaved
so that a machine getting slower or faster shifts every command alike; the medians are
printed with their ratio to the shell patcher (branch and drift also to the cold check),
beside the issue's targets.  Whole processes are timed, start-up included, from cached
bytecode; the result cache lives in a temporary XDG_CACHE_HOME.
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from bench_apply import GIT_ENV, build_tree

SHELL = Path(__file__).resolve().parent / "shell-patcher.sh"
TARGET_EDITS = [
    "packages/api/src/auth/services/SsoService.tsx",
    "fluxer_server/src/ServiceInitializer.tsx",
    "fluxer_app/src/router/components/RootComponent.tsx",
]
HISTORY_REF = "refs/heads/bench-history"
FIXED_BRANCH = "bench-fixed"


@dataclass
class Row:
    name: str
    cmd: list[str]
    before: Callable[[], None] | None = None  # untimed, before each run
    after: Callable[[], None] | None = None  # untimed, after each run
    times: list[float] = field(default_factory=list)


class Checkout:
    """The copy the commands run on, put back to the copied state between runs."""

    def __init__(self, source: Path, dest: Path) -> None:
        subprocess.run(["cp", "-a", str(source), str(dest)], check=True)
        self.path = dest
        # A copy has other inodes and times than its index records: refreshed, the index is as
        # a fresh clone's (else every `git status` of the run re-reads the files it asks about).
        subprocess.run(["git", "-C", str(dest), "update-index", "-q", "--refresh"], check=False,
                       capture_output=True)
        self.dirty = set(self._changed())  # changed before the bench: left alone

    def _git(self, *args: str) -> bytes:
        return subprocess.run(["git", "-C", str(self.path), *args], check=True, capture_output=True,
                              env={**os.environ, **GIT_ENV}).stdout

    def _changed(self) -> list[str]:
        raw = self._git("status", "--porcelain", "-z", "--untracked-files=all", "--no-renames")
        return [entry for entry in raw.decode("utf-8", "surrogateescape").split("\0") if entry]

    def reset(self) -> None:
        tracked, untracked = [], []
        for entry in self._changed():
            if entry in self.dirty:
                continue
            (untracked if entry.startswith("??") else tracked).append(entry[3:])
        if tracked:
            self._git("checkout", "-q", "HEAD", "--", *tracked)
        for path in untracked:
            (self.path / path).unlink()

    def build_history(self, commits: int) -> None:
        """``commits`` first-parent commits on top of HEAD, at HISTORY_REF, in one fast-import."""
        texts = {path: self._git("show", f"HEAD:{path}") for path in TARGET_EDITS if (self.path / path).is_file()}
        stream = bytearray()
        for i in range(commits):
            stream += b"commit %b\n" % HISTORY_REF.encode()
            stamp = b"%d +0000" % (1_772_000_000 + 3600 * i)
            stream += b"author bench <bench@example.invalid> %b\ncommitter bench <bench@example.invalid> %b\n" % (
                stamp, stamp)
            message = f"bench commit {i}\n".encode()
            stream += b"data %d\n%b" % (len(message), message)
            if i == 0:
                stream += b"from %b\n" % self._git("rev-parse", "HEAD").strip()
            if i % 10 == 9 and texts:
                path = list(texts)[(i // 10) % len(texts)]
                texts[path] += f"\n// touched {i}\n".encode()
                data, name = texts[path], path
            else:
                data, name = f"note {i}\n".encode(), f"docs/bench-notes/{i % 97:02d}/note-{i}.md"
            stream += b"M 100644 inline %b\ndata %d\n%b\n\n" % (name.encode(), len(data), data)
        subprocess.run(["git", "-C", str(self.path), "fast-import", "--quiet", "--force"], input=bytes(stream),
                       check=True)


def has_option(exe: str, command: str, option: str) -> bool:
    proc = subprocess.run([exe, command, "--help"], capture_output=True, text=True, check=False)
    return option in proc.stdout


def run_round(rows: list[Row], env: dict[str, str]) -> None:
    for row in rows:
        if row.before:
            row.before()
        start = time.perf_counter()
        proc = subprocess.run(row.cmd, capture_output=True, check=False, env=env)
        row.times.append(time.perf_counter() - start)
        if proc.returncode not in (0, 1):
            sys.exit(f"{' '.join(row.cmd)} failed ({proc.returncode}): {proc.stderr.decode()[-2000:]}")
        if row.after:
            row.after()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--tree", type=Path, help="a git checkout of the refactor branch (it is copied)")
    parser.add_argument("--runs", type=int, default=7)
    parser.add_argument("--commits", type=int, default=1000, help="length of the drift history")
    parser.add_argument("--files", type=int, default=6000, help="size of the padded fixture tree (no --tree)")
    args = parser.parse_args()
    exe = shutil.which("fluxer-patch") or sys.exit("fluxer-patch is not installed (pip install .)")
    with tempfile.TemporaryDirectory() as tmp:
        source = args.tree
        if source is None:
            source = Path(tmp) / "padded"
            build_tree(source, args.files)
        tree = Checkout(source.resolve(), Path(tmp) / "fluxer")
        tree.build_history(args.commits)
        env = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}
        env.update({"XDG_CACHE_HOME": str(Path(tmp) / "cache"), **GIT_ENV, "PATH": os.environ["PATH"]})
        cold = ["--no-cache"] if has_option(exe, "check", "--no-cache") else []
        branch_cold = ["--no-cache"] if has_option(exe, "branch", "--no-cache") else []
        drift_cold = ["--no-cache"] if has_option(exe, "drift", "--no-cache") else []
        path = str(tree.path)

        def checked() -> None:
            subprocess.run([exe, "check", path], capture_output=True, check=False, env=env)

        def checked_only() -> None:  # a check, and no replay of an earlier apply: apply's first time
            shutil.rmtree(Path(tmp) / "cache" / "fluxer-patch" / "invocations", ignore_errors=True)
            checked()

        rows = [
            Row("shell patcher", ["sh", str(SHELL), path], after=tree.reset),
            Row("check (cold)", [exe, "check", *cold, path]),
            Row("apply (cold)", [exe, "apply", *cold, path], after=tree.reset),
            Row("check (warm)", [exe, "check", path], before=checked),
            Row("apply (warm, after check)", [exe, "apply", path], before=checked, after=tree.reset),
            Row("apply (first after check)", [exe, "apply", path], before=checked_only, after=tree.reset),
            Row("branch", [exe, "branch", *branch_cold, "--repo", path, "--onto", "HEAD", "--branch", FIXED_BRANCH]),
            Row(f"drift ({args.commits} commits)",
                [exe, "drift", *drift_cold, "--repo", path, "--rev", HISTORY_REF, "--last", str(args.commits)]),
            Row(f"drift again ({args.commits})",
                [exe, "drift", "--repo", path, "--rev", HISTORY_REF, "--last", str(args.commits)]),
        ]
        run_round(rows, env)  # warm-up: bytecode, page cache; not counted
        for row in rows:
            row.times.clear()
        for _ in range(args.runs):
            run_round(rows, env)
    files = sum(1 for p in source.rglob("*") if p.is_file() and ".git" not in p.parts) if args.tree else args.files
    report(rows, files, args.runs, bool(cold))


TARGETS = {
    "check (cold)": ("shell", 1.3), "apply (cold)": ("shell", 1.3),
    "check (warm)": ("shell", 0.8), "apply (warm, after check)": ("shell", 0.8),
    "apply (first after check)": ("shell", 0.8),
    "branch": ("check", 1.2), "drift": ("check", 2.0),
}


def report(rows: list[Row], files: int, runs: int, cache_option: bool) -> None:
    medians = {row.name: statistics.median(row.times) for row in rows}
    shell, check = medians["shell patcher"], medians["check (cold)"]
    print(f"tree: ~{files} files; {runs} interleaved rounds; wall time of the whole process, medians")
    if not cache_option:
        print("(check has no --no-cache: cold and warm runs are the same command)")
    print(f"{'command':<27} {'median':>8} {'min':>8} {'max':>8} {'/ shell':>8} {'/ check':>8}  target")
    for row in rows:
        key = "drift" if row.name.startswith("drift") else row.name  # both walks: the target is one
        against, limit = TARGETS.get(key, ("", 0.0))
        median = medians[row.name]
        by_check = f"{median / check:>7.2f}x" if key in ("branch", "drift") else f"{'':>8}"
        target = f"<= {limit}x {against}" if against else ""
        met = ""
        if against:
            ratio = median / (shell if against == "shell" else check)
            met = "  met" if ratio <= limit else "  NOT met"
        print(f"{row.name:<27} {median:>7.3f}s {min(row.times):>7.3f}s {max(row.times):>7.3f}s "
              f"{median / shell:>7.2f}x {by_check}  {target}{met}")


if __name__ == "__main__":
    main()
