from django.apps import AppConfig


class NetworkConfig(AppConfig):
    name = "tether.network"
    label = "network"
    verbose_name = "Support network"
