from django.urls import path

from tether.engagement import views, views_calendar, views_slots

urlpatterns = [
    path("me/appointments/", views.my_appointments, name="my_appointments"),
    path("me/appointments/peer-outreach/", views.my_peer_outreach, name="my_peer_outreach"),
    path("me/programs/", views.my_programs, name="my_programs"),
    path(
        "me/programs/<uuid:enrollment_id>/intake-call/",
        views_slots.book_my_intake,
        name="book_my_intake",
    ),
    path(
        "me/appointments/<uuid:appointment_id>/cancel/",
        views_slots.my_cancel_appointment,
        name="my_cancel_appointment",
    ),
    path(
        "me/appointments/<uuid:appointment_id>/reschedule/",
        views_slots.my_reschedule_appointment,
        name="my_reschedule_appointment",
    ),
    path("staff/availability/", views_slots.my_availability, name="my_availability"),
    path(
        "staff/patients/<uuid:patient_id>/slots/",
        views_slots.staff_book_slot,
        name="staff_book_slot",
    ),
    path("staff/outreach/", views.outreach_queue_page, name="outreach_queue"),
    path(
        "staff/outreach/<uuid:task_id>/attempts/", views.outreach_attempt, name="outreach_attempt"
    ),
    path(
        "staff/patients/<uuid:patient_id>/engagement/",
        views.staff_engagement,
        name="staff_engagement",
    ),
    path(
        "staff/patients/<uuid:patient_id>/appointments/",
        views.staff_book_appointment,
        name="staff_book_appointment",
    ),
    path(
        "staff/patients/<uuid:patient_id>/series/",
        views.staff_book_series,
        name="staff_book_series",
    ),
    path("staff/patients/<uuid:patient_id>/enroll/", views.staff_enroll, name="staff_enroll"),
    path(
        "staff/appointments/<uuid:appointment_id>/attendance/",
        views.staff_mark_attendance,
        name="staff_mark_attendance",
    ),
    path(
        "staff/enrollments/<uuid:enrollment_id>/intake/",
        views.staff_record_intake,
        name="staff_record_intake",
    ),
    # The calendar link is shown on the notifications page, so its reset lives beside it.
    path(
        "me/notifications/calendar/reset/",
        views_calendar.calendar_reset,
        name="calendar_feed_reset",
    ),
    path("calendar/<str:token>.ics", views_calendar.calendar_feed, name="calendar_feed"),
]
