from django.apps import AppConfig


class AssessmentsConfig(AppConfig):
    name = "tether.assessments"
    label = "assessments"
    verbose_name = "Self-assessments"
