"""Commit messages and identity of the fix commits."""

from __future__ import annotations

import subprocess

import pytest

from fluxer_patcher.app.catalogue import load_catalogue as load
from fluxer_patcher.output import messages as commits
from fluxer_patcher.record import replace

PATCH = load().patches[0]


def test_subject_lowercases_a_word_but_not_an_acronym() -> None:
    assert commits.subject(replace(PATCH, title="Send the body")) == "fix(selfhost): send the body"
    assert commits.subject(replace(PATCH, title="CSP allows it")) == "fix(selfhost): CSP allows it"


def test_body_wraps_at_72_but_not_inside_code() -> None:
    code = "`a very long expression with spaces that must stay on one line`"
    text = commits.body(replace(PATCH, fix=f"Writes {code} into the file and goes on for a while longer"))
    assert code in text
    assert all(len(line) <= 72 for line in text.splitlines() if "`" not in line)


def test_trailers_are_what_git_reads() -> None:
    message = commits.message(PATCH, "a" * 40)
    proc = subprocess.run(
        ["git", "interpret-trailers", "--parse"], input=message.encode(), capture_output=True, check=True
    )
    assert proc.stdout.decode().splitlines() == [
        f"Bug: {PATCH.bug}", f"Fluxer-Patch: {PATCH.id}", f"Upstream-Commit: {'a' * 40}"
    ]


def test_identity_defaults_and_overrides() -> None:
    tool = commits.identity("1 +0000", env={})
    assert (str(tool.author), str(tool.committer), tool.author_date) == (
        "fluxer-patch <noreply@fluxer-patch.invalid>",
    ) * 2 + ("1 +0000",)
    env = {"GIT_AUTHOR_NAME": "A", "GIT_AUTHOR_EMAIL": "a@x", "GIT_COMMITTER_DATE": "2 +0100"}
    mixed = commits.identity("1 +0000", committer="C <c@x>", env=env)
    assert (str(mixed.author), str(mixed.committer), mixed.committer_date) == ("A <a@x>", "C <c@x>", "2 +0100")
    with pytest.raises(ValueError):
        commits.identity("1 +0000", author="nobody", env={})
