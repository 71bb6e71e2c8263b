from django.apps import AppConfig


class NetworkConfig(AppConfig):
    name = "tether.network"
    label = "network"
    verbose_name = "Support network"

    def ready(self) -> None:
        from tether.crisis.signals import alert_raised
        from tether.network.plan_email import email_plan_link_on_alert

        # A new risk alert emails the patient their safety plan link, in the same transaction.
        alert_raised.connect(email_plan_link_on_alert, dispatch_uid="network.plan_link_email")
