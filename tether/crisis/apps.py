from django.apps import AppConfig


class CrisisConfig(AppConfig):
    name = "tether.crisis"
    label = "crisis"
    verbose_name = "Crisis layer"

    def ready(self) -> None:
        from tether.crisis import checks  # noqa: F401  (registers the system checks)
