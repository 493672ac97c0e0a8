"""The published JSON Schema of manifests is the generated one, and every manifest validates."""

from __future__ import annotations

import json
import os
import tomllib
from pathlib import Path

import jsonschema
import pytest

from fluxer_patcher.app.catalogue import bundled_root, registry
from fluxer_patcher.catalogue.schema import manifest_schema

ROOT = Path(__file__).resolve().parent.parent
PUBLISHED = ROOT / "docs" / "manifest.schema.json"
SCHEMA = manifest_schema(registry())
MANIFESTS = sorted((bundled_root() / "patches").glob("*.toml"))


def test_the_published_schema_is_current() -> None:
    text = json.dumps(SCHEMA, indent=2) + "\n"
    if os.environ.get("FLUXER_PATCH_UPDATE_GOLDEN") == "1":
        PUBLISHED.write_text(text)
    stale = "docs/manifest.schema.json is stale (regenerate: FLUXER_PATCH_UPDATE_GOLDEN=1)"
    assert PUBLISHED.read_text() == text, stale


def test_the_schema_is_valid() -> None:
    jsonschema.Draft202012Validator.check_schema(SCHEMA)


@pytest.mark.parametrize("path", MANIFESTS, ids=lambda p: p.name)
def test_every_manifest_validates(path: Path) -> None:
    jsonschema.validate(tomllib.loads(path.read_text()), SCHEMA, cls=jsonschema.Draft202012Validator)


def test_the_schema_rejects_a_mistyped_parameter() -> None:
    manifest = tomllib.loads(MANIFESTS[0].read_text())
    step = next(s for s in manifest["steps"] if "position" in s.get("params", {}))
    step["params"]["position"] = "under"
    with pytest.raises(jsonschema.ValidationError):
        jsonschema.validate(manifest, SCHEMA, cls=jsonschema.Draft202012Validator)
