"""The trusted person's pages, reached only by signed links (see tether.access.links)."""

from django.urls import path

from tether.network import trusted_views

urlpatterns = [
    path(
        "trusted/invitation/<str:token>/",
        trusted_views.invitation,
        name="trusted_invitation",
    ),
    path("trusted/check-in/<str:token>/", trusted_views.check_in, name="trusted_check_in"),
    path(
        "trusted/check-in/<str:token>/thanks/",
        trusted_views.check_in_thanks,
        name="trusted_check_in_thanks",
    ),
    path(
        "trusted/safety-plan/<str:token>/",
        trusted_views.safety_plan,
        name="trusted_safety_plan",
    ),
]
