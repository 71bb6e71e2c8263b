"""A practice admin resets a colleague's second factor (a lost phone): recorded in the audit
trail, the colleague sets up a new one at their next sign-in, and nobody else may."""

import pytest
from django.test import Client
from django.urls import reverse
from django_otp.plugins.otp_static.models import StaticDevice
from django_otp.plugins.otp_totp.models import TOTPDevice

from tests.second_factor import authenticator
from tether.audit.models import AuditEvent
from tether.mfa.tests.test_enforcement import SET_UP, sign_in_with_password


def _reset(people, by: str, whom) -> object:
    client = Client()
    client.force_login(getattr(people, by))
    return client.post(reverse("mfa_reset", args=[whom.pk]))


def test_an_admin_resets_a_colleagues_factor_and_it_is_recorded(people):
    authenticator(people.coordinator)
    StaticDevice.objects.create(user=people.coordinator, name="Recovery codes", confirmed=True)
    open_session = Client()
    open_session.force_login(people.coordinator)
    assert open_session.get(reverse("registry")).status_code == 200

    response = _reset(people, "admin", people.coordinator)

    assert response.status_code == 302
    assert not TOTPDevice.objects.filter(user=people.coordinator).exists()
    assert not StaticDevice.objects.filter(user=people.coordinator).exists()
    event = AuditEvent.objects.get(action=AuditEvent.Action.FACTOR_RESET)
    assert (event.actor, event.subject, event.practice) == (
        people.admin,
        people.coordinator,
        people.practice,
    )
    # The session they had open stops at the step; so does their next sign-in.
    assert open_session.get(reverse("registry"))["Location"].startswith(SET_UP)
    fresh = Client()
    sign_in_with_password(fresh, "coordinator")
    assert fresh.get(reverse("registry"))["Location"].startswith(SET_UP)


def test_the_admin_page_lists_colleagues_with_their_state(people):
    authenticator(people.clinician)
    client = Client()
    client.force_login(people.admin)

    page = client.get(reverse("mfa_staff")).content.decode()

    assert f'href="{reverse("mfa_reset", args=[people.clinician.pk])}"' in page
    assert "Not set up yet" in page  # the peer supporter, who never signed in
    assert people.outside_coordinator.display_name not in page
    assert f'href="{reverse("mfa_reset", args=[people.admin.pk])}"' not in page


@pytest.mark.parametrize("by", ["coordinator", "clinician", "peer", "other_clinician"])
def test_no_other_role_may_reset_anyones(people, by):
    authenticator(people.other_coordinator)

    assert _reset(people, by, people.other_coordinator).status_code == 404
    assert TOTPDevice.objects.filter(user=people.other_coordinator).exists()
    assert not AuditEvent.objects.filter(action=AuditEvent.Action.FACTOR_RESET).exists()


def test_a_patient_may_not_and_gets_404(people):
    client = Client()
    client.force_login(people.patient.user)

    assert client.post(reverse("mfa_reset", args=[people.coordinator.pk])).status_code == 404
    assert client.get(reverse("mfa_staff")).status_code == 404


@pytest.mark.parametrize(
    ("by", "whom"),
    [
        ("outside_admin", "coordinator"),  # another practice's staff
        ("admin", "outside_coordinator"),
        ("admin", "admin"),  # their own: on their own page
    ],
)
def test_an_admin_resets_only_their_own_practices_other_staff(people, by, whom):
    target = getattr(people, whom)
    authenticator(target)

    assert _reset(people, by, target).status_code == 404
    assert TOTPDevice.objects.filter(user=target).exists()


def test_a_patient_account_is_not_a_colleague(people):
    assert _reset(people, "admin", people.patient.user).status_code == 404
