"""
The reviewer's screen: where an application sits in the list the reviewer came from
(previous and next, keeping its filters and order), and the list's order made the same
on every database.

Neighbours are found by keyset: "the first row after this one's values, in the list's
order", one indexed query each, whatever the size of the list; counting rows up to the
current one would read the whole list on every page.
"""

import functools
import operator
from dataclasses import dataclass

from django.core.exceptions import FieldDoesNotExist
from django.db.models import F, OrderBy, Q


@dataclass(frozen=True)
class Key:
    """One term of a list's order: a field (or annotation) name and its direction."""

    name: str
    descending: bool
    nullable: bool

    def order_by(self):
        """
        The term as the list orders by it. Nullable terms put None last both ways, so
        that the list and its keyset agree on SQLite and PostgreSQL (which differ).
        Non-null columns stay plain, so an index in their order still serves the list.
        """
        if not self.nullable:
            return f"-{self.name}" if self.descending else self.name
        expression = F(self.name)
        if self.descending:
            return expression.desc(nulls_last=True)
        return expression.asc(nulls_last=True)


def keys_of(ordering, opts):
    """
    The Keys of a ChangeList's ordering (strings like "-priority" or OrderBy of an F),
    or None if it has a term that is neither (then there are no neighbours to show).
    """
    keys = []
    for term in ordering:
        if isinstance(term, str):
            name, descending = term.lstrip("-"), term.startswith("-")
        elif isinstance(term, OrderBy) and isinstance(term.expression, F):
            name, descending = term.expression.name, term.descending
        else:
            return None
        if name == "?":
            return None
        keys.append(Key(name, descending, _nullable(opts, name)))
    return keys


def _nullable(opts, name):
    """Whether the column behind a lookup path may be NULL (annotations: assume so)."""
    if name == "pk":
        return False
    field = None
    for part in name.split("__"):
        try:
            field = opts.get_field(part)
        except FieldDoesNotExist:
            return True
        if field.null:
            return True
        if field.is_relation:
            if field.many_to_many or field.one_to_many:
                return True
            opts = field.related_model._meta
    return False


def _after(keys, values, *, forward):
    """
    The rows that come after (forward) or before the row with `values`, in the order
    of `keys`: the disjunction "equal on the first i keys, beyond on key i".
    """
    alternatives, equal = [], Q()
    for key in keys:
        value = values[key.name]
        # Beyond in the list's direction: the next larger value ascending, smaller
        # descending; None comes last either way.
        larger = key.descending != forward
        if value is None:
            beyond = None if forward else Q(**{f"{key.name}__isnull": False})
            same = Q(**{f"{key.name}__isnull": True})
        else:
            beyond = Q(**{f"{key.name}__{'gt' if larger else 'lt'}": value})
            if forward and key.nullable:
                beyond |= Q(**{f"{key.name}__isnull": True})
            same = Q(**{key.name: value})
        if beyond is not None:
            alternatives.append(equal & beyond)
        equal &= same
    if not alternatives:
        return None
    condition = functools.reduce(operator.or_, alternatives)
    first = keys[0]
    if not first.nullable and values[first.name] is not None:
        # Redundant, but it lets an index on the first key start at this row's value
        # rather than at the top of the list.
        larger = first.descending != forward
        lookup = "gte" if larger else "lte"
        condition &= Q(**{f"{first.name}__{lookup}": values[first.name]})
    return condition


@dataclass
class Neighbours:
    previous: int | None
    next: int | None


def neighbours(queryset, ordering, current):
    """
    The pks before and after `current` (a dict of its values of every key) in
    `queryset` ordered by `ordering` (Keys). `current` need not be in the queryset (a
    review just saved may have taken it out of "not yet reviewed by me").
    """
    ordered = queryset.order_by(*[key.order_by() for key in ordering])
    found = []
    for forward in (False, True):
        condition = _after(ordering, current, forward=forward)
        if condition is None:
            found.append(None)
            continue
        rows = ordered.filter(condition)
        if not forward:
            rows = rows.reverse()
        found.append(rows.values_list("pk", flat=True).first())
    return Neighbours(*found)
