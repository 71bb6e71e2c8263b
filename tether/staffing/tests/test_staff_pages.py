"""The admin's staff pages: only a practice's own admins open them; adding someone emails a
set-password link that works once; closing an account is refused while they hold work; a
departing clinician's patients move in one step, recorded, each patient told without names."""

from datetime import timedelta

import pytest
from django.core import mail
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from tether.accounts.models import CareTeamMember, Role, User
from tether.crisis.models import OnCallShift, RiskAlert
from tether.engagement.models import OutreachTask
from tether.notifications.models import Delivery, Notification
from tether.staffing.services import TEAM_CHANGED_BODY

NEW_STAFF = {
    "role": "clinician",
    "first_name": "Robin",
    "last_name": "Lee",
    "email": "robin.lee@example.org",
    "phone": "(617) 555-0134",
}


def as_user(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


@pytest.mark.parametrize("who", ["coordinator", "clinician", "peer", "patient"])
def test_it_is_404_for_everyone_but_admins(people, who):
    user = people.patient.user if who == "patient" else getattr(people, who)
    client = as_user(user)
    assert client.get(reverse("staff_list")).status_code == 404
    assert client.get(reverse("staff_add")).status_code == 404
    assert client.post(reverse("staff_add"), NEW_STAFF).status_code == 404
    assert client.get(reverse("practice_settings")).status_code == 404
    assert client.post(reverse("practice_settings"), {"name": "Mine now"}).status_code == 404
    assert not User.objects.filter(email=NEW_STAFF["email"]).exists()


@pytest.mark.parametrize("who", ["coordinator", "clinician", "peer", "patient", "outside_admin"])
def test_a_colleague_is_404_for_everyone_but_their_practices_admin(people, who):
    user = people.patient.user if who == "patient" else getattr(people, who)
    client = as_user(user)
    clinician = people.clinician.pk
    assert client.get(reverse("staff_edit", args=[clinician])).status_code == 404
    assert client.post(reverse("staff_edit", args=[clinician]), NEW_STAFF).status_code == 404
    assert client.post(reverse("staff_send_link", args=[clinician])).status_code == 404
    assert client.post(reverse("staff_deactivate", args=[people.peer.pk])).status_code == 404
    assert client.post(reverse("staff_reassign", args=[clinician])).status_code == 404
    people.clinician.refresh_from_db()
    people.peer.refresh_from_db()
    assert people.clinician.first_name != "Robin" and people.peer.is_active
    if who == "outside_admin":  # their own practice's pages show only their own people
        page = client.get(reverse("staff_list")).content.decode()
        assert f"/staff/team/{clinician}/" not in page
        assert f"/staff/team/{people.outside_clinician.pk}/" in page


def test_it_lists_staff_with_caseloads_against_the_limit(people):
    people.practice.caseload_limit = 1
    people.practice.save()
    CareTeamMember.objects.create(
        patient=people.other_patient, staff=people.clinician, team_role="clinician"
    )

    page = as_user(people.admin).get(reverse("staff_list")).content.decode()

    assert "2 of 1 patients" in page and "over the limit" in page
    assert people.other_clinician.display_name in page
    assert "outside_clinician" not in page


def test_it_adds_staff_and_the_emailed_link_sets_a_password_once(
    people, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        response = as_user(people.admin).post(reverse("staff_add"), NEW_STAFF)

    assert response.status_code == 302
    staff = User.objects.get(email="robin.lee@example.org")
    assert (staff.role, staff.practice, staff.phone) == (
        Role.CLINICIAN,
        people.practice,
        "+16175550134",
    )
    (email,) = mail.outbox
    assert email.to == ["robin.lee@example.org"]
    assert staff.username in email.body
    link = next(line for line in email.body.splitlines() if "/password/reset/" in line)
    path = link.split("://", 1)[1].split("/", 1)[1]
    client = Client()
    form = client.get("/" + path, follow=True)
    assert form.status_code == 200
    new = {
        "new_password1": "a long new pass phrase 42",
        "new_password2": "a long new pass phrase 42",
    }
    assert client.post(form.redirect_chain[-1][0], new).status_code == 302
    staff.refresh_from_db()
    assert staff.check_password(new["new_password1"])
    # Single use: the same link no longer offers the form.
    again = Client().get("/" + path, follow=True).content.decode()
    assert "new_password1" not in again


def test_it_refuses_a_bad_phone_and_saves_nothing(people):
    response = as_user(people.admin).post(reverse("staff_add"), {**NEW_STAFF, "phone": "12"})
    assert response.status_code == 200
    assert "phone number" in response.content.decode()
    assert not User.objects.filter(email="robin.lee@example.org").exists()


def test_it_edits_a_colleague(people):
    response = as_user(people.admin).post(
        reverse("staff_edit", args=[people.peer.pk]),
        {**NEW_STAFF, "role": "peer_supporter", "email": "peer@example.org"},
    )
    assert response.status_code == 302
    people.peer.refresh_from_db()
    assert (people.peer.first_name, people.peer.email) == ("Robin", "peer@example.org")


def test_a_clinician_with_patients_keeps_their_role(people):
    response = as_user(people.admin).post(
        reverse("staff_edit", args=[people.clinician.pk]), {**NEW_STAFF, "role": "coordinator"}
    )
    assert "Move their patients" in response.content.decode()
    people.clinician.refresh_from_db()
    assert people.clinician.role == Role.CLINICIAN


def test_closing_is_refused_while_they_hold_work_and_the_page_says_what(people):
    now = timezone.now()
    shift = OnCallShift.objects.create(
        practice=people.practice,
        clinician=people.other_clinician,
        starts_at=now - timedelta(hours=1),
        ends_at=now + timedelta(hours=8),
    )
    RiskAlert.objects.create(
        patient=people.patient, reason="phq9_item9", created_at=now, on_call_shift=shift
    )
    OutreachTask.objects.create(
        patient=people.patient, assigned_to=people.other_clinician, due_at=now, created_at=now
    )
    client = as_user(people.admin)

    response = client.post(reverse("staff_deactivate", args=[people.other_clinician.pk]))

    assert response.status_code == 409
    page = response.content.decode()
    assert "1 patient&#x27;s care team" in page
    assert "1 open risk alert" in page
    assert "1 open outreach task" in page
    assert "1 on-call shift" in page
    people.other_clinician.refresh_from_db()
    assert people.other_clinician.is_active


def test_a_colleague_without_work_is_closed_and_reopened(people):
    client = as_user(people.admin)
    response = client.post(reverse("staff_deactivate", args=[people.peer.pk]))
    assert response.status_code == 302
    people.peer.refresh_from_db()
    assert not people.peer.is_active
    assert people.peer.display_name in client.get(reverse("staff_list")).content.decode()

    client.post(reverse("staff_reactivate", args=[people.peer.pk]))
    people.peer.refresh_from_db()
    assert people.peer.is_active


def test_an_admin_cannot_close_their_own_account(people):
    response = as_user(people.admin).post(reverse("staff_deactivate", args=[people.admin.pk]))
    assert response.status_code == 400
    people.admin.refresh_from_db()
    assert people.admin.is_active


def test_reassignment_moves_every_patient_records_each_and_tells_them(
    people, django_capture_on_commit_callbacks
):
    # The clinician also joins the other patient's team, where other_clinician already is.
    CareTeamMember.objects.create(
        patient=people.other_patient, staff=people.clinician, team_role="clinician"
    )
    client = as_user(people.admin)

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("staff_reassign", args=[people.clinician.pk]),
            {"to": people.other_clinician.pk},
        )

    assert response.status_code == 302
    assert not CareTeamMember.objects.filter(staff=people.clinician).exists()
    for patient in (people.patient, people.other_patient):
        assert CareTeamMember.objects.filter(patient=patient, staff=people.other_clinician).exists()
        changes = CareTeamMember.history.filter(patient_id=patient.pk, history_user=people.admin)
        assert changes.count() == 1
        assert "Moved from" in changes.get().history_change_reason
        note = Notification.objects.get(user=patient.user, purpose="care-team-changed")
        assert "care team has changed" in note.text
    emails = Delivery.objects.filter(purpose="care-team-changed", channel="email")
    for delivery in emails:
        assert TEAM_CHANGED_BODY in delivery.body
        for name in ("Rivera", "Okafor", people.other_clinician.last_name, "Alex"):
            assert name not in delivery.body + delivery.subject
    # Now they hold nothing and can be closed.
    assert client.post(reverse("staff_deactivate", args=[people.clinician.pk])).status_code == 302


def test_reassignment_to_someone_of_another_role_or_practice_is_refused(people):
    client = as_user(people.admin)
    for to in (people.other_coordinator, people.outside_clinician):
        response = client.post(reverse("staff_reassign", args=[people.clinician.pk]), {"to": to.pk})
        assert response.status_code == 400
    assert CareTeamMember.objects.filter(staff=people.clinician).count() == 1
