"""What a fix's commit says and who makes it: message, trailers, identity.

One commit per fix, in catalogue order.  The message tells the fix's story from its manifest
(gotcha, symptom, fix) and ends with trailers that let the tool recognise its own commits::

    fix(selfhost): send the SSO token request body as a URL-encoded string

    Gotcha 17 of the Fluxer self-hosting guide ("SSO Fix 2").

    Symptom: ...

    Fix: ...

    Bug: https://github.com/fluxerapp/fluxer/issues/557
    Fluxer-Patch: sso-token-body-tostring
    Upstream-Commit: <sha of the commit the series is built on>

The scope, the guide's name and the trailers come from the :class:`~fluxer_patcher.profile.Profile`.
The identity is the profile's (``fluxer-patch <...>``) and the dates are the upstream commit's,
so the same revision and the same fixes give the same commit ids.  ``--author``/``--committer``
and the usual ``GIT_AUTHOR_*``/``GIT_COMMITTER_*`` variables override.
"""

from __future__ import annotations

import os
import textwrap
from collections.abc import Mapping

from fluxer_patcher.catalogue.manifest import Patch, ref_url
from fluxer_patcher.git.plumbing import Identity, Person
from fluxer_patcher.profile import FLUXER, Profile

_WIDTH = 72


def subject(patch: Patch, profile: Profile = FLUXER) -> str:
    title = patch.title.strip()
    # "Send the SSO ..." -> "send the SSO ...", but an acronym ("CSP ...") keeps its case.
    if len(title) > 1 and title[0].isupper() and title[1].islower():
        title = title[0].lower() + title[1:]
    return f"{profile.commit_scope}: {title}"


def _sentence(text: str) -> str:
    text = " ".join(text.split())
    return text if text.endswith((".", "!", "?")) else text + "."


_HOLD = "\x00"


def _paragraph(text: str) -> str:
    """``text`` wrapped at 72 columns, never inside a `code span`."""
    parts = text.split("`")
    held = "`".join(p.replace(" ", _HOLD) if i % 2 else p for i, p in enumerate(parts))
    wrapped = textwrap.fill(held, _WIDTH, break_long_words=False, break_on_hyphens=False)
    return wrapped.replace(_HOLD, " ")


def body(patch: Patch, profile: Profile = FLUXER) -> str:
    """The message between the subject and the trailers."""
    if patch.gotchas:
        gotchas = ", ".join(str(g) for g in patch.gotchas)
        noun = "Gotchas" if len(patch.gotchas) > 1 else "Gotcha"
        origin = f'{noun} {gotchas} of {profile.guide_name} ("{patch.guide}").'
    else:
        origin = f"Past {profile.guide_name}; see {', '.join(patch.refs)}."
    return "\n\n".join(
        [
            _paragraph(origin),
            _paragraph(f"Symptom: {_sentence(patch.symptom)}"),
            _paragraph(f"Fix: {_sentence(patch.fix)}"),
        ]
    )


def trailers(patch: Patch, upstream: str, profile: Profile = FLUXER) -> list[tuple[str, str]]:
    refs = [("Refs", ref_url(r)) for r in patch.refs]
    return [("Bug", patch.bug), *refs, (profile.patch_trailer, patch.id), (profile.upstream_trailer, upstream)]


def message(patch: Patch, upstream: str, profile: Profile = FLUXER) -> str:
    """The full commit message, ending with a newline."""
    block = "\n".join(f"{key}: {value}" for key, value in trailers(patch, upstream, profile))
    return f"{subject(patch, profile)}\n\n{body(patch, profile)}\n\n{block}\n"


def identity(
    date: str,
    author: str | None = None,
    committer: str | None = None,
    env: Mapping[str, str] | None = None,
    profile: Profile = FLUXER,
) -> Identity:
    """The tool's identity dated ``date``; options, then GIT_AUTHOR_*/GIT_COMMITTER_* override.

    Raises ``ValueError`` for an option that is not ``Name <email>``."""
    env = os.environ if env is None else env

    def person(option: str | None, role: str) -> Person:
        if option is not None:
            return Person.parse(option)
        return Person(
            env.get(f"GIT_{role}_NAME") or profile.identity_name,
            env.get(f"GIT_{role}_EMAIL") or profile.identity_email,
        )

    return Identity(
        author=person(author, "AUTHOR"),
        committer=person(committer, "COMMITTER"),
        author_date=env.get("GIT_AUTHOR_DATE") or date,
        committer_date=env.get("GIT_COMMITTER_DATE") or date,
    )


def is_tool_commit(trailers: Mapping[str, tuple[str, ...]], profile: Profile = FLUXER) -> bool:
    """Whether a commit's trailers (keys lower-cased) mark it as made by the tool."""
    return bool(trailers.get(profile.patch_trailer.lower()))
