"""Forms for booking, attendance, enrollment, the intake call and outreach attempts. Dates and
times are entered as local wall-clock values in a named zone; services store UTC."""

from zoneinfo import ZoneInfo

from django import forms

from tether.engagement.models import Appointment, AppointmentKind, OutreachAttempt, Program
from tether.lib.forms import form_field, within_calendar

EVERY_WEEKS_CHOICES = [(1, "Every week"), (2, "Every two weeks"), (4, "Every four weeks")]


class AppointmentForm(forms.Form):
    kind = forms.ChoiceField(choices=AppointmentKind.choices)
    mode = forms.ChoiceField(choices=Appointment.Mode.choices)
    starts_at = forms.DateTimeField(
        label="Starts (local time)",
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}),
        validators=[within_calendar],
    )
    duration_minutes = forms.IntegerField(min_value=5, max_value=480, initial=30)

    def __init__(self, *args, zone: str, **kwargs):
        super().__init__(*args, **kwargs)
        self.zone = zone
        self.fields["starts_at"].help_text = f"In {zone}."

    def clean_starts_at(self):
        value = self.cleaned_data["starts_at"]
        return value.replace(tzinfo=ZoneInfo(self.zone)) if value.tzinfo is None else value


class SeriesForm(forms.Form):
    mode = forms.ChoiceField(choices=Appointment.Mode.choices)
    every_weeks = forms.TypedChoiceField(choices=EVERY_WEEKS_CHOICES, coerce=int)
    first_date = forms.DateField(
        widget=forms.DateInput(attrs={"type": "date"}), validators=[within_calendar]
    )
    local_start_time = forms.TimeField(
        label="Local start time", widget=forms.TimeInput(attrs={"type": "time"})
    )
    duration_minutes = forms.IntegerField(min_value=5, max_value=480, initial=30)
    time_zone = forms.CharField(max_length=64)
    count = forms.IntegerField(required=False, min_value=1, label="Number of check-ins")
    until = forms.DateField(
        required=False,
        label="Or until",
        widget=forms.DateInput(attrs={"type": "date"}),
        validators=[within_calendar],
    )


class AttendanceForm(forms.Form):
    attendance = forms.ChoiceField(
        choices=[c for c in Appointment.Attendance.choices if c[0] != "pending"]
    )


class EnrollForm(forms.Form):
    program = forms.ModelChoiceField(queryset=Program.objects.none())

    def __init__(self, *args, practice, **kwargs):
        super().__init__(*args, **kwargs)
        form_field(self, "program", forms.ModelChoiceField).queryset = Program.objects.filter(
            practice=practice, active=True
        )


class IntakeCallForm(forms.Form):
    at = forms.DateTimeField(
        label="When (local time)",
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}),
        validators=[within_calendar],
    )
    duration_minutes = forms.IntegerField(min_value=1, max_value=480, initial=20)
    outcome = forms.CharField(widget=forms.Textarea(attrs={"rows": 3}), max_length=2000)

    def __init__(self, *args, zone: str, **kwargs):
        super().__init__(*args, **kwargs)
        self.zone = zone

    def clean_at(self):
        value = self.cleaned_data["at"]
        return value.replace(tzinfo=ZoneInfo(self.zone)) if value.tzinfo is None else value


class AttemptForm(forms.Form):
    method = forms.ChoiceField(choices=OutreachAttempt.Method.choices)
    outcome = forms.ChoiceField(choices=OutreachAttempt.Outcome.choices)
    note = forms.CharField(required=False, max_length=1000)
