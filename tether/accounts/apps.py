from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "tether.accounts"
    label = "accounts"
    verbose_name = "People and practices"

    def ready(self) -> None:
        from tether.accounts import tokens  # noqa: F401  (revokes tokens on password change)
