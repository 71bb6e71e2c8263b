from django.urls import path

from tether.network import safety_plan_views as plan
from tether.network import sharing_views, views

STAFF = "staff/patients/<uuid:patient_id>/"

urlpatterns = [
    # The patient's own pages.
    path("me/support/", views.my_support, name="my_support"),
    path("me/support/help-wanted/", views.help_wanted, name="support_help_wanted"),
    path("me/support/add/", views.support_add, name="support_add"),
    path("me/support/add/<slug:kind>/", views.support_add_kind, name="support_add_kind"),
    path("me/support/<uuid:contact_id>/edit/", views.support_edit, name="support_edit"),
    path("me/support/<uuid:contact_id>/remove/", views.support_remove, name="support_remove"),
    path("me/support/<uuid:contact_id>/invite/", views.support_invite, name="support_invite"),
    path("me/support/<uuid:contact_id>/sharing/", views.support_sharing, name="support_sharing"),
    path(
        "me/support/<uuid:contact_id>/stop-sharing/",
        views.support_stop_sharing,
        name="support_stop_sharing",
    ),
    path(
        "me/support/<uuid:contact_id>/suggested/share/",
        sharing_views.share_suggested_view,
        name="support_share_suggested",
    ),
    path(
        "me/support/<uuid:contact_id>/suggested/not-now/",
        sharing_views.suggestions_aside,
        name="support_suggestions_aside",
    ),
    path("me/safety-plan/", plan.safety_plan, name="safety_plan"),
    path("me/safety-plan/edit/", plan.safety_plan_edit, name="safety_plan_edit"),
    path("me/safety-plan/history/", plan.safety_plan_history, name="safety_plan_history"),
    path(
        "me/safety-plan/history/<int:version>/",
        plan.safety_plan_version,
        name="safety_plan_version",
    ),
    path("me/safety-plan/print/", plan.safety_plan_print, name="safety_plan_print"),
    path("me/safety-plan/card/", plan.safety_plan_card, name="safety_plan_card"),
    # The patient's own 24-hour link after a risk alert: no sign-in needed.
    path("plan/<str:token>/", plan.safety_plan_by_link, name="safety_plan_by_link"),
    # Care staff, working with the patient.
    path(STAFF + "support/", views.staff_support, name="staff_support"),
    path(STAFF + "support/add/", views.staff_support_add, name="staff_support_add"),
    path(
        STAFF + "support/add/<slug:kind>/",
        views.staff_support_add_kind,
        name="staff_support_add_kind",
    ),
    path(
        STAFF + "support/<uuid:contact_id>/edit/",
        views.staff_support_edit,
        name="staff_support_edit",
    ),
    path(
        STAFF + "support/<uuid:contact_id>/remove/",
        views.staff_support_remove,
        name="staff_support_remove",
    ),
    path(
        STAFF + "support/<uuid:contact_id>/suggest/",
        sharing_views.staff_suggest,
        name="staff_support_suggest",
    ),
    path(STAFF + "safety-plan/", plan.staff_safety_plan, name="staff_safety_plan"),
    path(STAFF + "safety-plan/edit/", plan.staff_safety_plan_edit, name="staff_safety_plan_edit"),
    path(
        STAFF + "safety-plan/history/",
        plan.staff_safety_plan_history,
        name="staff_safety_plan_history",
    ),
    path(
        STAFF + "safety-plan/history/<int:version>/",
        plan.staff_safety_plan_version,
        name="staff_safety_plan_version",
    ),
    path(
        STAFF + "safety-plan/print/", plan.staff_safety_plan_print, name="staff_safety_plan_print"
    ),
    path(STAFF + "safety-plan/card/", plan.staff_safety_plan_card, name="staff_safety_plan_card"),
]
