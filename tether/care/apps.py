from django.apps import AppConfig
from django.db.models.signals import post_migrate


class CareConfig(AppConfig):
    name = "tether.care"
    label = "care"
    verbose_name = "Measurement-based care"

    def ready(self) -> None:
        from tether.care import signals  # noqa: F401  (connects the registry's receivers)

        post_migrate.connect(_build_missing_entries, sender=self)


def _build_missing_entries(**kwargs: object) -> None:
    """Build the registry entries of a database that has patients but none yet (the first
    migrate after upgrading); from then on every write keeps them current."""
    from tether.accounts.models import Patient
    from tether.care.entries import refresh_everyone
    from tether.care.models import RegistryEntry

    if Patient.objects.exists() and not RegistryEntry.objects.exists():
        refresh_everyone()
