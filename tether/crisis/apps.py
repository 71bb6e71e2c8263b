from django.apps import AppConfig


class CrisisConfig(AppConfig):
    name = "tether.crisis"
    label = "crisis"
    verbose_name = "Crisis layer"
