from django.urls import path

from tether.notifications import views

urlpatterns = [
    path("notifications/", views.notification_list, name="notification_list"),
    path("notifications/read/", views.notifications_read, name="notifications_read"),
    path("me/notifications/", views.preferences, name="notification_preferences"),
    path("staff/deliveries/", views.staff_deliveries, name="staff_deliveries"),
]
