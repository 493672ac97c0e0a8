"""Time `fluxer-patch check` and `apply` as whole processes on a tree of realistic size.

The tree is upstream-fixtures/refactor-2026-02 padded with filler files to about 6,000
files (the real refactor branch has ~5,900) and committed to a throwaway git repository,
so the local-changes probe does the work it does on a real checkout.  Like an installed
package, the runs use cached bytecode (an untimed warm-up run writes it).  Each command runs
several times; the median wall time is printed.  Nothing is asserted.

    python bench/bench_apply.py [--runs 9] [--files 6000]
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
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
FIXTURE = ROOT / "upstream-fixtures" / "refactor-2026-02"
GIT_ENV = {
    "GIT_AUTHOR_NAME": "bench", "GIT_AUTHOR_EMAIL": "bench@example.invalid",
    "GIT_COMMITTER_NAME": "bench", "GIT_COMMITTER_EMAIL": "bench@example.invalid",
    "PATH": "/usr/bin:/bin:/usr/local/bin",
}


def build_tree(dest: Path, files: int) -> None:
    shutil.copytree(FIXTURE, dest)
    existing = sum(1 for p in dest.rglob("*") if p.is_file())
    for i in range(max(0, files - existing)):
        folder = dest / ("fluxer_app/src/components" if i % 3 else "packages/api/src") / f"gen{i // 100:03d}"
        folder.mkdir(parents=True, exist_ok=True)
        (folder / f"Module{i:05d}.tsx").write_text(f"export const value{i} = {i};\n")
    for args in (["init", "-q"], ["add", "-A"], ["commit", "-qm", "tree"]):
        subprocess.run(["git", *args], cwd=dest, check=True, env=GIT_ENV)


# Installed packages run from cached bytecode; make sure the bench does too (one untimed
# warm-up run writes it), whatever PYTHONDONTWRITEBYTECODE the shell has.
RUN_ENV = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}


def timed(cmd: list[str], runs: int, before: list[str] | None = None, cwd: Path | None = None) -> list[float]:
    subprocess.run(cmd, capture_output=True, check=False, env=RUN_ENV)
    times = []
    for _ in range(runs):
        if before:
            subprocess.run(before, cwd=cwd, check=True, capture_output=True)
        start = time.perf_counter()
        proc = subprocess.run(cmd, capture_output=True, check=False, env=RUN_ENV)
        times.append(time.perf_counter() - start)
        if proc.returncode not in (0, 1):
            sys.exit(f"{' '.join(cmd)} failed ({proc.returncode}): {proc.stderr.decode()}")
    return times


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--runs", type=int, default=9)
    parser.add_argument("--files", type=int, default=6000)
    args = parser.parse_args()
    exe = shutil.which("fluxer-patch") or sys.exit("fluxer-patch is not installed (pip install .)")
    with tempfile.TemporaryDirectory() as tmp:
        tree = Path(tmp) / "fluxer"
        build_tree(tree, args.files)
        count = sum(1 for p in tree.rglob("*") if p.is_file() and ".git" not in p.parts)
        reset = ["git", "checkout", "-q", "--", "."]
        rows = [
            ("check (pending)", timed([exe, "check", str(tree)], args.runs)),
            ("apply (fresh tree)", timed([exe, "apply", str(tree)], args.runs, before=reset, cwd=tree)),
            ("apply (already applied)", timed([exe, "apply", str(tree)], args.runs)),
            ("check (already applied)", timed([exe, "check", str(tree)], args.runs)),
            ("list", timed([exe, "list"], args.runs)),
        ]
    print(f"tree: {count} files; {args.runs} runs each; wall time of the whole process")
    print(f"{'command':<26} {'median':>8} {'min':>8} {'max':>8}")
    for name, times in rows:
        print(f"{name:<26} {statistics.median(times):>7.3f}s {min(times):>7.3f}s {max(times):>7.3f}s")


if __name__ == "__main__":
    main()
