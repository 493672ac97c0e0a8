"""Drift observations kept between walks: a nightly drift walks mostly the commits it walked
the night before, and each fix's result there is known by what the fix read.

An observation (:class:`~fluxer_patcher.drift.cache.Observation`) names its inputs by
content (git object ids, digests of staged text and of directory listings), so it holds in
any walk, of any repository, where those inputs are the same: the store is keyed only by
what else a result depends on (this tool's code, the Python, the installed distributions and
the selected fixes as they are, path map included) and lives beside the result cache
(``drift/`` in :func:`~fluxer_patcher.app.cachefiles.directory`; off with ``--no-cache``).
A search of the tree (an obsolete condition's evidence) is an input too: each directory
searched, by its tree id (:meth:`~fluxer_patcher.source.overlay.Overlay.note_search`).  A walk
takes an observation as its own when it first answers (counted as the run it stands for,
:class:`~fluxer_patcher.drift.cache.ResultCache`), so a report is the same with and without the
store.  An entry that cannot be read is an empty store.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Sequence
from typing import Any

from fluxer_patcher.app import cachefiles
from fluxer_patcher.catalogue.manifest import Patch
from fluxer_patcher.drift.cache import Observation, Observations
from fluxer_patcher.model import Outcome, Reason, ReasonKind, Status

FORMAT = b"fluxer-patch observations 2\n"
MAX_OBSERVATIONS = 50_000  # per store: beyond it, only what the last walk used is kept


def key(patches: Sequence[Patch]) -> str:
    material = (FORMAT, sys.version, cachefiles.code_signature(), cachefiles.distributions(), repr(list(patches)))
    return cachefiles.key_of(material)


def _path(folder: str, name: str) -> str:
    return os.path.join(folder, "drift", name)


def load(name: str) -> Observations:
    """The observations kept under ``name`` (none when the cache is off or the entry unreadable)."""
    folder = cachefiles.directory()
    data = None if folder is None else cachefiles.read_raw(_path(str(folder), name))
    value = None if data is None else cachefiles.unpack(data, FORMAT)
    try:
        return _decode(value) if isinstance(value, dict) else {}
    except (KeyError, TypeError, ValueError):  # another shape: nothing kept
        return {}


def save(name: str, observations: Observations, used: Observations) -> None:
    """Keep ``observations`` (``used``, this walk's own, alone when they are too many)."""
    folder = cachefiles.directory()
    if folder is None:
        return
    if sum(len(seen) for by_inputs in observations.values() for seen in by_inputs.values()) > MAX_OBSERVATIONS:
        observations = used
    cachefiles.write_entry(_path(str(folder), name), cachefiles.pack(_encode(observations), FORMAT))


def _encode(observations: Observations) -> dict[str, Any]:
    return {
        fix: tuple(
            (o.inputs, o.ids, o.outcome.value, o.status.value, o.reason.kind.value, o.reason.text, o.staged,
             o.searched)
            for seen in by_inputs.values() for o in seen.values()
        )
        for fix, by_inputs in observations.items()
    }


def _decode(value: dict[str, Any]) -> Observations:
    out: Observations = {}
    for fix, rows in value.items():
        for inputs, ids, outcome, status, kind, text, staged, searched in rows:
            seen = Observation(Outcome(outcome), Status(status), Reason(ReasonKind(kind), str(text)), tuple(inputs),
                               tuple(ids), tuple((str(p), bytes(d)) for p, d in staged), bool(searched))
            out.setdefault(str(fix), {}).setdefault(seen.inputs, {})[seen.ids] = seen
    return out
