from django.urls import path

from tether.care import views

urlpatterns = [
    path("me/", views.patient_home, name="patient_home"),
    path("staff/caseload/", views.caseload_page, name="caseload"),
    path("staff/patients/<uuid:patient_id>/", views.staff_patient, name="staff_patient"),
    path(
        "staff/patients/<uuid:patient_id>/intake-summary/",
        views.intake_summary_page,
        name="intake_summary",
    ),
]
