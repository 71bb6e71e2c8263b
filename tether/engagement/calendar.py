"""The patient's appointments as an iCalendar feed (RFC 5545), behind a secret link.

The link carries a signed token (salt "tether.calendar") naming the patient and their feed's
token_version; resetting the link bumps the version, so every old link stops working.
Events say only what and with whom ("Check-in with Priya (phone)"): no clinical detail.
"""

from datetime import UTC, datetime
from urllib.parse import urlsplit
from uuid import UUID

from django.conf import settings
from django.core import signing
from django.db.models import F
from django.urls import reverse
from django.utils import timezone
from icalendar import Calendar, Event

from tether.accounts.models import Patient
from tether.engagement.models import Appointment
from tether.lib.urls import absolute_url
from tether.notifications.models import CalendarFeed

SALT = "tether.calendar"
CANCELLED = (
    Appointment.Attendance.CANCELLED_BY_PATIENT,
    Appointment.Attendance.CANCELLED_BY_PRACTICE,
)


class BadFeedLink(Exception):
    """The token is forged, malformed or from before the link was reset."""


def appointment_title(appointment: Appointment) -> str:
    """Return a plain title, e.g. "Check-in with Priya (phone)"."""
    title = appointment.get_kind_display()
    staff = appointment.staff
    if staff is not None:
        title += f" with {staff.first_name or staff.display_name}"
    return f"{title} ({appointment.get_mode_display().lower()})"


def _host() -> str:
    return urlsplit(settings.SITE_URL).hostname or "tether.invalid"


def calendar_for(patient: Patient) -> bytes:
    """Return the patient's non-cancelled appointments as an iCalendar document."""
    calendar = Calendar()
    calendar.add("prodid", "-//Tether//Appointments//EN")
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    calendar.add("x-wr-calname", "Tether appointments")
    host = _host()
    appointments = (
        Appointment.objects.filter(patient=patient)
        .exclude(attendance__in=CANCELLED)
        .select_related("staff")
        .order_by("starts_at")
    )
    for appointment in appointments:
        event = Event()
        event.add("uid", f"{appointment.pk}@{host}")
        event.add("dtstamp", (appointment.created_at or timezone.now()).astimezone(UTC))
        event.add("dtstart", appointment.starts_at.astimezone(UTC))
        event.add("dtend", appointment.ends_at.astimezone(UTC))
        event.add("summary", appointment_title(appointment))
        calendar.add_component(event)
    return calendar.to_ical()


# --- The secret link ------------------------------------------------------------------


def feed_for(patient: Patient) -> CalendarFeed:
    feed, _ = CalendarFeed.objects.get_or_create(patient=patient)
    return feed


def make_feed_token(patient: Patient) -> str:
    feed = feed_for(patient)
    return signing.dumps({"p": str(patient.pk), "v": feed.token_version}, salt=SALT)


def feed_url(patient: Patient) -> str:
    path = reverse("calendar_feed", args=[make_feed_token(patient)])
    return absolute_url(path)


def reset_feed(patient: Patient) -> CalendarFeed:
    """Retire every link made so far; the next link has a new version."""
    feed = feed_for(patient)
    CalendarFeed.objects.filter(pk=feed.pk).update(
        token_version=F("token_version") + 1, reset_at=datetime.now(UTC)
    )
    feed.refresh_from_db()
    return feed


def patient_for_token(token: str) -> Patient:
    """Return the patient a current feed token names, else raise BadFeedLink."""
    try:
        payload = signing.loads(token, salt=SALT)
        patient_id = UUID(str(payload["p"]))
        version = int(payload["v"])
    except (signing.BadSignature, KeyError, TypeError, ValueError):
        raise BadFeedLink from None
    feed = (
        CalendarFeed.objects.select_related("patient")
        .filter(patient_id=patient_id, token_version=version)
        .first()
    )
    if feed is None:
        raise BadFeedLink
    return feed.patient
