"""Admin for risk alerts, the on-call rota and practices. The Practice model is accounts', but
its form is mostly about how a risk alert reaches a person (the after-hours contact, minutes
to acknowledge and re-page, the follow-up window, the country's crisis lines), so it lives
here, checked by the crisis layer's rules."""

from django import forms
from django.contrib import admin, messages

from tether.accounts.models import FOLLOW_UP_MAX_HOURS, FOLLOW_UP_MIN_HOURS, Practice
from tether.crisis.models import AlertEvent, OnCallShift, RiskAlert
from tether.crisis.rota import NO_AFTER_HOURS_PHONE, practice_paging_problems
from tether.lib.phones import normalise_phone


class AlertEventInline(admin.TabularInline):
    model = AlertEvent
    extra = 0
    can_delete = False
    readonly_fields = ("kind", "actor", "recipient", "at", "note")


@admin.register(RiskAlert)
class RiskAlertAdmin(admin.ModelAdmin):
    list_display = ("patient", "reason", "status", "triage", "repage_count", "created_at")
    list_filter = ("status", "reason", "triage")
    inlines = [AlertEventInline]


@admin.register(OnCallShift)
class OnCallShiftAdmin(admin.ModelAdmin):
    """Read-only here: shifts are added on the on-call page, where the rota service checks
    that only active clinicians and admins are on call and that shifts do not overlap."""

    list_display = ("practice", "clinician", "backup", "starts_at", "ends_at")
    list_filter = ("practice",)

    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False


class PracticeAdminForm(forms.ModelForm):
    """A practice that cannot page anyone is refused here, at configuration time, rather
    than discovered during a crisis: it needs a valid after-hours phone, and sane timings."""

    class Meta:
        model = Practice
        fields = [
            "name",
            "slug",
            "country",
            "time_zone",
            "alert_ack_minutes",
            "repage_minutes",
            "after_hours_name",
            "after_hours_phone",
            "follow_up_hours",
        ]

    def clean_after_hours_phone(self) -> str:
        # The after-hours contact is texted when nobody on the rota acknowledges a risk alert.
        phone = (self.cleaned_data.get("after_hours_phone") or "").strip()
        if not phone:
            raise forms.ValidationError(NO_AFTER_HOURS_PHONE)
        try:
            return normalise_phone(phone, country=self.data.get("country") or "US")
        except ValueError as error:
            raise forms.ValidationError(str(error)) from None

    def clean_alert_ack_minutes(self) -> int:
        return self._at_least_one_minute("alert_ack_minutes")

    def clean_repage_minutes(self) -> int:
        return self._at_least_one_minute("repage_minutes")

    def _at_least_one_minute(self, name: str) -> int:
        value = self.cleaned_data.get(name)
        if value is None or value < 1:
            raise forms.ValidationError("Please give at least 1 minute.")
        return value

    def clean_follow_up_hours(self) -> int:
        value = self.cleaned_data.get("follow_up_hours")
        if value is None or not FOLLOW_UP_MIN_HOURS <= value <= FOLLOW_UP_MAX_HOURS:
            raise forms.ValidationError(
                f"A follow-up contact after a risk alert must be due within "
                f"{FOLLOW_UP_MIN_HOURS}–{FOLLOW_UP_MAX_HOURS} hours."
            )
        return value


@admin.register(Practice)
class PracticeAdmin(admin.ModelAdmin):
    form = PracticeAdminForm
    list_display = ("name", "country", "after_hours_name", "after_hours_phone")

    def save_model(self, request, obj, form, change) -> None:
        super().save_model(request, obj, form, change)
        for problem in practice_paging_problems(obj):
            messages.warning(request, problem)
