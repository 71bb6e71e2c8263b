"""What a patient is told after they raise a risk alert: what will actually happen, and
when, never that someone was reached when nobody was. Shared by the web pages and the API."""

from datetime import datetime

from tether.accounts.models import Practice
from tether.accounts.selectors import practice_admins
from tether.crisis.escalation import PAGE_KINDS, on_call_at
from tether.crisis.models import RiskAlert
from tether.crisis.resources import resources_for

SPOKEN_METHODS = ("call", "text")


def _lower_first(text: str) -> str:
    return text[:1].lower() + text[1:]


def crisis_line_words(practice: Practice) -> str:
    """Return the practice's first crisis line in words, e.g. "988 Suicide & Crisis
    Lifeline: call 988 or text 988" (from the crisis-resources file, never hard-coded)."""
    resources = resources_for(country=practice.country, practice_slug=practice.slug)
    line = next((r for r in resources if r.kind == "crisis_line"), None)
    line = line or next((r for r in resources if r.is_crisis_line), None)
    if line is None:  # the file always has one for the fallback country; be safe anyway
        return "a crisis line"
    ways = [_lower_first(c.label) for c in line.contacts if c.method in SPOKEN_METHODS]
    ways = ways or [_lower_first(c.label) for c in line.contacts]
    return f"{line.name}: {' or '.join(ways)}" if ways else line.name


def emergency_words(practice: Practice) -> str:
    """Return how to reach emergency services, e.g. "call 911"; "" if the file has none."""
    resources = resources_for(country=practice.country, practice_slug=practice.slug)
    for resource in resources:
        if resource.kind == "emergency":
            for contact in resource.contacts:
                if contact.method == "call":
                    return _lower_first(contact.label)
    return ""


def minutes_words(minutes: int) -> str:
    return "1 minute" if minutes == 1 else f"{minutes} minutes"


def someone_was_paged(alert: RiskAlert) -> bool:
    """Return whether any staff member has been paged about the alert so far."""
    return alert.events.filter(kind__in=PAGE_KINDS, recipient__isnull=False).exists()


def patient_message_after_alert(alert: RiskAlert) -> str:
    """Return what to tell the patient once their alert is raised (or added to the alert
    already open): the care team was told and when to call the crisis line if nobody has
    been in touch; or, when nobody could be paged, to call the crisis line now."""
    practice = alert.patient.practice
    line = crisis_line_words(practice)
    emergency = emergency_words(practice)
    danger = f" If you are in danger right now, {emergency}." if emergency else ""
    if someone_was_paged(alert):
        return (
            "Thank you for telling us. We've let your care team know. If you haven't heard "
            f"from us in {minutes_words(practice.alert_ack_minutes)}, please contact {line}."
            f"{danger}"
        )
    return (
        "Thank you for telling us. We couldn't reach anyone on your care team just now, so "
        f"please contact {line} now.{danger}"
    )


def can_page_now(practice: Practice, *, now: datetime) -> bool:
    """Return whether a new alert would reach a staff member now: someone active on call,
    or an active admin."""
    shift = on_call_at(practice, now)
    if shift is not None and any(
        u is not None and u.is_active for u in (shift.clinician, shift.backup)
    ):
        return True
    return practice_admins(practice.pk).exists()


def help_page_promise(practice: Practice, *, now: datetime) -> str:
    """Return what the "I'm not safe" button does, in words true for this practice now."""
    line = crisis_line_words(practice)
    if not can_page_now(practice, now=now):
        return (
            f"If you are not safe right now, please contact {line} now. You can also press "
            "the button to tell your care team, but nobody may see it straight away."
        )
    return (
        "If you are not safe right now, press the button and we'll let your care team know "
        f"straight away. If you haven't heard from us within "
        f"{minutes_words(practice.alert_ack_minutes)}, please contact {line}."
    )
