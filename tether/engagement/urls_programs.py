"""The practice admin's program pages (views_programs), kept apart from engagement.urls."""

from django.urls import path

from tether.engagement import views_programs

urlpatterns = [
    path("staff/programs/", views_programs.program_list, name="program_list"),
    path("staff/programs/new/", views_programs.program_form, name="program_new"),
    path(
        "staff/programs/<uuid:program_id>/edit/",
        views_programs.program_form,
        name="program_edit",
    ),
    path(
        "staff/programs/<uuid:program_id>/archive/",
        views_programs.program_archive,
        name="program_archive",
    ),
]
