"""Benchmark `check --rev` and `drift` on a synthetic upstream history (prints, never asserts).

    python bench/bench_revisions.py [--commits 100] [--runs 5] [--upstream REPO --rev REF --last N]

The synthetic repository holds the refactor-2026-02 fixture tree plus ~2,000 unrelated files;
its history has COMMITS first-parent commits: most touch unrelated files, one in ten changes a
target file (another upstream shape, or an edit the fixes must re-read).  Timings are medians
of RUNS runs of the installed command line, start-up included.  Targets on a 2-core machine:
`check --rev` <= 0.5 s, `drift` over 100 commits <= 3 s.
"""

from __future__ import annotations

import argparse
import json
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
from tests.gitrepos import History, copy_fixture  # noqa: E402  (the one helper that builds repositories)

SHAPES = ["guide-2026-02-26", "fork-hand-patched", "refactor-2026-02", "upstream-later"]
TARGET_EDITS = [
    ("packages/api/src/auth/services/SsoService.tsx", "\n// touched {n}\n"),
    ("fluxer_server/src/ServiceInitializer.tsx", "\n// touched {n}\n"),
    ("fluxer_app/src/router/components/RootComponent.tsx", "\n// touched {n}\n"),
]


def build(path: Path, commits: int) -> History:
    repo = History(path)
    copy_fixture("refactor-2026-02", path)
    for p in range(40):
        for f in range(50):
            file = path / "packages" / f"pkg{p:02d}" / "src" / f"module{f:02d}.ts"
            file.parent.mkdir(parents=True, exist_ok=True)
            file.write_text(f"export const value{f} = {p * 100 + f};\n")
    repo.commit("initial tree")
    for i in range(commits):
        if i % 10 == 9:
            if (i // 10) % 2 == 0:
                copy_fixture(SHAPES[(i // 20) % len(SHAPES)], path)
            else:
                target, text = TARGET_EDITS[(i // 10) % len(TARGET_EDITS)]
                with (path / target).open("a") as fh:
                    fh.write(text.format(n=i))
            repo.commit(f"change targets {i}")
        else:
            for k in range(1 + i % 3):
                file = path / "packages" / f"pkg{(i + k) % 40:02d}" / "src" / f"module{i % 50:02d}.ts"
                with file.open("a") as fh:
                    fh.write(f"// commit {i}\n")
            repo.commit(f"unrelated {i}")
    return repo


def timed(args: list[str], runs: int) -> tuple[float, str]:
    times, out = [], ""
    for _ in range(runs):
        start = time.perf_counter()
        done = subprocess.run([sys.executable, "-m", "fluxer_patcher", *args], capture_output=True, text=True)
        times.append(time.perf_counter() - start)
        if done.returncode not in (0, 1):
            raise SystemExit(f"fluxer-patch {' '.join(args)} failed: {done.stderr.strip()}")
        out = done.stdout
    return statistics.median(times), out


def report(label: str, seconds: float, target: float | None, extra: str = "") -> None:
    goal = f" (target <= {target:.1f} s)" if target is not None else ""
    print(f"{label:<44} median {seconds:6.3f} s{goal}{extra}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--commits", type=int, default=100)
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--upstream", type=Path, help="also walk a real upstream repository")
    parser.add_argument("--rev", default="refactor")
    parser.add_argument("--last", type=int, default=85)
    ns = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="fluxer-bench-") as tmp:
        start = time.perf_counter()
        repo = build(Path(tmp) / "upstream", ns.commits)
        built = time.perf_counter() - start
        print(f"synthetic history: {ns.commits} commits over ~2,000 files, built in {built:.1f} s")
        seconds, _ = timed(["check", "--repo", str(repo.path), "--rev", "HEAD", "--format", "json"], ns.runs)
        report("check --rev HEAD", seconds, 0.5)
        args = ["drift", "--repo", str(repo.path), "--rev", "HEAD", "--last", str(ns.commits), "--format", "json"]
        seconds, out = timed(args, ns.runs)
        doc = json.loads(out)
        moves = sum(len(p["transitions"]) for p in doc["patches"])
        report(f"drift --last {ns.commits}", seconds, 3.0, f"  [{doc['evaluations']} fix runs, {moves} transitions]")
    if ns.upstream is not None:
        seconds, _ = timed(["check", "--repo", str(ns.upstream), "--rev", ns.rev, "--format", "json"], ns.runs)
        report(f"upstream: check --rev {ns.rev}", seconds, None)
        args = ["drift", "--repo", str(ns.upstream), "--rev", ns.rev, "--last", str(ns.last), "--format", "json"]
        seconds, out = timed(args, ns.runs)
        doc = json.loads(out)
        moves = sum(len(p["transitions"]) for p in doc["patches"])
        work = f"  [{doc['evaluations']} fix runs, {moves} transitions]"
        report(f"upstream: drift --last {ns.last}", seconds, None, work)


if __name__ == "__main__":
    main()
