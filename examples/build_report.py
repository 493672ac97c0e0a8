"""The Markdown section of a failed ``docker build --progress=plain`` for the drift issue.

Usage: ``python3 build_report.py BUILD_LOG [COMMIT] > build.md``.  Names the failing step
(BuildKit's ``#N [stage i/n] INSTRUCTION`` whose ``#N ERROR:`` line ended the build) and
quotes its last log lines, then Docker's final error.  Standard library only.
"""

from __future__ import annotations

import re
import sys
from pathlib import Path

TAIL = 30
_STEP = re.compile(r"^#(\d+) (\[[^\]]+\] .*)$")
_LINE = re.compile(r"^#(\d+) (?:\d+\.\d+ )?(.*)$")


def report(log: str, commit: str = "", tail: int = TAIL) -> str:
    lines = log.splitlines()
    titles: dict[str, str] = {}
    output: dict[str, list[str]] = {}
    failed = None
    for line in lines:
        step = _STEP.match(line)
        if step:
            titles.setdefault(step.group(1), step.group(2))
            continue
        match = _LINE.match(line)
        if not match:
            continue
        number, text = match.groups()
        if text.startswith("ERROR:"):
            failed = number
        output.setdefault(number, []).append(text)
    final = next((line for line in reversed(lines) if line.startswith("ERROR:")), "")
    where = f" at `{commit[:12]}`" if commit else ""
    out = [f"## The patched branch does not build{where}", ""]
    if failed is not None:
        out.append(f"Failing step: `{titles.get(failed, '#' + failed)}`")
        quoted = output.get(failed, [])[-tail:]
    else:
        out.append("Failing step: not found in the log (its last lines follow)")
        quoted = lines[-tail:]
    if final:
        out += ["", f"Docker: `{final.removeprefix('ERROR: ').strip()}`"]
    fence = "~~~~" if any("```" in q for q in quoted) else "```"
    out += ["", f"Last {len(quoted)} log lines of that step:", "", fence + "text", *quoted, fence, ""]
    return "\n".join(out)


def main(argv: list[str]) -> int:
    if not 2 <= len(argv) <= 3:
        print(__doc__.strip().splitlines()[2], file=sys.stderr)
        return 2
    log = Path(argv[1]).read_text(encoding="utf-8", errors="replace")
    sys.stdout.write(report(log, argv[2] if len(argv) == 3 else ""))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
