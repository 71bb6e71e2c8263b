"""Admin for people and care teams. Practices are in crisis/admin.py: their form is mostly
about how a risk alert reaches a person."""

from django.contrib import admin
from django.contrib.auth.admin import UserAdmin

from tether.accounts.models import CareTeamMember, Patient, User


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
