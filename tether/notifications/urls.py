from django.urls import path

from tether.notifications import views

urlpatterns = [
    path("notifications/", views.notification_list, name="notification_list"),
    path("notifications/read/", views.notifications_read, name="notifications_read"),
    path("me/notifications/", views.preferences, name="notification_preferences"),
    path("me/notifications/calendar/reset/", views.calendar_reset, name="calendar_feed_reset"),
    path("calendar/<str:token>.ics", views.calendar_feed, name="calendar_feed"),
    path("staff/deliveries/", views.staff_deliveries, name="staff_deliveries"),
]
