from django.apps import AppConfig


class EngagementConfig(AppConfig):
    name = "tether.engagement"
    label = "engagement"
    verbose_name = "Programs, appointments and outreach"
