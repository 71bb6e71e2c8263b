"""A form's own fields, by the kind they were declared as."""

from typing import TypeVar

from django import forms

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
