from django.urls import path

from tether.assessments import views

urlpatterns = [
    path("me/check-in/<slug:code>/", views.take_assessment, name="take_assessment"),
    path("me/results/<uuid:assessment_id>/", views.assessment_result, name="assessment_result"),
    path(
        "staff/patients/<uuid:patient_id>/enter/<slug:code>/",
        views.enter_assessment,
        name="enter_assessment",
    ),
]
