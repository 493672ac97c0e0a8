"""Value classes without :mod:`dataclasses`: importing it costs about 13 ms on Python 3.11 (it
imports :mod:`inspect`) and each class it makes 0.3-0.9 ms (one ``exec`` per method), which
made up a seventh of a cold check.  Every value class of the package is made here instead.

:func:`dataclass` (with :func:`field` and :func:`replace`) is the subset of the standard one
the package uses, with the same ``__init__``, equality, hash, repr and frozenness (held to the
standard library's behaviour by ``tests/test_record.py``), one ``exec`` per class.

Imports nothing of the package."""

from __future__ import annotations

TYPE_CHECKING = False  # typing's, without importing typing
if TYPE_CHECKING:
    from typing import Any, dataclass_transform
else:
    def dataclass_transform(**_kwargs: object) -> object:  # what type checkers read; nothing at run time
        return lambda function: function


# -- the subset of dataclasses this package uses -------------------------------------------


class FrozenInstanceError(AttributeError):
    """Assigning to a field of a frozen :func:`dataclass` (as :mod:`dataclasses` raises it)."""


_MISSING = object()


class _Factory:
    def __repr__(self) -> str:
        return "<factory>"


_FACTORY = _Factory()  # the default of a parameter whose field has a factory (as dataclasses shows it)


class Field:
    """A field's default: a value, or a factory called for each instance (:func:`field`)."""

    __slots__ = ("default", "default_factory")

    def __init__(self, default: Any, default_factory: Any) -> None:
        self.default, self.default_factory = default, default_factory


def field(*, default: Any = _MISSING, default_factory: Any = _MISSING) -> Any:
    """As :func:`dataclasses.field`, for ``default`` or ``default_factory``."""
    return Field(default, default_factory)


@dataclass_transform(field_specifiers=(field,))
def dataclass(cls: type | None = None, /, *, frozen: bool = False) -> Any:
    """:func:`dataclasses.dataclass` for what this package's classes use: annotated fields
    (no ``ClassVar``, no base class with fields) with plain defaults or :func:`field`, and
    ``frozen``.  The class gets the same ``__init__`` (one positional-or-keyword parameter per
    field, in order), ``__eq__`` (same class, fields equal), ``__hash__`` (frozen: of the
    fields; otherwise ``None``), ``__repr__`` and ``__match_args__``, and when frozen an
    ``__setattr__``/``__delattr__`` raising :class:`FrozenInstanceError`; methods the class
    defines itself are kept.  One ``exec`` per class instead of one per method (Python 3.11's
    dataclasses cost ~0.3 ms a class, ~0.9 frozen; this ~0.1)."""

    def wrap(cls: type) -> type:
        return _process(cls, frozen)

    return wrap if cls is None else wrap(cls)


def _process(cls: type, frozen: bool) -> type:
    annotations = cls.__dict__.get("__annotations__", {})  # noqa: RUF063 - inspect costs what this module saves
    names = list(annotations)
    env: dict[str, object] = {"_object_setattr": object.__setattr__, "_FACTORY": _FACTORY}
    params, body = [], []
    for name in names:
        value = cls.__dict__.get(name, _MISSING)
        factory = _MISSING
        if isinstance(value, Field):
            value, factory = value.default, value.default_factory
            if value is _MISSING:
                delattr(cls, name)
            else:
                setattr(cls, name, value)
        if factory is not _MISSING:
            env[f"_factory_{name}"] = factory
            params.append(f"{name}=_FACTORY")
            init = f"_factory_{name}() if {name} is _FACTORY else {name}"
        elif value is not _MISSING:
            if value.__class__.__hash__ is None:  # a list, dict or set shared by every instance
                raise ValueError(f"mutable default {type(value)} for field {name} is not allowed: use default_factory")
            env[f"_default_{name}"] = value
            params.append(f"{name}=_default_{name}")
            init = name
        else:
            if any("=" in p for p in params):
                raise TypeError(f"non-default argument {name!r} follows default argument")
            params.append(name)
            init = name
        body.append(f"_object_setattr(self, {name!r}, {init})" if frozen else f"self.{name} = {init}")
    fields = "".join(f"self.{n}," for n in names)
    other = "".join(f"other.{n}," for n in names)
    source = (
        f"def __init__(self, {', '.join(params)}):\n " + "\n ".join(body or ["pass"]) + "\n"
        "def __eq__(self, other):\n"
        f" if other.__class__ is self.__class__: return ({fields}) == ({other})\n"
        " return NotImplemented\n"
        f"def __hash__(self): return hash(({fields}))\n"
    )
    exec(source, env)  # generated from the class's own field names, as dataclasses does
    env["__init__"].__annotations__ = {**{n: annotations[n] for n in names}, "return": None}
    own = cls.__dict__
    for method in ("__init__", "__eq__"):
        if method not in own:
            _set(cls, method, env[method])
    if "__repr__" not in own:
        _set(cls, "__repr__", _repr)
    if "__hash__" not in own or own["__hash__"] is None:  # eq without an own __hash__ sets it to None
        if frozen:
            _set(cls, "__hash__", env["__hash__"])
        else:
            cls.__hash__ = None  # type: ignore[assignment]
    if frozen:
        for method in ("__setattr__", "__delattr__"):
            if method in own:
                raise TypeError(f"cannot overwrite attribute {method} in class {cls.__name__}")
        _set(cls, "__setattr__", _frozen_setattr)
        _set(cls, "__delattr__", _frozen_delattr)
    setattr(cls, "__match_args__", tuple(names))  # noqa: B010 - a type checker may not assign it
    setattr(cls, "__record_fields__", tuple(names))  # noqa: B010
    return cls


def _set(cls: type, name: str, function: Any) -> None:
    if hasattr(function, "__code__") and function.__code__.co_filename == "<string>":
        function.__qualname__ = f"{cls.__qualname__}.{name}"
    setattr(cls, name, function)


def _repr(self: Any) -> str:
    shown = ", ".join(f"{name}={getattr(self, name)!r}" for name in type(self).__record_fields__)
    return f"{type(self).__qualname__}({shown})"


def _frozen_setattr(self: Any, name: str, value: object) -> None:
    raise FrozenInstanceError(f"cannot assign to field {name!r}")


def _frozen_delattr(self: Any, name: str) -> None:
    raise FrozenInstanceError(f"cannot delete field {name!r}")


if TYPE_CHECKING:
    from typing import TypeVar

    _T = TypeVar("_T")

    def replace(obj: _T, /, **changes: Any) -> _T:
        """A copy of the :func:`dataclass` instance ``obj`` with ``changes`` (as :func:`dataclasses.replace`)."""
else:
    def replace(obj, /, **changes):
        """A copy of the :func:`dataclass` instance ``obj`` with ``changes`` (as :func:`dataclasses.replace`)."""
        for name in type(obj).__record_fields__:
            changes.setdefault(name, getattr(obj, name))
        return type(obj)(**changes)
