"""The Columbia screener's pages (views_screener), included from crisis/urls.py."""

from django.urls import path

from tether.crisis import views_screener

urlpatterns = [
    path("me/screener/", views_screener.my_screener, name="crisis_screener"),
    path(
        "me/screener/<uuid:screen_id>/",
        views_screener.my_screener_done,
        name="crisis_screener_done",
    ),
    path(
        "staff/patients/<uuid:patient_id>/screener/",
        views_screener.staff_screener,
        name="crisis_screener_staff",
    ),
]
