from django.urls import path

from tether.care import (
    views,
    views_home,
    views_outcomes,
    views_progress,
    views_registry,
    views_review,
)

urlpatterns = [
    path("me/", views.patient_home, name="patient_home"),
    path("staff/start/", views_home.staff_start, name="staff_start"),
    path("staff/caseload/", views.caseload_page, name="caseload"),
    path("staff/patients/<uuid:patient_id>/", views.staff_patient, name="staff_patient"),
    path(
        "staff/patients/<uuid:patient_id>/intake-summary/",
        views.intake_summary_page,
        name="intake_summary",
    ),
    # Measurement-based care (issue 6)
    path("staff/registry/", views_registry.registry_page, name="registry"),
    path("staff/registry.csv", views_registry.registry_csv, name="registry_csv"),
    path(
        "staff/patients/<uuid:patient_id>/episodes/start/",
        views_registry.start_episode_view,
        name="start_episode",
    ),
    path(
        "staff/episodes/<uuid:episode_id>/end/", views_registry.end_episode_view, name="end_episode"
    ),
    path("staff/case-review/", views_review.case_review, name="case_review"),
    path(
        "staff/case-review/episodes/<uuid:episode_id>/recommend/",
        views_review.recommend_view,
        name="recommend",
    ),
    path("staff/recommendations/", views_review.my_recommendations, name="my_recommendations"),
    path(
        "staff/recommendations/<uuid:recommendation_id>/close/",
        views_review.close_recommendation_view,
        name="close_recommendation",
    ),
    path("staff/outcomes/", views_outcomes.outcomes_page, name="outcomes"),
    path("me/progress/", views_progress.my_progress, name="my_progress"),
]
