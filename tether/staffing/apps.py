from django.apps import AppConfig


class StaffingConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "tether.staffing"
    verbose_name = "Staff, care teams and practice settings"
