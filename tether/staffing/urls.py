from django.urls import path

from tether.staffing import views, views_practice

urlpatterns = [
    path("staff/team/", views.staff_list, name="staff_list"),
    path("staff/team/add/", views.staff_add, name="staff_add"),
    path("staff/team/<int:staff_id>/", views.staff_edit, name="staff_edit"),
    path("staff/team/<int:staff_id>/close/", views.staff_deactivate, name="staff_deactivate"),
    path("staff/team/<int:staff_id>/reopen/", views.staff_reactivate, name="staff_reactivate"),
    path("staff/team/<int:staff_id>/send-link/", views.staff_send_link, name="staff_send_link"),
    path("staff/team/<int:staff_id>/move-patients/", views.staff_reassign, name="staff_reassign"),
    path(
        "staff/patients/<uuid:patient_id>/care-team/",
        views_practice.care_team_edit,
        name="care_team_edit",
    ),
    path("staff/practice/", views_practice.practice_settings, name="practice_settings"),
]
