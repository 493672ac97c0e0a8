"""fluxer-patch: structural, idempotent fixes for self-hosting the Fluxer monorepo."""

__version__ = "0.1.0"
