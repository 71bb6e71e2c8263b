"""Issue 13: a peer supporter cannot be put on the risk-alert rota, by the service or by the
on-call page (which does not offer them); a shift a peer supporter already holds (from before
the rule, or the Django admin) stays, with a warning to the admin on the rota page."""

from datetime import UTC, datetime, timedelta

import pytest
import time_machine
from django.test import Client

from tether.crisis.models import OnCallShift
from tether.crisis.rota import ShiftInvalid, add_shift, shifts_held_by_others

NOW = datetime(2026, 11, 10, 14, 0, tzinfo=UTC)  # 09:00 in New York
ON_CALL = "/staff/on-call/"


@pytest.fixture(autouse=True)
def _now():
    with time_machine.travel(NOW, tick=False):
        yield


def _admin(people) -> Client:
    client = Client()
    client.force_login(people.admin)
    return client


@pytest.mark.parametrize("as_", ["clinician", "backup"])
def test_the_service_refuses_a_peer_supporter(people, as_):
    kwargs = {"clinician": people.clinician, "backup": None, as_: people.peer}

    with pytest.raises(ShiftInvalid, match="is a peer supporter"):
        add_shift(
            practice=people.practice,
            by=people.admin,
            starts_at=NOW,
            ends_at=NOW + timedelta(hours=8),
            **kwargs,
        )
    assert not OnCallShift.objects.exists()


def test_the_page_does_not_offer_a_peer_supporter(people):
    people.peer.first_name, people.peer.last_name = "Morgan", "Peer"
    people.peer.save(update_fields=["first_name", "last_name"])

    html = _admin(people).get(ON_CALL).content.decode()

    assert f'value="{people.clinician.pk}"' in html
    assert f'value="{people.admin.pk}"' in html
    assert f'value="{people.peer.pk}"' not in html
    assert f'value="{people.coordinator.pk}"' not in html


@pytest.mark.parametrize("field", ["clinician", "backup"])
def test_posting_a_peer_supporter_anyway_is_refused_plainly_and_saves_nothing(people, field):
    data = {
        "clinician": people.clinician.pk,
        "starts_at": "2026-11-12T08:00",
        "ends_at": "2026-11-12T20:00",
        field: people.peer.pk,
    }

    response = _admin(people).post(ON_CALL, data)

    assert response.status_code == 400
    assert "must be a clinician (or a practice admin)" in response.content.decode()
    assert not OnCallShift.objects.exists()


def test_a_shift_a_peer_supporter_already_holds_stays_with_a_warning(people):
    shift = OnCallShift.objects.create(  # as the Django admin could
        practice=people.practice,
        clinician=people.clinician,
        backup=people.peer,
        starts_at=NOW + timedelta(days=1),
        ends_at=NOW + timedelta(days=1, hours=12),
        created_by=people.admin,
    )

    (warning,) = shifts_held_by_others(people.practice, now=NOW)
    html = _admin(people).get(ON_CALL).content.decode()

    assert people.peer.display_name in warning and "is backup" in warning
    assert "peer supporter, who cannot answer risk alerts" in warning
    assert 'id="not-on-call"' in html and "cannot be on call" in html
    assert OnCallShift.objects.filter(pk=shift.pk).exists()
    # The rest of the staff read the rota without the admin's warning.
    client = Client()
    client.force_login(people.coordinator)
    assert 'id="not-on-call"' not in client.get(ON_CALL).content.decode()


def test_a_past_shift_of_a_peer_supporter_is_no_longer_warned_about(people):
    OnCallShift.objects.create(
        practice=people.practice,
        clinician=people.peer,
        starts_at=NOW - timedelta(days=2),
        ends_at=NOW - timedelta(days=1),
        created_by=people.admin,
    )

    assert shifts_held_by_others(people.practice, now=NOW) == []
