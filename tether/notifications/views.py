"""Notification pages: the in-app list, each person's preferences (with the patient's
calendar link), failed deliveries for staff, and the calendar feed itself."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.db.models import Q
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from tether.access import get_own_patient, visible_patients
from tether.access.decorators import care_staff_required, patient_required
from tether.accounts.models import Role
from tether.engagement.calendar import BadFeedLink, calendar_for, feed_url, patient_for_token
from tether.engagement.calendar import reset_feed as reset_calendar_feed
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
def notification_list(request: HttpRequest) -> HttpResponse:
    page = Paginator(Notification.objects.filter(user=request.user), 50).get_page(
        request.GET.get("page")
    )
    return render(request, "notifications/list.html", {"page": page})


@login_required
@require_POST
def notifications_read(request: HttpRequest) -> HttpResponse:
    mark_all_read(request.user)
    return redirect("notification_list")


@login_required
@require_http_methods(["GET", "POST"])
def preferences(request: HttpRequest) -> HttpResponse:
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
                for name, problem in error.problems.items():
                    form.add_error(name, problem)
            else:
                messages.success(request, "Saved. We'll contact you the way you chose.")
                return redirect("notification_preferences")
        status = 400
    else:
        form = PreferenceForm(instance=preference)
    context = {"form": form, "zone": user_zone(user)}
    if user.role == Role.PATIENT:
        context["calendar_url"] = feed_url(get_own_patient(user))
    return render(request, "notifications/preferences.html", context, status=status)


@patient_required
@require_POST
def calendar_reset(request: HttpRequest) -> HttpResponse:
    reset_calendar_feed(get_own_patient(request.user))
    messages.success(request, "Your calendar link has been reset. The old link no longer works.")
    return redirect("notification_preferences")


@require_GET
def calendar_feed(request: HttpRequest, token: str) -> HttpResponse:
    try:
        patient = patient_for_token(token)
    except BadFeedLink:
        raise Http404("This calendar link has been reset or does not exist.") from None
    response = HttpResponse(calendar_for(patient), content_type="text/calendar; charset=utf-8")
    response["Content-Disposition"] = 'inline; filename="tether.ics"'
    response["Cache-Control"] = "private, no-store"
    response["X-Robots-Tag"] = "noindex"
    return response


@care_staff_required
def staff_deliveries(request: HttpRequest) -> HttpResponse:
    """Messages that failed: those still being retried and those out of attempts."""
    user = request.user
    mine = Q(patient__in=visible_patients(user)) | Q(user=user)
    if user.role == Role.ADMIN:
        mine |= Q(user__practice_id=user.practice_id)
    failed = (
        Delivery.objects.filter(mine, status=Delivery.Status.FAILED)
        .select_related("patient")
        .order_by("-created_at")
    )
    page = Paginator(failed, 50).get_page(request.GET.get("page"))
    return render(request, "notifications/staff_deliveries.html", {"page": page})
