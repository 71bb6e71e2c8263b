"""A form's own fields, by the kind they were declared as, the problems a service found with
its input shown on it, and the calendar bounds of a date field."""

from datetime import date
from typing import TypeVar

from django import forms
from django.core.exceptions import ValidationError

from tether.lib.bounds import date_problem
from tether.lib.errors import Invalid

FieldT = TypeVar("FieldT", bound=forms.Field)


def form_field(form: forms.BaseForm, name: str, kind: type[FieldT]) -> FieldT:
    """Return the bound form's own copy of its field `name`, checked to be a `kind`.

    `form.fields` is typed as plain Fields, so setting a ChoiceField's choices or a
    ModelChoiceField's queryset in `__init__` needs the field's real kind; a field declared as
    something else raises TypeError rather than being changed blindly."""
    field = form.fields[name]
    if not isinstance(field, kind):
        raise TypeError(f"{name} is a {type(field).__name__}, not a {kind.__name__}")
    return field


def add_problems(form: forms.BaseForm, error: Invalid) -> None:
    """Show each problem a service found on the form: beside its field when the form has one
    by that name, otherwise above the form (a service may name a field the form does not)."""
    for field, message in error.problems.items():
        form.add_error(field if field in form.fields else None, message)


def within_calendar(value: date) -> None:
    """Validator for a DateField or DateTimeField: years 1900 to 2100 and a real UTC offset
    (tether.lib.bounds), so a far date is a form error rather than an overflow later."""
    problem = date_problem(value)
    if problem:
        raise ValidationError(problem, code="out_of_range")
