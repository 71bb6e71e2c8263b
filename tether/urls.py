from django.contrib import admin
from django.urls import include, path

from tether.api.api import api

urlpatterns = [
    path("", include("tether.accounts.urls")),
    path("", include("tether.signin.urls")),
    path("", include("tether.assessments.urls")),
    path("", include("tether.crisis.urls")),
    path("", include("tether.care.urls")),
    path("", include("tether.network.urls")),
    path("", include("tether.network.trusted_urls")),
    path("", include("tether.engagement.urls")),
    path("", include("tether.engagement.urls_programs")),
    path("", include("tether.notifications.urls")),
    path("", include("tether.peers.urls")),
    path("", include("tether.audit_views.urls")),
    path("", include("tether.mfa.urls")),
    path("", include("tether.api.token_urls")),
    path("", include("tether.staffing.urls")),
    path("", include("tether.invitations.urls")),
    path("api/v1/", api.urls),
    path("django-admin/", admin.site.urls),
]
