from django.apps import AppConfig


class MfaConfig(AppConfig):
    name = "tether.mfa"
    label = "mfa"
    verbose_name = "Two-step sign-in"

    def ready(self) -> None:
        from django.contrib.auth.signals import user_logged_in

        from tether.mfa.policy import remember_at_sign_in

        user_logged_in.connect(remember_at_sign_in, dispatch_uid="mfa.remember_at_sign_in")
