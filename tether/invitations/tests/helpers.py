"""Shared helpers of the invitation tests."""

import re

from tether.accounts.models import Patient
from tether.notifications.models import Delivery

LINK = re.compile(r"https?://\S+/welcome/(?P<token>[^/\s]+)/")


def new_patient(people, **names) -> Patient:
    from tests.factories import make_patient

    return make_patient(
        practice=people.practice,
        coordinator=people.coordinator,
        clinicians=[people.clinician],
        with_account=False,
        first_name=names.get("first_name", "Robin"),
        last_name=names.get("last_name", "Hale"),
    )


def latest_token(patient: Patient, channel: str = Delivery.Channel.EMAIL) -> str:
    """Return the token of the newest invitation link sent to `patient`."""
    delivery = (
        Delivery.objects.filter(patient=patient, purpose="patient-invitation", channel=channel)
        .order_by("-created_at")
        .first()
    )
    assert delivery is not None
    match = LINK.search(delivery.body)
    assert match, delivery.body
    return match.group("token")


def path_of(token: str) -> str:
    return f"/welcome/{token}/"


GOOD = {
    "username": "robin.hale",
    "password1": "kettle mountain breakfast",
    "password2": "kettle mountain breakfast",
    "accepts_notice": "on",
    "accepts_messages": "on",
}
