"""The filters of the admins' audit report: a patient's name, a staff member, a date range."""

from datetime import date
from typing import Any

from django import forms
from django.db.models import QuerySet
from django.http import QueryDict

from tether.accounts.models import User
from tether.lib.forms import form_field, within_calendar


class ReportFilters(forms.Form):
    patient = forms.CharField(label="Patient name", required=False, max_length=100, strip=True)
    staff = forms.ModelChoiceField(
        label="Staff member", queryset=User.objects.none(), required=False, empty_label="Anyone"
    )
    start = forms.DateField(label="From", required=False, validators=[within_calendar])
    end = forms.DateField(label="To", required=False, validators=[within_calendar])

    def __init__(self, data: QueryDict, *, staff: QuerySet[User]) -> None:
        super().__init__(data)
        field = form_field(self, "staff", forms.ModelChoiceField)
        field.queryset = staff
        field.label_from_instance = _staff_label  # type: ignore[assignment]

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        start: date | None = cleaned.get("start")
        end: date | None = cleaned.get("end")
        if start and end and start > end:
            self.add_error("end", "The end date is before the start date.")
        return cleaned


def _staff_label(user: User) -> str:
    return f"{user.display_name} ({user.get_role_display().lower()})"
