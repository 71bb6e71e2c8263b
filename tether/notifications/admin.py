from django.contrib import admin

from tether.notifications.models import (
    AppointmentReminder,
    CalendarFeed,
    Delivery,
    Notification,
    NotificationPreference,
    OutreachDigest,
)


@admin.register(Delivery)
class DeliveryAdmin(admin.ModelAdmin):
    list_display = (
        "created_at",
        "channel",
        "to",
        "purpose",
        "status",
        "attempts",
        "next_attempt_at",
        "error",
    )
    list_filter = ("channel", "status", "purpose")
    readonly_fields = [f.name for f in Delivery._meta.fields]


@admin.register(Notification)
class NotificationAdmin(admin.ModelAdmin):
    list_display = ("created_at", "user", "text", "purpose", "read_at")
    list_filter = ("purpose",)


@admin.register(NotificationPreference)
class NotificationPreferenceAdmin(admin.ModelAdmin):
    list_display = ("user", "email_enabled", "sms_enabled", "quiet_hours_start", "quiet_hours_end")


admin.site.register(AppointmentReminder)
admin.site.register(OutreachDigest)
admin.site.register(CalendarFeed)
