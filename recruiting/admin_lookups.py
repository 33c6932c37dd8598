"""
What the admin's change lists take from their URL: their own filters' parameters
(list_filter, date_hierarchy), each with a value its field accepts, and nothing else.

Django lets any staff member filter a list by any lookup on the model's own fields: with
`?id=1&token__regex=^a` a reviewer could recover an applicant's status token a few
characters at a time. Values the database cannot take (an invalid regular expression, the
year 99999, a 23-digit id, a NUL character) went on to the query and came back as a 500.
Here such a URL is refused before any query runs: Django answers a refused lookup
(DisallowedModelAdminLookup) with the 400 page, and logs it as a security event.
"""

import datetime
import re

from django.contrib.admin import SimpleListFilter, widgets
from django.contrib.admin.exceptions import DisallowedModelAdminLookup
from django.contrib.admin.utils import get_fields_from_path
from django.core.exceptions import FieldDoesNotExist, ValidationError
from django.db.models.constants import LOOKUP_SEP

# Fields no URL may filter by, whatever the admin's filters: they hold secrets.
SECRET_FIELDS = {
    "recruiting.application": {"token"},  # the key of the applicant's status page
    "recruiting.message": {"body"},  # an e-mail's text holds the status link
    "auth.user": {"password"},
}

# The lookups Django's field filters put in the URL (ChoicesFieldListFilter,
# DateFieldListFilter, AllValuesFieldListFilter...; a relation's: "<pk name>__exact").
FIELD_FILTER_LOOKUPS = {"", "exact", "gte", "lt"}
ANY_VALUE_LOOKUPS = {"isnull", "isempty"}  # the filter reads the value as a yes or no
DATE_HIERARCHY_PARTS = {"year": 9999, "month": 12, "day": 31}


def is_secret(field):
    model = getattr(field, "model", None)
    return (
        getattr(field, "concrete", False)
        and model is not None
        and field.name in SECRET_FIELDS.get(model._meta.label_lower, ())
    )


def field_filter_accepts(model, path, lookup, value):
    """Whether `lookup=value` is a parameter the field filter on `path` makes."""
    if lookup != path and not lookup.startswith(path + LOOKUP_SEP):
        return False
    rest = lookup[len(path) :].removeprefix(LOOKUP_SEP)
    try:
        fields = get_fields_from_path(model, path)
    except (FieldDoesNotExist, AttributeError):
        return False
    if any(is_secret(field) for field in fields):
        return False
    field = fields[-1]
    if rest in ANY_VALUE_LOOKUPS:
        return True
    if field.is_relation:
        field = field.target_field
        if rest != f"{field.name}{LOOKUP_SEP}exact":
            return False
    elif rest not in FIELD_FILTER_LOOKUPS:
        return False
    return value_fits(field, value)


def value_fits(field, value):
    """Whether the field takes the value: its type, choices and range (an id's included)."""
    try:
        cleaned = field.clean(value, None)
    except ValidationError:
        return False
    if isinstance(cleaned, datetime.datetime) and cleaned.tzinfo is not None:
        try:  # 0001-01-01 00:00+14:00 is a valid value, yet no date in UTC
            cleaned.astimezone(datetime.UTC)
        except OverflowError:
            return False
    return True


def date_hierarchy_accepts(date_hierarchy, lookup, value):
    """Whether `lookup=value` is a year, month or day of the list's date hierarchy."""
    for part, highest in DATE_HIERARCHY_PARTS.items():
        if lookup == f"{date_hierarchy}{LOOKUP_SEP}{part}":
            return re.fullmatch(r"[0-9]{1,4}", value) is not None and 1 <= int(value) <= highest
    return False


class FilterParametersOnly:
    """
    ModelAdmin mixin: the change list filters by its own filters' parameters only, each
    with a value its field takes; any other lookup (a secret field's above all) is
    refused with a 400. A SimpleListFilter checks its own value (OfferedChoicesFilter).
    """

    def lookup_allowed(self, lookup, value, request=None):
        if "\x00" in value:  # no column holds one: PostgreSQL fails the query on it
            return False
        if self.is_limit_choices_lookup(lookup, value):
            return True
        if self.date_hierarchy and date_hierarchy_accepts(self.date_hierarchy, lookup, value):
            return True
        list_filter = self.get_list_filter(request) if request is not None else self.list_filter
        for item in list_filter:
            if isinstance(item, type) and issubclass(item, SimpleListFilter):
                if lookup == item.parameter_name:
                    return True
            else:
                path = item[0] if isinstance(item, list | tuple) else item
                if isinstance(path, str) and field_filter_accepts(self.model, path, lookup, value):
                    return True
        return False

    def is_limit_choices_lookup(self, lookup, value):
        """A raw-id popup filters by a ForeignKey's limit_choices_to, as Django allows."""
        for fk_lookup in self.model._meta.related_fkey_lookups:
            if callable(fk_lookup):
                fk_lookup = fk_lookup()
            if (lookup, value) in widgets.url_params_from_lookup_dict(fk_lookup).items():
                return True
        return False


class OfferedChoicesFilter(SimpleListFilter):
    """
    A simple list filter that takes only the values it offers: any other is a 400. Where
    each choice is one fixed condition, `conditions` ({value: Q}) is all its queryset().
    """

    conditions = {}

    def queryset(self, request, queryset):
        condition = self.conditions.get(self.value())
        return queryset if condition is None else queryset.filter(condition)

    def __init__(self, request, params, model, model_admin):
        super().__init__(request, params, model, model_admin)
        value = self.value()
        if value is not None and value not in {str(choice) for choice, _ in self.lookup_choices}:
            raise DisallowedModelAdminLookup(
                f"Filtering by {self.parameter_name} with a value it does not offer"
            )
