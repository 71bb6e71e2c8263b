"""The audit trail in Django's admin: read-only, since rows are only ever added."""

from typing import Any

from django.contrib import admin
from django.http import HttpRequest

from tether.audit.models import AuditEvent


@admin.register(AuditEvent)
class AuditEventAdmin(admin.ModelAdmin[AuditEvent]):
    list_display = ["at", "actor", "actor_label", "action", "what", "patient", "channel"]
    list_filter = ["action", "channel"]
    date_hierarchy = "at"

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False
