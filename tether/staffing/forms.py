"""Forms of the staff, care-team and practice-settings pages. The rules are in services; the
forms turn what people typed into the services' arguments."""

from zoneinfo import ZoneInfo, ZoneInfoNotFoundError, available_timezones

from django import forms

from tether.accounts.models import (
    FOLLOW_UP_MAX_HOURS,
    FOLLOW_UP_MIN_HOURS,
    Practice,
    Role,
    User,
)
from tether.crisis.rota import after_hours_phone_problems
from tether.lib.forms import form_field
from tether.lib.phones import normalise_phone
from tether.staffing.services import StaffDetails

STAFF_ROLE_CHOICES = [(r.value, r.label) for r in Role if r != Role.PATIENT]


class StaffForm(forms.Form):
    role = forms.ChoiceField(choices=STAFF_ROLE_CHOICES)
    first_name = forms.CharField(max_length=150)
    last_name = forms.CharField(max_length=150)
    email = forms.EmailField(
        max_length=254, help_text="The link to set their password is sent here."
    )
    phone = forms.CharField(
        max_length=30, required=False, help_text="Optional. A mobile number, e.g. +1 555 123 4567."
    )

    def __init__(self, *args: object, country: str, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        self.country = country

    def clean_phone(self) -> str:
        raw = self.cleaned_data["phone"].strip()
        if not raw:
            return ""
        try:
            return normalise_phone(raw, country=self.country)
        except ValueError as error:
            raise forms.ValidationError(str(error)) from None

    def details(self) -> StaffDetails:
        data = self.cleaned_data
        return StaffDetails(
            role=data["role"],
            first_name=data["first_name"].strip(),
            last_name=data["last_name"].strip(),
            email=data["email"],
            phone=data["phone"],
        )

    @staticmethod
    def initial_for(staff: User) -> dict[str, str]:
        return {
            "role": staff.role,
            "first_name": staff.first_name,
            "last_name": staff.last_name,
            "email": staff.email,
            "phone": staff.phone,
        }


class StaffChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: User) -> str:
        return obj.display_name


class StaffMultipleChoiceField(forms.ModelMultipleChoiceField):
    def label_from_instance(self, obj: User) -> str:
        return obj.display_name


class ReassignForm(forms.Form):
    to = StaffChoiceField(queryset=User.objects.none(), label="Move all their patients to")

    def __init__(self, *args: object, colleagues: object, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        field = form_field(self, "to", forms.ModelChoiceField)
        field.queryset = colleagues  # type: ignore[assignment]


class CareTeamForm(forms.Form):
    coordinator = StaffChoiceField(queryset=User.objects.none(), label="Care coordinator")
    clinicians = StaffMultipleChoiceField(
        queryset=User.objects.none(),
        widget=forms.CheckboxSelectMultiple,
        help_text="At least one.",
    )

    def __init__(self, *args: object, coordinators: object, clinicians: object, **kwargs: object):
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        coordinator = form_field(self, "coordinator", forms.ModelChoiceField)
        coordinator.queryset = coordinators  # type: ignore[assignment]
        chosen = form_field(self, "clinicians", forms.ModelMultipleChoiceField)
        chosen.queryset = clinicians  # type: ignore[assignment]


class PracticeSettingsForm(forms.ModelForm):
    class Meta:
        model = Practice
        fields = [
            "name",
            "country",
            "time_zone",
            "business_hours_start",
            "business_hours_end",
            "after_hours_message",
            "after_hours_name",
            "after_hours_phone",
            "alert_ack_minutes",
            "repage_minutes",
            "follow_up_hours",
            "caseload_limit",
            "intake_target_days",
        ]
        labels = {
            "time_zone": "Time zone",
            "alert_ack_minutes": "Minutes before an unacknowledged risk alert escalates",
            "repage_minutes": "Minutes between pages while nobody has acknowledged",
            "follow_up_hours": "Hours within which someone contacts the patient after an alert",
            "caseload_limit": "Caseload limit (patients per clinician or coordinator)",
            "intake_target_days": "Offer a new patient's intake call within (days)",
            "after_hours_message": "After-hours message patients see",
            "after_hours_name": "After-hours contact (e.g. your answering service)",
            "after_hours_phone": "After-hours contact's phone",
        }
        help_texts = {
            "time_zone": "As in the tz database, e.g. America/New_York or Europe/London.",
            "after_hours_message": "Shown outside business hours. Blank: the standard text.",
        }
        widgets = {
            "business_hours_start": forms.TimeInput(attrs={"type": "time"}, format="%H:%M"),
            "business_hours_end": forms.TimeInput(attrs={"type": "time"}, format="%H:%M"),
            "after_hours_message": forms.Textarea(attrs={"rows": 3}),
        }

    def clean_time_zone(self) -> str:
        value = self.cleaned_data["time_zone"].strip()
        try:
            ZoneInfo(value)
        except (ZoneInfoNotFoundError, ValueError):
            raise forms.ValidationError(
                f"“{value}” isn't a time zone we know. Try a name such as America/New_York."
            ) from None
        if value not in available_timezones():
            raise forms.ValidationError(
                f"“{value}” isn't a time zone we know. Try a name such as America/New_York."
            )
        return value

    def clean_after_hours_phone(self) -> str:
        # Texted when nobody on the rota acknowledges a risk alert: required, as in the admin.
        raw = (self.cleaned_data.get("after_hours_phone") or "").strip()
        country = self.data.get("country") or "US"
        problems = after_hours_phone_problems(phone=raw, country=country)
        if problems:
            raise forms.ValidationError(problems[0])
        return normalise_phone(raw, country=country)

    def clean_alert_ack_minutes(self) -> int:
        return self._minutes("alert_ack_minutes")

    def clean_repage_minutes(self) -> int:
        return self._minutes("repage_minutes")

    def _minutes(self, name: str) -> int:
        value: int = self.cleaned_data[name]
        if not 1 <= value <= 60:
            raise forms.ValidationError("Please choose between 1 and 60 minutes.")
        return value

    def clean_follow_up_hours(self) -> int:
        value: int = self.cleaned_data["follow_up_hours"]
        if not FOLLOW_UP_MIN_HOURS <= value <= FOLLOW_UP_MAX_HOURS:
            raise forms.ValidationError(
                f"Please choose between {FOLLOW_UP_MIN_HOURS} and {FOLLOW_UP_MAX_HOURS} hours."
            )
        return value

    def clean(self) -> dict[str, object]:
        data = super().clean() or {}
        start, end = data.get("business_hours_start"), data.get("business_hours_end")
        if start and end and start >= end:
            self.add_error("business_hours_end", "Business hours must end after they start.")
        return data
