from django.apps import AppConfig


class AuditConfig(AppConfig):
    name = "tether.audit"

    def ready(self) -> None:
        from tether.audit.trail import write
        from tether.lib.reads import set_writer

        # The access doors note reads through tether.lib.reads; this app stores them.
        set_writer(write)
