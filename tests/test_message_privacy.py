"""No email or text names a patient or a trusted person or says anything about their health:
a neutral line and a link (issue 12, finding 6). The demo world is loaded, every periodic
sweep runs over the next weeks (reminders, nudges, escalations, digests, the belonging
question, rota emails, retries), and the senders that answer a person's action are called
too (a trusted person's invitation, the plan link after a risk alert, an outreach task's
note to a trusted person); then every message queued is read."""

import re
from datetime import timedelta

import pytest
from django.conf import settings
from django.core.management import call_command
from django.utils import timezone
from django.utils.module_loading import import_string

from tether.accounts.models import Patient, Practice
from tether.network.models import ConsentScope, SupportContact
from tether.network.plan_email import email_safety_plan_link
from tether.network.services import invite_trusted_person, respond_to_invitation
from tether.notifications.models import Delivery

# Words that would tell a reader about someone's health or scores.
HEALTH = re.compile(
    r"\b(score\w*|phq|gad|c-ssrs|columbia|depress\w*|anxi\w*|diagnos\w*|psychiatr\w*|"
    r"self-harm|harming|overdue outreach|mood|panic|severe)\b",
    re.IGNORECASE,
)


@pytest.mark.django_db
def test_no_message_names_anyone_or_says_anything_about_their_health():
    call_command("load_demo", "--i-know-this-is-not-production", stdout=None)
    already = set(Delivery.objects.values_list("pk", flat=True))  # the demo's own history
    now = timezone.now()
    for patient in Patient.objects.exclude(user__email="")[:10]:
        email_safety_plan_link(patient)
    for contact in SupportContact.objects.filter(kind=SupportContact.Kind.TRUSTED_PERSON)[:5]:
        if contact.email:
            contact.invitation = SupportContact.Invitation.NOT_INVITED
            contact.save(update_fields=["invitation"])
            invite_trusted_person(
                contact=contact, scopes=list(ConsentScope.values), by=contact.patient.user
            )
            respond_to_invitation(contact=contact, accept=True)  # so nudges and notes follow
    for hours in range(0, 24 * 35, 17):  # every time of day, over five weeks
        for path in settings.SWEEPS:
            import_string(path)(now=now + timedelta(hours=hours))

    sent = Delivery.objects.exclude(pk__in=already)
    purposes = set(sent.values_list("purpose", flat=True))
    assert {
        "trusted-invitation",
        "trusted-nudge",
        "missed-session-trusted",
        "patient-plan-link",
        "appointment-reminder",
        "belonging-check",
        "outreach-digest",
        "outreach-escalated",
        "risk-alert",
        "risk-alert-after-hours",
        "rota-gaps",
    } <= purposes, purposes
    names = _names()
    practices = list(Practice.objects.values_list("name", flat=True))
    for delivery in sent:
        text = f"{delivery.subject}\n{delivery.body}"
        for practice in practices:  # staff's own practice ("Riverside Psychiatry"), not a person
            text = text.replace(practice, "the practice")
        found = [name for name in names if re.search(rf"\b{re.escape(name)}\b", text)]
        assert not found, (delivery.purpose, found, text)
        assert not HEALTH.search(text), (delivery.purpose, HEALTH.search(text), text)


def _names() -> set[str]:
    names: set[str] = set()
    for first, last, preferred in Patient.objects.values_list(
        "first_name", "last_name", "preferred_name"
    ):
        names |= {first, last, preferred}
    trusted = SupportContact.objects.filter(kind=SupportContact.Kind.TRUSTED_PERSON)
    for name in trusted.values_list("name", flat=True):
        names |= set(name.split())  # "Sam (neighbour)": its capitalised words are names
    return {name for name in names if len(name) > 2 and name.istitle()}
