"""Docker's .dockerignore semantics, pinned with the examples of Docker's documentation
("Dockerignore file" in the build-context reference) and moby's pattern matcher."""

from __future__ import annotations

import pytest

from fluxer_patcher.formats.dockerignore.rules import Matcher, PatternError, clean, parse


def excluded(ignore: str, path: str) -> bool:
    return Matcher.from_text(ignore).excluded(path)


@pytest.mark.parametrize(
    ("path", "want"),
    [("a/b/c", "a/b/c"), ("/a//b/", "/a/b"), ("./a/./b", "a/b"), ("a/../b", "b"), ("", "."), ("../a", "../a"),
     ("/../a", "/a"), ("//a", "/a")],
)
def test_clean_is_gos_path_clean(path: str, want: str) -> None:
    assert clean(path) == want


@pytest.mark.parametrize(
    ("ignore", "path", "want"),
    [
        # Docker documentation: the example .dockerignore
        ("*/temp*", "somedir/temporary.txt", True),
        ("*/temp*", "somedir/temp", True),
        ("*/temp*", "temporary.txt", False),
        ("*/temp*", "a/b/temporary.txt", False),
        ("*/*/temp*", "somedir/subdir/temporary.txt", True),
        ("*/*/temp*", "somedir/temporary.txt", False),
        ("temp?", "tempa", True),
        ("temp?", "temp", False),
        ("temp?", "tempab", False),
        ("temp?", "temp/", False),
        # `**` matches any number of directories, including none
        ("**/*.go", "main.go", True),
        ("**/*.go", "a/b/c.go", True),
        ("**/build", "build", True),
        ("**/build", "fluxer_app/scripts/build", True),
        ("**/build", "fluxer_app/scripts/xbuild", False),
        ("a/**/b", "a/b", True),
        ("a/**/b", "a/x/y/b", True),
        ("a/**", "a/x", True),
        ("a/**", "a", False),
        # moby compares `**`-led patterns without wildcards by suffix (not by the regex)
        ("**.log", "a/b.log", True),
        ("**.log", "b.log", True),
        # patterns are anchored at the context root, unlike .gitignore
        ("dev", "dev", True),
        ("dev", "dev/x", True),
        ("dev", "a/dev", False),
        ("*.md", "docs/a.md", False),
        # leading `/` and `./` and trailing `/` are cleaned away
        ("/fluxer_app/src/data/emojis.json", "fluxer_app/src/data/emojis.json", True),
        ("./a/b/", "a/b/c", True),
        ("/", "a", False),
        # character classes and escapes
        ("file[0-9].txt", "file1.txt", True),
        ("file[0-9].txt", "filex.txt", False),
        ("a\\*b", "a*b", True),
        ("a\\*b", "axb", False),
        ("a.b", "axb", False),
        # an excluded parent directory excludes what it holds
        ("**/node_modules", "packages/api/node_modules/x/index.js", True),
        ("/fluxer_app/src/locales/*/messages.js", "fluxer_app/src/locales/de/messages.js", True),
        ("/fluxer_app/src/locales/*/messages.js", "fluxer_app/src/locales/de/messages.po", False),
        # comments only in the first column; blank lines skipped
        ("# a\n\n  \nb", "a", False),
        ("# a\n\n  \nb", "b", True),
    ],
)
def test_patterns(ignore: str, path: str, want: bool) -> None:
    assert excluded(ignore, path) is want


def test_exceptions_and_last_match_wins() -> None:
    # Docker documentation: "*.md" then "!README.md"
    assert not excluded("*.md\n!README.md", "README.md")
    assert excluded("*.md\n!README.md", "CHANGES.md")
    # "*.md", "!README*.md", "README-secret.md": README files except README-secret.md
    ignore = "*.md\n!README*.md\nREADME-secret.md"
    assert not excluded(ignore, "README-x.md")
    assert excluded(ignore, "README-secret.md")
    # "*.md", "README-secret.md", "!README*.md": all README files (line 2 has no effect)
    ignore = "*.md\nREADME-secret.md\n!README*.md"
    assert not excluded(ignore, "README-secret.md")


def test_exception_under_an_excluded_directory() -> None:
    ignore = "**/build\n!fluxer_app/scripts/build\n!fluxer_app/scripts/build/**"
    assert not excluded(ignore, "fluxer_app/scripts/build/rspack/lingui.mjs")
    assert not excluded(ignore, "fluxer_app/scripts/build")
    assert excluded(ignore, "packages/api/build/index.js")
    # the exception of the parent alone suffices (the parent matches the `!` pattern)
    assert not excluded("**/build\n!fluxer_app/scripts/build", "fluxer_app/scripts/build/x.mjs")
    # a file exception under an excluded directory re-includes that file only
    assert not excluded("dir\n!dir/keep", "dir/keep")
    assert excluded("dir\n!dir/keep", "dir/other")


def test_verdict_names_the_deciding_line() -> None:
    matcher = Matcher.from_text("# c\n**/build\n/fluxer_app/src/data/emojis.json\n")
    verdict = matcher.check("fluxer_app/scripts/build/x.mjs")
    assert verdict.excluded and verdict.by is not None and verdict.by.line == 2
    assert verdict.describe() == "fluxer_app/scripts/build/x.mjs is excluded by .dockerignore:2 `**/build`"
    assert matcher.check("fluxer_app/src/data/emojis.json").by.source == "/fluxer_app/src/data/emojis.json"  # type: ignore[union-attr]
    assert matcher.check("src/a.ts").by is None


def test_bad_patterns_are_reported_with_their_line() -> None:
    with pytest.raises(PatternError, match="line 2"):
        parse("a\n!\n")
    with pytest.raises(PatternError, match="line 1"):
        parse("[a-\n")


def test_bom_and_crlf() -> None:
    assert excluded("\ufeffdev\r\nx\r\n", "dev")
    assert excluded("\ufeffdev\r\nx\r\n", "x")


def test_admit_keeps_a_wildcard_pattern_and_adds_an_exception(tmp_path) -> None:
    """`*.json` is not written for emojis.json: commenting it out would let every JSON file in."""
    from fluxer_patcher.catalogue.manifest import Expect, Patch, Step
    from fluxer_patcher.source import MemoryTree
    from tests.primitive_case import engine as Engine

    step = Step(".dockerignore", None, "dockerignore-admit", None, "the ignore file", Expect(1), {}, None,
                {"paths": ["emojis.json", "/dir/data.json"], "why": "needed"})
    patch = Patch("t", (0,), "t", "t", "t", "t", "t", tmp_path, (step,))
    tree = MemoryTree({".dockerignore": "*.json\n/dir/data.json\nnode_modules\n"})
    result = Engine(tree).run_patch(patch)
    assert result.outcome == "changed"
    assert result.changes[0].after.decode() == (
        "*.json\n# needed\n!emojis.json\n# needed\n# /dir/data.json\nnode_modules\n"
    )


def test_a_text_is_parsed_once_and_each_matcher_has_its_own_list() -> None:
    text = "node_modules\n!keep\n**/build\n"
    first, again = Matcher.from_text(text), Matcher.from_text(text)
    assert first.patterns == again.patterns and first.patterns is not again.patterns
    assert all(a is b for a, b in zip(first.patterns, again.patterns, strict=True))  # compiled once
    first.patterns.pop()
    assert [p.text for p in Matcher.from_text(text).patterns] == ["node_modules", "keep", "**/build"]
    assert Matcher.from_text(text).check("a/build/x").excluded and not Matcher.from_text(text).excluded("keep")
    with pytest.raises(PatternError):  # a bad text is refused every time, not remembered
        Matcher.from_text("!\n")
    with pytest.raises(PatternError):
        Matcher.from_text("!\n")
