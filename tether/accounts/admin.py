from django import forms
from django.contrib import admin, messages
from django.contrib.auth.admin import UserAdmin

from tether.accounts.models import CareTeamMember, Patient, Practice, User
from tether.lib.phones import normalise_phone


@admin.register(User)
class TetherUserAdmin(UserAdmin):
    fieldsets = (*(UserAdmin.fieldsets or ()), ("Tether", {"fields": ("practice", "role")}))
    list_display = ("username", "first_name", "last_name", "role", "practice", "is_active")
    list_filter = ("role", "practice", "is_active")


class CareTeamInline(admin.TabularInline):
    model = CareTeamMember
    extra = 0


@admin.register(Patient)
class PatientAdmin(admin.ModelAdmin):
    list_display = ("last_name", "first_name", "practice")
    inlines = [CareTeamInline]


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
        from tether.crisis.rota import NO_AFTER_HOURS_PHONE

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
        from tether.engagement.follow_up import FOLLOW_UP_MAX_HOURS, FOLLOW_UP_MIN_HOURS

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
        from tether.crisis.rota import practice_paging_problems

        for problem in practice_paging_problems(obj):
            messages.warning(request, problem)
