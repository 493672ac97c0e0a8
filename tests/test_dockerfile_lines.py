"""Dockerfile instructions end where Docker ends them, whatever blanks or CRs end the lines."""

from __future__ import annotations

import pytest

from fluxer_patcher.formats.docker import dockerfile
from fluxer_patcher.syntax.document import Document


def _kinds(text: bytes) -> list[tuple[str, int]]:
    doc = Document("Dockerfile", text, "dockerfile")
    return [(n.type, n.start_point[0] + 1) for n in dockerfile.instructions(doc.root)]


@pytest.mark.parametrize(
    "text",
    [
        b"FROM a AS b\nCOPY x /y   \n\nRUN cd fluxer_app && pnpm build\nFROM c AS d\n",
        b"FROM a AS b\nCOPY x /y\t\n \t\nRUN cd fluxer_app && pnpm build \nFROM c AS d",
        b"FROM a AS b\r\nCOPY x /y\r\n\r\nRUN cd fluxer_app && pnpm build\r\nFROM c AS d\r\n",
    ],
    ids=["trailing-spaces-across-a-blank-line", "trailing-tab-no-final-newline", "crlf"],
)
def test_an_instruction_ends_at_its_line_end(text: bytes) -> None:
    assert _kinds(text) == [("from_instruction", 1), ("copy_instruction", 2), ("run_instruction", 4),
                            ("from_instruction", 5)]


@pytest.mark.parametrize("newline", [b"\n", b"\r\n"])
def test_a_continuation_holds_with_blanks_after_the_backslash(newline: bytes) -> None:
    text = newline.join([b"FROM a AS b", b"RUN apt-get install \\  ", b"\tfoo \\", b"\tbar", b"COPY x /y", b""])
    doc = Document("Dockerfile", text, "dockerfile")
    assert not doc.root.has_error
    run = dockerfile.instructions(doc.root)[1]
    assert dockerfile.shell_text(run) == "apt-get install foo bar"
    assert dockerfile.apt_packages(run) == {"foo", "bar"}
    assert doc.text(run).endswith("bar"), "offsets are the file's own"


def _apply(run_cli, tree) -> dict[str, str]:
    import json

    result = run_cli("apply", str(tree), "--format", "json")
    return {p["id"]: p["status"] for p in json.loads(result.stdout)["patches"]}


@pytest.mark.parametrize("shape", ["crlf", "trailing-blanks"])
def test_the_docker_fixes_do_on_odd_line_ends_what_they_do_on_plain_ones(shape: str, fixture_tree, run_cli) -> None:
    """The refactor miniature with a CRLF Dockerfile, or with blanks after every COPY line:
    every fix ends as on the plain file, and the patched file is the plain result with the
    same line ends (no instruction swallowed, no second template COPY after the sed)."""
    plain = fixture_tree("refactor-2026-02")
    odd = plain.parent / "odd"
    import shutil

    shutil.copytree(plain, odd)
    dockerfile_path = odd / "fluxer_server" / "Dockerfile"
    text = dockerfile_path.read_bytes()

    def transform(data: bytes) -> bytes:
        if shape == "crlf":
            return data.replace(b"\n", b"\r\n")
        return b"\n".join(line + b"   " if line.startswith(b"COPY") else line for line in data.split(b"\n"))

    dockerfile_path.write_bytes(transform(text))
    assert _apply(run_cli, odd) == _apply(run_cli, plain)
    patched = (plain / "fluxer_server" / "Dockerfile").read_bytes()
    got = dockerfile_path.read_bytes()
    if shape == "crlf":
        assert got == transform(patched)
    else:
        assert got.replace(b"   \n", b"\n") == patched and got.count(b"COPY config/config.production") == 1
