"""Records: ``@record`` classes, a lighter frozen ``@dataclass`` (one compile per class, no ``inspect``)."""

# A frozen ``@dataclass`` costs ~700 µs of CPU on Python 3.11, most of it compiling six generated
# methods (and ``import dataclasses`` pulls ``inspect``, ``ast``, ``dis``, ``tokenize``...); the
# package creates ~100 of them at import. A record compiles only ``__init__`` (the field list differs
# per class); equality, hashing, ordering and ``repr`` are closures over the class's field names.
# What the package relies on is kept exactly as ``dataclasses`` does it: ``__init__`` (defaults,
# default factories, ``init=False`` fields, ``__post_init__``; fields are stored in the instance's
# ``__dict__`` as ``object.__setattr__`` does, and through ``object.__setattr__`` where the class has
# a descriptor of that name), ``==`` only between instances of the same class comparing the fields'
# tuples, the hash of that tuple, ordering of the tuples (``order=True``), identity equality and
# hashing with ``eq=False``, mutable records unhashable, fields inherited from a record base class,
# and methods written in the class body kept.

from __future__ import annotations

import sys
from collections.abc import Callable
from operator import attrgetter
from typing import TYPE_CHECKING, Any, ClassVar, TypeVar, get_origin, overload

__all__ = ["FrozenRecordError", "field", "record", "replace"]

_T = TypeVar("_T")
_C = TypeVar("_C", bound=type)

if sys.version_info >= (3, 11):
    from typing import dataclass_transform
elif TYPE_CHECKING:  # pragma: no cover - mypy on 3.10 reads typing_extensions' stub
    from typing_extensions import dataclass_transform
else:  # Python 3.10: the declaration only tells type checkers; at run time it does nothing
    def dataclass_transform(**_: object) -> Callable[[_T], _T]:
        return lambda f: f


class FrozenRecordError(AttributeError):
    """A field of a frozen record was assigned or deleted."""


class _Missing:
    def __repr__(self) -> str:
        return "MISSING"


MISSING: Any = _Missing()


class Field:
    """One field of a record: what ``field(...)`` returns in a class body, kept in ``__record_fields__``."""

    __slots__ = ("name", "default", "default_factory", "init", "repr", "hash", "compare")

    def __init__(self, default: Any, default_factory: Any, init: bool, repr: bool, hash: bool | None,
                 compare: bool) -> None:
        if default is not MISSING and default_factory is not MISSING:
            raise ValueError("cannot specify both default and default_factory")
        self.name = ""
        self.default = default
        self.default_factory = default_factory
        self.init = init
        self.repr = repr
        self.hash = hash
        self.compare = compare

    def __repr__(self) -> str:
        return (f"Field(name={self.name!r}, default={self.default!r}, default_factory={self.default_factory!r}, "
                f"init={self.init}, repr={self.repr}, hash={self.hash}, compare={self.compare})")


@overload
def field(*, default: _T, init: bool = True, repr: bool = True, hash: bool | None = None,
          compare: bool = True) -> _T: ...
@overload
def field(*, default_factory: Callable[[], _T], init: bool = True, repr: bool = True, hash: bool | None = None,
          compare: bool = True) -> _T: ...
@overload
def field(*, init: bool = True, repr: bool = True, hash: bool | None = None, compare: bool = True) -> Any: ...
def field(*, default: Any = MISSING, default_factory: Any = MISSING, init: bool = True, repr: bool = True,
          hash: bool | None = None, compare: bool = True) -> Any:
    """A field with options, as ``dataclasses.field``: a default or a default factory (called for each
    instance), left out of ``__init__`` (``init=False``), of ``repr``, of the hash, or of ``==``, the
    hash and ordering (``compare=False``)."""
    return Field(default, default_factory, init, repr, hash, compare)


@overload
def record(cls: _C, /) -> _C: ...
@overload
def record(*, eq: bool = True, order: bool = False, frozen: bool = True) -> Callable[[_C], _C]: ...
@dataclass_transform(frozen_default=True, field_specifiers=(field, Field))
def record(cls: Any = None, /, *, eq: bool = True, order: bool = False, frozen: bool = True) -> Any:
    """Make ``cls`` a record of its annotated fields: frozen unless ``frozen=False``; ``eq=False``
    keeps identity equality and hashing; ``order=True`` adds ``<``, ``<=``, ``>``, ``>=``."""
    if cls is None:
        return lambda c: _build(c, eq, order, frozen)
    return _build(cls, eq, order, frozen)


def replace(obj: _T, /, **changes: Any) -> _T:
    """A copy of the record ``obj`` with the fields named in ``changes`` changed (``dataclasses.replace``)."""
    cls: Any = obj.__class__
    try:
        init, fixed = cls.__record_replace__
    except AttributeError:
        raise TypeError("replace() should be called on record instances") from None
    for name in fixed:
        if name in changes:
            raise ValueError(f"field {name} is declared with init=False, it cannot be specified with replace()")
    for name in init:
        if name not in changes:
            changes[name] = getattr(obj, name)
    new: _T = cls(**changes)
    return new


# The class --------------------------------------------------------------------------------------

def _is_classvar(annotation: object) -> bool:
    if isinstance(annotation, str):
        return annotation.partition("[")[0].strip() in ("ClassVar", "typing.ClassVar")
    return annotation is ClassVar or get_origin(annotation) is ClassVar


def _fields(cls: type) -> dict[str, Field]:
    """The fields of ``cls``: those of its record bases, then its own annotations, in order."""
    fields: dict[str, Field] = {}
    for base in cls.__mro__[-1:0:-1]:
        inherited = base.__dict__.get("__record_fields__")
        if inherited is not None:
            fields.update(inherited)
    for name, annotation in cls.__dict__.get("__annotations__", {}).items():
        if _is_classvar(annotation):
            continue
        default = getattr(cls, name, MISSING)  # a descriptor's class value, as dataclasses take it
        if isinstance(default, Field):
            f = default
            if f.default is MISSING:
                delattr(cls, name)
            else:
                setattr(cls, name, f.default)
        else:
            f = Field(default, MISSING, True, True, None, True)
        if f.default is not MISSING and f.default.__class__.__hash__ is None:
            raise ValueError(f"mutable default {type(f.default)} for field {name} is not allowed: use default_factory")
        f.name = name
        fields[name] = f
    return fields


def _raw(cls: type, name: str) -> object:
    """The class attribute ``name`` as stored (a descriptor itself, not what it gives)."""
    return next((c.__dict__[name] for c in cls.__mro__ if name in c.__dict__), None)


def _init_source(cls: type, fields: list[Field], frozen: bool, namespace: dict[str, Any]) -> str:
    """The text of ``__init__`` (its defaults and factories go into ``namespace``)."""
    params = ["self"]
    body = []
    seen_default = False
    for f in fields:
        value: str | None = f.name
        if f.default_factory is not MISSING:
            namespace[f"_factory_{f.name}"] = f.default_factory
            if f.init:
                value = f"_factory_{f.name}() if {f.name} is _HAS_FACTORY else {f.name}"
            else:
                value = f"_factory_{f.name}()"
        elif not f.init:
            value = None  # the class attribute holds the default
        if f.init:
            if f.default is not MISSING:
                namespace[f"_default_{f.name}"] = f.default
                params.append(f"{f.name}=_default_{f.name}")
                seen_default = True
            elif f.default_factory is not MISSING:
                params.append(f"{f.name}=_HAS_FACTORY")
                seen_default = True
            elif seen_default:
                raise TypeError(f"{cls.__qualname__}: non-default argument {f.name!r} follows default argument")
            else:
                params.append(f.name)
        if value is None:
            continue
        if hasattr(_raw(cls, f.name).__class__, "__set__"):  # a data descriptor: assigned through it
            body.append(f"    _set(self, {f.name!r}, {value})" if frozen else f"    self.{f.name} = {value}")
        else:  # what object.__setattr__ does for a plain attribute, at half the cost
            body.append(f"    _d[{f.name!r}] = {value}")
    if any(line.startswith("    _d[") for line in body):
        body.insert(0, "    _d = self.__dict__")
    if hasattr(cls, "__post_init__"):
        body.append("    self.__post_init__()")
    return f"def __init__({', '.join(params)}):\n" + ("\n".join(body) or "    pass") + "\n"


def _key(names: tuple[str, ...]) -> Callable[[Any], tuple[Any, ...]]:
    """The tuple of the named attributes (what dataclasses compare and hash)."""
    if len(names) > 1:
        return attrgetter(*names)
    if names:
        get = attrgetter(names[0])
        return lambda obj: (get(obj),)
    return lambda obj: ()


def _methods(cls: type, fields: list[Field], eq: bool, order: bool, frozen: bool) -> dict[str, Any]:
    """``__repr__``, ``__eq__``, ``__hash__``, the order methods, ``__setattr__`` and ``__delattr__``."""
    shown = tuple(f.name for f in fields if f.repr)

    def __repr__(self: Any) -> str:
        return f"{self.__class__.__qualname__}({', '.join([f'{n}={getattr(self, n)!r}' for n in shown])})"

    methods: dict[str, Any] = {"__repr__": __repr__}
    compared = _key(tuple(f.name for f in fields if f.compare))
    if eq:
        def __eq__(self: Any, other: Any) -> Any:
            if other.__class__ is self.__class__:
                return compared(self) == compared(other)
            return NotImplemented

        methods["__eq__"] = __eq__
    if order:
        if not eq:
            raise ValueError("eq must be true if order is true")
        methods.update((name, _order_method(name, test, compared)) for name, test in (
            ("__lt__", tuple.__lt__), ("__le__", tuple.__le__), ("__gt__", tuple.__gt__), ("__ge__", tuple.__ge__)))
    if frozen:
        names = frozenset(f.name for f in fields)
        owner: Any = cls

        def __setattr__(self: Any, name: str, value: Any) -> None:
            if type(self) is cls or name in names:
                raise FrozenRecordError(f"cannot assign to field {name!r}")
            super(owner, self).__setattr__(name, value)

        def __delattr__(self: Any, name: str) -> None:
            if type(self) is cls or name in names:
                raise FrozenRecordError(f"cannot delete field {name!r}")
            super(owner, self).__delattr__(name)

        methods["__setattr__"] = __setattr__
        methods["__delattr__"] = __delattr__
    return methods


def _order_method(name: str, test: Callable[[tuple[Any, ...], tuple[Any, ...]], bool],
                  compared: Callable[[Any], tuple[Any, ...]]) -> Callable[[Any, Any], Any]:
    def method(self: Any, other: Any) -> Any:
        if other.__class__ is self.__class__:
            return test(compared(self), compared(other))
        return NotImplemented

    method.__name__ = name
    return method


def _build(cls: type, eq: bool, order: bool, frozen: bool) -> type:
    all_fields = _fields(cls)
    for base in cls.__mro__[1:-1]:
        if "__record_frozen__" in base.__dict__ and base.__dict__["__record_frozen__"] != frozen:
            raise TypeError(f"{cls.__qualname__}: a {'frozen' if frozen else 'mutable'} record cannot inherit "
                            f"from a {'mutable' if frozen else 'frozen'} one ({base.__qualname__})")
    fields = list(all_fields.values())
    namespace: dict[str, Any] = {"_set": object.__setattr__, "_HAS_FACTORY": MISSING}
    exec(_init_source(cls, fields, frozen, namespace), namespace)
    init = namespace["__init__"]
    init.__qualname__ = f"{cls.__qualname__}.__init__"
    methods = {"__init__": init, **_methods(cls, fields, eq, order, frozen)}
    own = cls.__dict__
    for name, method in methods.items():
        if name in own:  # written in the class body: kept, as dataclasses do (a frozen record's may not be)
            if name in ("__setattr__", "__delattr__"):
                raise TypeError(f"cannot overwrite attribute {name} in class {cls.__name__}")
            continue
        method.__qualname__ = f"{cls.__qualname__}.{name}"
        setattr(cls, name, method)
    # __hash__ as dataclasses decide it: kept when the class body defines it; identity with eq=False;
    # unhashable when mutable; else the hash of the compared (or hash=True) fields.
    explicit_hash = "__hash__" in own and not (own["__hash__"] is None and "__eq__" in own)
    if eq and not explicit_hash:
        if frozen:
            hashed = _key(tuple(f.name for f in fields if (f.compare if f.hash is None else f.hash)))

            def __hash__(self: Any) -> int:
                return hash(hashed(self))

            __hash__.__qualname__ = f"{cls.__qualname__}.__hash__"
            setattr(cls, "__hash__", __hash__)
        else:
            setattr(cls, "__hash__", None)
    setattr(cls, "__record_fields__", all_fields)
    setattr(cls, "__record_frozen__", frozen)
    setattr(cls, "__record_replace__", (tuple(f.name for f in fields if f.init),
                                        tuple(f.name for f in fields if not f.init)))
    if "__match_args__" not in own:
        setattr(cls, "__match_args__", tuple(f.name for f in fields if f.init))
    return cls
