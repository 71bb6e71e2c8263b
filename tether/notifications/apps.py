from django.apps import AppConfig


class NotificationsConfig(AppConfig):
    name = "tether.notifications"
    label = "notifications"
    verbose_name = "Notifications"
