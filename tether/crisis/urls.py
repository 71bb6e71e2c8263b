from django.urls import path

from tether.crisis import views, views_screening
from tether.crisis.urls_screener import urlpatterns as screener_urls

urlpatterns = [
    path("help/", views.help_now, name="help"),
    path("me/not-safe/", views.not_safe, name="not_safe"),
    path("staff/alerts/", views.alert_list, name="alert_list"),
    path(
        "staff/alerts/response-times/",
        views.alert_response_times,
        name="alert_response_times",
    ),
    path("staff/on-call/", views.on_call, name="on_call"),
    path("staff/on-call/<uuid:shift_id>/remove/", views.on_call_remove, name="on_call_remove"),
    path("staff/alerts/<uuid:alert_id>/", views.alert_detail, name="alert_detail"),
    path(
        "staff/alerts/<uuid:alert_id>/acknowledge/",
        views.alert_acknowledge,
        name="alert_acknowledge",
    ),
    path("staff/alerts/<uuid:alert_id>/resolve/", views.alert_resolve, name="alert_resolve"),
    path("staff/patients/<uuid:patient_id>/raise-alert/", views.alert_raise, name="alert_raise"),
    path("staff/screened/", views_screening.screened_list, name="screened_texts"),
]
urlpatterns += screener_urls
