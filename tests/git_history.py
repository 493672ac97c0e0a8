"""Throwaway git repositories built from upstream-fixtures/ trees, for history tests.

Every commit has a fixed author, committer and date, so ids and reports are reproducible.
"""

from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path

FIXTURES = Path(__file__).resolve().parent.parent / "upstream-fixtures"
KEEP = "docs"  # unrelated files live here and survive a change of upstream shape


class History:
    def __init__(self, path: Path, branch: str = "main") -> None:
        self.path = path
        self.count = 0
        path.mkdir(parents=True, exist_ok=True)
        self.git("init", "-q", "-b", branch)

    def env(self) -> dict[str, str]:
        date = f"2026-02-{1 + self.count // 24:02d}T{self.count % 24:02d}:00:00+00:00"
        return {
            **os.environ,
            "GIT_AUTHOR_NAME": "Upstream Dev",
            "GIT_AUTHOR_EMAIL": "dev@example.org",
            "GIT_COMMITTER_NAME": "Upstream Dev",
            "GIT_COMMITTER_EMAIL": "dev@example.org",
            "GIT_AUTHOR_DATE": date,
            "GIT_COMMITTER_DATE": date,
            "GIT_CONFIG_NOSYSTEM": "1",
            "GIT_CONFIG_GLOBAL": os.devnull,
        }

    def git(self, *args: str) -> str:
        done = subprocess.run(
            ["git", "-C", str(self.path), *args], env=self.env(), check=True, capture_output=True, text=True
        )
        return done.stdout.strip()

    def commit(self, message: str) -> str:
        self.git("add", "-A")
        self.git("commit", "-q", "--allow-empty", "-m", message)
        self.count += 1
        return self.git("rev-parse", "HEAD")

    def shape(self, fixture: str, message: str | None = None) -> str:
        """Make the tree exactly the fixture tree (plus docs/) and commit it."""
        for entry in self.path.iterdir():
            if entry.name not in (".git", KEEP):
                shutil.rmtree(entry) if entry.is_dir() else entry.unlink()
        source = FIXTURES / fixture
        for file in source.rglob("*"):
            rel = file.relative_to(source)
            if file.is_file() and rel.as_posix() != "README.md":
                dest = self.path / rel
                dest.parent.mkdir(parents=True, exist_ok=True)
                shutil.copy2(file, dest)
        return self.commit(message or f"upstream shape: {fixture}")

    def unrelated(self, n: int = 1) -> list[str]:
        """Commits that touch only docs/."""
        shas = []
        for _ in range(n):
            docs = self.path / KEEP
            docs.mkdir(exist_ok=True)
            (docs / f"note-{self.count}.md").write_text(f"note {self.count}\n")
            shas.append(self.commit(f"docs: note {self.count}"))
        return shas

    def edit(self, path: str, old: str, new: str, message: str) -> str:
        file = self.path / path
        text = file.read_text()
        assert old in text, (path, old)
        file.write_text(text.replace(old, new))
        return self.commit(message)

    def move(self, src: str, dest: str, message: str) -> str:
        (self.path / dest).parent.mkdir(parents=True, exist_ok=True)
        self.git("mv", src, dest)
        return self.commit(message)
