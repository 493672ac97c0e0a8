"""The environment every git process gets (kept apart from :mod:`.runner` so that a replay,
``app.replay``, can start ``git status`` without importing :mod:`subprocess`)."""

from __future__ import annotations

import os
from collections.abc import Mapping

DROP_ENV = (
    "GIT_DIR",
    "GIT_WORK_TREE",
    "GIT_INDEX_FILE",
    "GIT_PREFIX",
    "GIT_OBJECT_DIRECTORY",
    "GIT_ALTERNATE_OBJECT_DIRECTORIES",
    "GIT_NAMESPACE",
)


def clean_env(extra: Mapping[str, str] | None = None) -> dict[str, str]:
    """The caller's environment without the variables that would name another repository,
    messages in English (``LC_ALL=C``, so the ``fatal:`` line can be read), no prompt."""
    env = {k: v for k, v in os.environ.items() if k not in DROP_ENV}
    env.update({"LC_ALL": "C", "GIT_TERMINAL_PROMPT": "0"})
    env.update(extra or {})
    return env
