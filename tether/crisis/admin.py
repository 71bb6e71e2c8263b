from django.contrib import admin

from tether.crisis.models import AlertEvent, RiskAlert


class AlertEventInline(admin.TabularInline):
    model = AlertEvent
    extra = 0
    can_delete = False
    readonly_fields = ("kind", "actor", "at", "note")


@admin.register(RiskAlert)
class RiskAlertAdmin(admin.ModelAdmin):
    list_display = ("patient", "reason", "status", "created_at")
    list_filter = ("status", "reason")
    inlines = [AlertEventInline]
