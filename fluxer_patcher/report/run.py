"""What a run on a tree or a revision reports: its fix results and what surrounds them."""

from __future__ import annotations

from typing import Any

from fluxer_patcher.model import Outcome, PatchResult, exit_code
from fluxer_patcher.record import dataclass, field
from fluxer_patcher.report import nextsteps, rows


@dataclass
class RunReport:
    """A run's fix results and what the report shows around them."""

    target: str
    results: list[PatchResult]
    written: bool
    local_changes: list[str] = field(default_factory=list)
    include_diff: bool = False
    aborted: bool = False  # apply computed changes but wrote none because a fix ended in error
    extra: dict[str, Any] = field(default_factory=dict)  # more top-level JSON keys (e.g. "branch")
    notes: list[str] = field(default_factory=list)  # more lines after the text table
    values: dict[str, str] = field(default_factory=dict)  # fills manifests' next_steps ({base_domain})
    texts: dict[str, bytes | None] = field(default_factory=dict)  # files next steps depend on, as left
    show_next_steps: bool = True  # `branch` and `export` say what they produced instead

    def rows(self) -> list[rows.Row]:
        return rows.of_results(self.results, self.written, self.include_diff)

    def next_steps(self) -> list[str]:
        if not self.show_next_steps:
            return []
        return nextsteps.lines(self.results, self.written, self.values, self.texts)

    def summary(self) -> dict[str, int]:
        return rows.summary(self.rows())

    def exit_code(self) -> int:
        return exit_code(self.summary())

    def errors(self) -> list[PatchResult]:
        return [r for r in self.results if r.outcome is Outcome.ERROR]
