"""Notification pages: the in-app list, each person's preferences (the patient's calendar
link on that page comes from engagement's template tag) and failed deliveries for staff."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods, require_POST

from tether.access import visible_deliveries
from tether.access.decorators import care_staff_required
from tether.accounts.http import AuthenticatedRequest
from tether.lib.forms import add_problems
from tether.lib.pagination import page_of
from tether.notifications.forms import PreferenceForm
from tether.notifications.models import Delivery, Notification, NotificationPreference
from tether.notifications.services import (
    PreferenceInvalid,
    mark_all_read,
    preference_for,
    save_preferences,
    user_zone,
)


@login_required
def notification_list(request: AuthenticatedRequest) -> HttpResponse:
    page = page_of(
        Notification.objects.filter(user=request.user), request.GET.get("page"), per_page=50
    )
    return render(request, "notifications/list.html", {"page": page})


@login_required
@require_POST
def notifications_read(request: AuthenticatedRequest) -> HttpResponse:
    mark_all_read(request.user)
    return redirect("notification_list")


@login_required
@require_http_methods(["GET", "POST"])
def preferences(request: AuthenticatedRequest) -> HttpResponse:
    user = request.user
    preference = preference_for(user)
    status = 200
    if request.method == "POST":
        form = PreferenceForm(request.POST, instance=NotificationPreference(user=user))
        if form.is_valid():
            data = form.cleaned_data
            try:
                save_preferences(
                    user=user,
                    email_enabled=data["email_enabled"],
                    sms_enabled=data["sms_enabled"],
                    phone=data["phone"],
                    quiet_hours_start=data["quiet_hours_start"],
                    quiet_hours_end=data["quiet_hours_end"],
                )
            except PreferenceInvalid as error:
                add_problems(form, error)
            else:
                messages.success(request, "Saved. We'll contact you the way you chose.")
                return redirect("notification_preferences")
        status = 400
    else:
        form = PreferenceForm(instance=preference)
    # A patient's calendar link shows here too (engagement_tags.calendar_link).
    context = {"form": form, "zone": user_zone(user)}
    return render(request, "notifications/preferences.html", context, status=status)


@care_staff_required
def staff_deliveries(request: AuthenticatedRequest) -> HttpResponse:
    """Messages that failed: those still being retried and those out of attempts."""
    failed = (
        visible_deliveries(request.user)
        .filter(status=Delivery.Status.FAILED)
        .select_related("patient")
        .order_by("-created_at")
    )
    page = page_of(failed, request.GET.get("page"), per_page=50)
    return render(request, "notifications/staff_deliveries.html", {"page": page})
