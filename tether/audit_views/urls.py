from django.urls import path

from tether.audit_views import views

urlpatterns = [
    path("me/who-has-seen-my-record/", views.who_has_seen_my_record, name="who_has_seen_my_record"),
    path("staff/audit/", views.audit_report, name="audit_report"),
    path("staff/audit.csv", views.audit_report_csv, name="audit_report_csv"),
]
