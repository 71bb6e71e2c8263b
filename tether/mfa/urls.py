from django.urls import path

from tether.mfa import views

urlpatterns = [
    path("account/two-step/", views.verify, name="mfa_verify"),
    path("account/two-step/set-up/", views.enrol, name="mfa_enrol"),
    path("account/two-step/recovery-codes/", views.recovery_codes, name="mfa_recovery_codes"),
    path("account/two-step/settings/", views.settings_page, name="mfa_settings"),
    path(
        "account/two-step/new-recovery-codes/",
        views.new_recovery_codes,
        name="mfa_new_recovery_codes",
    ),
    path("account/two-step/turn-off/", views.turn_off, name="mfa_turn_off"),
    path("staff/two-step/", views.staff_factors, name="mfa_staff"),
    path("staff/two-step/<int:staff_id>/reset/", views.reset_factor, name="mfa_reset"),
]
