"""BLAKE2b digests without importing :mod:`hashlib` (which loads OpenSSL first, a few
milliseconds that a replay of a cached run, ``app.replay``, would spend on nothing).
Imports nothing of the package."""

from __future__ import annotations

try:  # the very function hashlib.blake2b is
    from _blake2 import blake2b as blake2b
except ImportError:  # pragma: no cover - a Python built without it
    from hashlib import blake2b as blake2b


def digest(data: bytes) -> str:
    """The digest the caches name content by (20 bytes, hex)."""
    return blake2b(data, digest_size=20).hexdigest()
