"""set-toml-key (``formats/toml``): before / after / unchanged, conflicts, layout kept."""

from __future__ import annotations

import sys
import tomllib
from pathlib import Path

import pytest

from tests.primitive_case import PrimitiveRunner

PARAMS = {"table": "package.metadata.wasm-pack.profile.release", "key": "wasm-opt", "value": "false"}


@pytest.fixture
def run(tmp_path: Path) -> PrimitiveRunner:
    return PrimitiveRunner(tmp_path, "crate/Cargo.toml", None)


def test_a_missing_table_becomes_a_section_at_the_end(run: PrimitiveRunner) -> None:
    outcome, after, _ = run('[package]\nname = "x"\n', None, "set-toml-key", PARAMS)
    assert outcome == "changed"
    assert after == '[package]\nname = "x"\n\n[package.metadata.wasm-pack.profile.release]\nwasm-opt = false\n'


def test_no_final_newline_and_crlf_are_kept(run: PrimitiveRunner) -> None:
    outcome, after, _ = run('[package]\r\nname = "x"', None, "set-toml-key", PARAMS)
    assert outcome == "changed"
    header = "[package.metadata.wasm-pack.profile.release]"
    assert after == f"[package]\r\nname = \"x\"\r\n\r\n{header}\r\nwasm-opt = false\r\n"


def test_an_existing_section_gets_the_key_and_keeps_its_comments(run: PrimitiveRunner) -> None:
    before = ('[package]\nname = "x"  # the crate\n\n[package.metadata.wasm-pack.profile.release]\n'
              "# comment\ndwarf-debug-info = true\n\n[lib]\ncrate-type = ['cdylib']\n")
    outcome, after, reason = run(before, None, "set-toml-key", PARAMS)
    assert outcome == "changed" and "wasm-opt = false" in reason
    assert isinstance(after, str)
    assert after == before.replace("dwarf-debug-info = true\n", "dwarf-debug-info = true\nwasm-opt = false\n")
    assert tomllib.loads(after)["package"]["metadata"]["wasm-pack"]["profile"]["release"]["wasm-opt"] is False


@pytest.mark.parametrize("before", [
    "[package.metadata.wasm-pack.profile.release]\nwasm-opt = false\n",
    '[package]\nmetadata.wasm-pack.profile.release = { "wasm-opt" = false }\n',
    "[package.metadata.wasm-pack.profile]\nrelease.wasm-opt = false\n",
])
def test_unchanged_when_the_key_holds_the_value_in_any_form(run: PrimitiveRunner, before: str) -> None:
    outcome, after, _ = run(before, None, "set-toml-key", PARAMS)
    assert outcome == "already-applied" and after == before


def test_another_value_is_a_conflict_naming_the_line(run: PrimitiveRunner) -> None:
    before = '[package]\nname = "x"\n\n[package.metadata.wasm-pack.profile.release]\nwasm-opt = ["-O4"]\n'
    result = run.result(before, None, "set-toml-key", PARAMS)
    assert result.outcome == "drifted" and result.reason.kind == "conflict"
    assert result.reason.text.startswith("crate/Cargo.toml:5: `package.metadata.wasm-pack.profile.release.wasm-opt`")


def test_a_path_through_a_non_table_is_a_conflict(run: PrimitiveRunner) -> None:
    result = run.result('[package]\nmetadata = "none"\n', None, "set-toml-key", PARAMS)
    assert result.outcome == "drifted" and result.reason.kind == "conflict"


def test_an_inline_table_is_not_edited(run: PrimitiveRunner) -> None:
    before = "[package.metadata.wasm-pack.profile]\nrelease = { dwarf-debug-info = true }\n"
    result = run.result(before, None, "set-toml-key", PARAMS)
    assert result.outcome == "drifted" and result.reason.kind == "unexpected-shape"


def test_invalid_toml_is_reported(run: PrimitiveRunner) -> None:
    result = run.result("[package\n", None, "set-toml-key", PARAMS)
    assert result.outcome == "drifted" and result.reason.kind == "syntax-error"


def test_tomlkit_is_imported_only_when_the_primitive_runs() -> None:
    import subprocess

    code = "import fluxer_patcher.formats.builtin as b, sys; b.registry(); print('tomlkit' in sys.modules)"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert out.strip() == "False"
