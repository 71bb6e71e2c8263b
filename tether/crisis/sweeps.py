"""The crisis layer's periodic sweeps (listed in settings.SWEEPS, run by tether.scheduling).

- escalate_unacknowledged_alerts: the next step of every open alert that is due.
- email_rota_gaps: each practice's admins hear once a day about gaps in the next 14 days'
  rota and anything that stops the practice paging someone.
"""

from datetime import datetime, time
from zoneinfo import ZoneInfo

from django.conf import settings
from django.db import transaction
from django.urls import reverse

from tether.accounts.models import Practice
from tether.accounts.selectors import practice_admins
from tether.crisis import escalation
from tether.crisis.rota import ROTA_GAP_DAYS, practice_paging_problems, rota_gaps
from tether.notifications.models import Delivery
from tether.notifications.services import queue_email

ROTA_EMAIL_LOCAL_TIME = time(7, 0)  # sent from 07:00 in the practice's time zone
ROTA_EMAIL_PURPOSE = "rota-gaps"


def escalate_unacknowledged_alerts(*, now: datetime) -> int:
    """Move every open risk alert whose next step is due (escalate or page again), once."""
    return escalation.escalate_unacknowledged_alerts(now=now)


def _when(start: datetime, end: datetime, zone: ZoneInfo) -> str:
    a, b = start.astimezone(zone), end.astimezone(zone)
    to = f"{b:%H:%M}" if a.date() == b.date() else f"{b:%a %-d %b %H:%M}"
    return f"- {a:%a %-d %b %H:%M} to {to}"


def rota_email_body(
    practice: Practice, *, gaps: list[tuple[datetime, datetime]], problems: list[str]
) -> str:
    """The admin's daily email: gaps in practice time, then what else stops paging."""
    zone = ZoneInfo(practice.time_zone)
    link = settings.SITE_URL.rstrip("/") + reverse("on_call")
    parts = [f"Good morning,\n\nThe on-call rota of {practice.name} needs you."]
    if gaps:
        parts.append(
            f"Nobody is on call at these times in the next {ROTA_GAP_DAYS} days "
            f"({practice.time_zone}); a risk alert raised then goes straight to the admins "
            "and the after-hours contact:\n" + "\n".join(_when(s, e, zone) for s, e in gaps)
        )
    if problems:
        parts.append("Also:\n" + "\n".join(f"- {p}" for p in problems))
    parts.append(f"Open the rota:\n{link}\n")
    return "\n\n".join(parts)


def email_rota_gaps(*, now: datetime) -> int:
    """Email each practice's active admins the gaps in its rota for the next 14 days (and
    any paging problem), at most once per admin per local day, from 07:00 practice time.
    Return how many emails were queued.

    Idempotent and safe with concurrent runs: the practice row is locked while its admins'
    deliveries for today are checked and queued, and the delivery records are the claim."""
    queued = 0
    for practice in Practice.objects.order_by("pk"):
        zone = ZoneInfo(practice.time_zone)
        local = now.astimezone(zone)
        if local.time() < ROTA_EMAIL_LOCAL_TIME:
            continue
        gaps = rota_gaps(practice, now=now)
        problems = practice_paging_problems(practice)
        if not gaps and not problems:
            continue
        day_start = local.replace(hour=0, minute=0, second=0, microsecond=0)
        with transaction.atomic():
            Practice.objects.select_for_update().filter(pk=practice.pk).first()
            told = set(
                Delivery.objects.filter(
                    purpose=ROTA_EMAIL_PURPOSE,
                    user__practice=practice,
                    created_at__gte=day_start,
                ).values_list("user_id", flat=True)
            )
            admins = practice_admins(practice.pk)
            body = rota_email_body(practice, gaps=gaps, problems=problems)
            subject = (
                f"On-call rota: {len(gaps)} gap(s) in the next {ROTA_GAP_DAYS} days"
                if gaps
                else "On-call rota: risk alerts may reach nobody"
            )
            for admin in admins.exclude(email="").exclude(pk__in=told):
                queue_email(
                    to=admin.email,
                    subject=subject,
                    body=body,
                    purpose=ROTA_EMAIL_PURPOSE,
                    user=admin,
                )
                queued += 1
    return queued
