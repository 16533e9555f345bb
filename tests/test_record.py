"""``@record`` behaves as the frozen ``@dataclass`` it replaces (checked against dataclasses itself)."""

from __future__ import annotations

import dataclasses
import pickle

import pytest

from optimizer.record import FrozenRecordError, field, record, replace


@record
class Point:
    x: int
    y: int = 0
    tags: tuple[str, ...] = ()


@dataclasses.dataclass(frozen=True)
class DataPoint:
    x: int
    y: int = 0
    tags: tuple[str, ...] = ()


@record
class Bag:
    name: str
    items: list[str] = field(default_factory=list)
    note: str = field(default="", compare=False, repr=False)
    cache: dict[str, int] = field(default_factory=dict, init=False, repr=False)
    weight: int = field(default=1, hash=False)


@record
class Weighed:
    name: str
    weight: int = field(default=1, hash=False)


@record(order=True)
class Span:
    start: int
    end: int
    text: str = ""


@dataclasses.dataclass(frozen=True, order=True)
class DataSpan:
    start: int
    end: int
    text: str = ""


@record(eq=False)
class Handle:
    name: str


@record(frozen=False)
class Tally:
    count: int = 0
    seen: list[str] = field(default_factory=list)


@record(eq=False)
class Sub(Handle):
    extra: list[str] = field(default_factory=list)


@record
class Checked:
    low: int
    high: int

    def __post_init__(self) -> None:
        if self.low > self.high:
            raise ValueError("low above high")


@record
class Single:
    only: str


@dataclasses.dataclass(frozen=True)
class DataSingle:
    only: str


def test_fields_in_order_with_defaults_positionally_and_by_name():
    assert (Point(1).x, Point(1).y, Point(1).tags) == (1, 0, ())
    assert Point(1, 2, ("a",)) == Point(x=1, tags=("a",), y=2)
    with pytest.raises(TypeError):
        Point()  # type: ignore[call-arg]
    with pytest.raises(TypeError):
        Point(1, 2, (), 4)  # type: ignore[call-arg]


def test_equal_only_to_the_same_class_with_the_same_fields():
    assert Point(1, 2) == Point(1, 2)
    assert Point(1, 2) != Point(2, 1)
    assert Point(1) != DataPoint(1)
    assert Point(1).__eq__((1, 0, ())) is NotImplemented


def test_hash_is_the_dataclass_hash_so_sets_and_dicts_keep_their_order():
    assert hash(Point(1, 2, ("a",))) == hash(DataPoint(1, 2, ("a",)))
    assert hash(Single("x")) == hash(DataSingle("x"))
    assert {Point(1): "a"}[Point(1)] == "a"
    assert len({Point(1), Point(1), Point(2)}) == 2


def test_repr_is_the_dataclass_repr():
    assert repr(Point(1, 2, ("a",))) == repr(DataPoint(1, 2, ("a",))).replace("DataPoint", "Point")
    assert repr(Bag("b")) == "Bag(name='b', items=[], weight=1)"


def test_assigning_or_deleting_a_field_of_a_frozen_record_fails():
    p = Point(1)
    with pytest.raises(FrozenRecordError, match="cannot assign to field 'x'"):
        p.x = 2  # type: ignore[misc]
    with pytest.raises(AttributeError):
        del p.y  # type: ignore[misc]
    with pytest.raises(FrozenRecordError):
        p.other = 1  # type: ignore[attr-defined]
    assert p.x == 1


def test_default_factory_makes_a_new_value_for_each_instance_and_init_false_fields_are_set():
    a, b = Bag("a"), Bag("b")
    a.items.append("x")
    a.cache["k"] = 1
    assert b.items == [] and b.cache == {}
    assert Bag("c", ["y"]).items == ["y"]
    with pytest.raises(TypeError):
        Bag("c", cache={})  # type: ignore[call-arg]


def test_compare_false_and_hash_false_fields():
    assert Bag("a", note="x") == Bag("a", note="y")
    assert hash(Weighed("a", 1)) == hash(Weighed("a", 2)) == hash(("a",))
    assert Weighed("a", 1) != Weighed("a", 2)


def test_replace_changes_the_named_fields_and_keeps_the_rest():
    p = Point(1, 2, ("a",))
    assert replace(p, y=5) == Point(1, 5, ("a",))
    assert p == Point(1, 2, ("a",))
    with pytest.raises(ValueError):
        replace(Bag("a"), cache={})
    with pytest.raises(TypeError):
        replace(p, z=1)
    with pytest.raises(TypeError):
        replace(DataPoint(1), y=2)


def test_order_compares_field_tuples_like_dataclasses():
    spans = [Span(3, 4), Span(1, 9, "b"), Span(1, 9, "a"), Span(1, 2)]
    data = [DataSpan(s.start, s.end, s.text) for s in spans]
    assert [(s.start, s.end, s.text) for s in sorted(spans)] == [(s.start, s.end, s.text) for s in sorted(data)]
    assert Span(1, 2) <= Span(1, 2) and Span(2, 0) > Span(1, 9) and Span(1, 2) >= Span(1, 2)
    with pytest.raises(TypeError):
        Span(1, 2) < (1, 2)  # type: ignore[operator]


def test_eq_false_keeps_identity_equality_and_hash():
    a, b = Handle("a"), Handle("a")
    assert a != b and a == a
    assert hash(a) == object.__hash__(a)


def test_a_mutable_record_can_be_assigned_and_is_not_hashable():
    t = Tally()
    t.count += 1
    t.seen.append("x")
    assert t == Tally(1, ["x"])
    with pytest.raises(TypeError):
        hash(t)


def test_a_subclass_record_has_the_base_fields_first():
    s = Sub("n", ["e"])
    assert (s.name, s.extra) == ("n", ["e"])
    assert repr(s) == "Sub(name='n', extra=['e'])"
    assert Sub.__match_args__ == ("name", "extra")
    with pytest.raises(FrozenRecordError):
        s.name = "m"  # type: ignore[misc]


def test_post_init_runs_after_the_fields_are_set():
    assert Checked(1, 2).high == 2
    with pytest.raises(ValueError, match="low above high"):
        Checked(3, 2)


def test_a_mutable_default_is_refused():
    with pytest.raises(ValueError, match="default_factory"):
        @record
        class Wrong:
            items: list[str] = []  # noqa: RUF012


def test_methods_written_in_the_class_body_are_kept():
    @record
    class Shown:
        x: int

        def __repr__(self) -> str:
            return "shown"

    assert repr(Shown(1)) == "shown" and Shown(1) == Shown(1)


class _Upper:
    """A data descriptor keeping its value upper-cased."""

    def __set_name__(self, owner: type, name: str) -> None:
        self.slot = "_" + name

    def __get__(self, obj: object, owner: type | None = None) -> str:
        return "default" if obj is None else str(obj.__dict__[self.slot])

    def __set__(self, obj: object, value: str) -> None:
        obj.__dict__[self.slot] = value.upper()


@pytest.mark.parametrize("frozen", [True, False])
def test_a_field_with_a_descriptor_is_assigned_through_it(frozen):
    @record(frozen=frozen)
    class Named:
        name: str = _Upper()  # type: ignore[assignment]

    assert (Named().name, Named("x").name) == ("DEFAULT", "X")


def test_records_pickle_and_match():
    assert pickle.loads(pickle.dumps(Point(1, 2))) == Point(1, 2)
    match Point(1, 2):
        case Point(x, y):
            assert (x, y) == (1, 2)
        case _:
            pytest.fail("Point did not match its fields")
