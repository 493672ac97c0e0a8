"""What makes this catalogue Fluxer's: the names, links and commit conventions it reports with.

The engine, the catalogue loader and the formats know nothing of Fluxer; reports, commit
messages and patch headers take these values from a :class:`Profile`, so another project's
catalogue runs with its own profile unchanged.  Imports nothing of the package but its value
classes (:mod:`fluxer_patcher.record`).
"""

from __future__ import annotations

from fluxer_patcher.record import dataclass


@dataclass(frozen=True)
class Profile:
    tool: str  # the command name, also the JSON reports' "tool"
    project: str  # what the catalogue fixes, in prose
    guide_url: str  # the document the fixes come from
    guide_name: str  # how commit bodies name it
    default_bug: str  # a manifest's `bug` when it gives none
    commit_scope: str  # the subject prefix of fix commits
    patch_trailer: str  # the trailer naming the fix a commit carries (recognises the tool's commits)
    upstream_trailer: str  # the trailer naming the commit a series was built on
    identity_name: str  # author and committer of `branch` commits (reproducible ids)
    identity_email: str  # an address nobody owns (RFC 2606 `.invalid`), not a real account's
    catalogue_env: str  # the environment variable naming another catalogue


FLUXER = Profile(
    tool="fluxer-patch",
    project="Fluxer",
    guide_url="https://gist.github.com/PaulMColeman/e7ef82e05035b24300d2ea1954527f10",
    guide_name="the Fluxer self-hosting guide",
    default_bug="https://github.com/fluxerapp/fluxer/issues/557",
    commit_scope="fix(selfhost)",
    patch_trailer="Fluxer-Patch",
    upstream_trailer="Upstream-Commit",
    identity_name="fluxer-patch",
    identity_email="noreply@fluxer-patch.invalid",
    catalogue_env="FLUXER_PATCH_CATALOGUE",
)
