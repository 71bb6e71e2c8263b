from django.urls import path

from tether.invitations import views

urlpatterns = [
    path("staff/invitations/", views.invitation_list, name="invitation_list"),
    path("staff/invitations/add-patient/", views.add_patient, name="invitation_add_patient"),
    path(
        "staff/patients/<uuid:patient_id>/invite/",
        views.invite_patient,
        name="invitation_invite_patient",
    ),
    path(
        "staff/invitations/<uuid:invitation_id>/resend/",
        views.resend_invitation,
        name="invitation_resend",
    ),
    path(
        "staff/invitations/<uuid:invitation_id>/withdraw/",
        views.withdraw_invitation,
        name="invitation_withdraw",
    ),
    # The patient's link: `token` is redacted from every log line (tether.lib.log_redaction).
    path("welcome/<str:token>/", views.accept_invitation, name="accept_invitation"),
    path("me/welcome/", views.first_run, name="first_run"),
]
