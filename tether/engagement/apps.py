from django.apps import AppConfig


class EngagementConfig(AppConfig):
    name = "tether.engagement"
    label = "engagement"
    verbose_name = "Programs, appointments and outreach"

    def ready(self) -> None:
        from tether.crisis.signals import alert_resolved
        from tether.engagement.follow_up import plan_follow_up_for_resolved_alert

        # Resolving a risk alert plans its follow-up contact in the same transaction.
        alert_resolved.connect(
            plan_follow_up_for_resolved_alert, dispatch_uid="engagement.alert_follow_up"
        )
