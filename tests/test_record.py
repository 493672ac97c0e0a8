"""record.dataclass: the subset of dataclasses the package uses, held to the standard library's
behaviour on the same class bodies (record.py)."""

from __future__ import annotations

import copy
import dataclasses
import inspect
import pickle

import pytest

from fluxer_patcher import record


def _pair(frozen: bool) -> tuple[type, type]:
    """The same class body made by dataclasses and by record."""

    def body(ns: dict[str, object]) -> None:
        ns["__annotations__"] = {"name": "str", "count": "int", "tags": "list[str]", "refs": "tuple[str, ...]"}
        ns["__doc__"] = "A value."
        ns["count"] = 1
        ns["__module__"] = __name__

    std_ns: dict[str, object] = {}
    body(std_ns)
    std_ns["tags"] = dataclasses.field(default_factory=list)
    std_ns["refs"] = dataclasses.field(default=())
    ours_ns: dict[str, object] = {}
    body(ours_ns)
    ours_ns["tags"] = record.field(default_factory=list)
    ours_ns["refs"] = record.field(default=())
    std = dataclasses.dataclass(frozen=frozen)(type("Value", (), std_ns))
    ours = record.dataclass(frozen=frozen)(type("Value", (), ours_ns))
    return std, ours


@pytest.mark.parametrize("frozen", [False, True])
def test_it_behaves_as_dataclasses_does(frozen: bool) -> None:
    std, ours = _pair(frozen)
    assert str(inspect.signature(ours)) == str(inspect.signature(std))
    for make in (lambda c: c("a"), lambda c: c("a", 2, ["x"], ("r",)), lambda c: c(name="b", refs=("q",))):
        a, b = make(std), make(ours)
        assert repr(a) == repr(b)
        assert (a.name, a.count, a.tags, a.refs) == (b.name, b.count, b.tags, b.refs)
        assert make(ours) == b and (make(ours) is not b)
        assert (b == make(std)) is False  # another class is never equal
        assert ours.__match_args__ == std.__match_args__
        if frozen:
            assert _hashed(b) == _hashed(a)  # a list field: unhashable for both
            with pytest.raises(AttributeError, match=r"cannot assign to field 'name'"):
                b.name = "c"
            with pytest.raises(AttributeError):
                del b.count
        else:
            assert ours.__hash__ is None and std.__hash__ is None
            b.count = 5
            assert b.count == 5
    first, second = ours("a"), ours("b")
    assert first.tags is not second.tags  # a factory per instance
    assert ours.refs == std.refs == () and not hasattr(ours, "tags") and not hasattr(std, "tags")
    value = ours("a", 3, ["t"])
    assert copy.deepcopy(value) == value
    assert record.replace(value, count=4) == ours("a", 4, ["t"])
    with pytest.raises(TypeError):
        ours()  # name has no default


def _hashed(value: object) -> object:
    try:
        return hash(value)
    except TypeError as exc:
        return str(exc)


@record.dataclass(frozen=True)
class Pickled:
    name: str
    tags: tuple[str, ...] = ()


def test_a_frozen_value_pickles_and_hashes_by_its_fields() -> None:
    value = Pickled("a", ("t",))
    assert pickle.loads(pickle.dumps(value)) == value
    assert hash(value) == hash(("a", ("t",)))
    assert {value: 1}[Pickled("a", ("t",))] == 1


def test_methods_the_class_defines_are_kept_and_a_default_before_none_is_refused() -> None:
    @record.dataclass(frozen=True)
    class Shown:
        text: str

        def __repr__(self) -> str:
            return f"<{self.text}>"

    assert repr(Shown("x")) == "<x>" and hash(Shown("x")) == hash(("x",))
    with pytest.raises(TypeError, match="non-default argument 'b' follows default argument"):
        record.dataclass(type("Bad", (), {"__annotations__": {"a": "int", "b": "int"}, "a": 1}))
    with pytest.raises(ValueError, match="mutable default <class 'list'> for field a is not allowed"):
        record.dataclass(type("Shared", (), {"__annotations__": {"a": "list[int]"}, "a": []}))
