from django.contrib import admin

from tether.crisis.models import AlertEvent, OnCallShift, RiskAlert


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
