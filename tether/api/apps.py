from django.apps import AppConfig


class ApiConfig(AppConfig):
    name = "tether.api"
    label = "api"
    verbose_name = "REST API"
