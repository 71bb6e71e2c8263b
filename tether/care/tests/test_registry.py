"""The registry page and CSV, and starting and ending treatment episodes, through HTTP."""

import csv
import io
from datetime import datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from tests.factories import make_patient
from tether.assessments.models import Assessment
from tether.care.models import CareSettings, TreatmentEpisode
from tether.care.targets import FLAG_LABELS, Flag
from tether.crisis.models import RiskAlert
from tether.engagement.models import Program

ZONE = ZoneInfo("America/New_York")  # the factory practice's time zone


def _today():
    return timezone.now().astimezone(ZONE).date()


def _at(days_ago: int) -> datetime:
    return datetime.combine(_today() - timedelta(days=days_ago), time(12), tzinfo=ZONE)


def _client(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def _score(patient, by, instrument: str, total: int, days_ago: int) -> Assessment:
    items = 9 if instrument == "phq9" else 7
    answers = [min(3, max(0, total - 3 * i)) for i in range(items)]
    answers[-1] += total - sum(answers)  # a total above what the items hold never happens here
    return Assessment.objects.create(
        patient=patient,
        instrument=instrument,
        answers=answers,
        total=total,
        severity="moderate",
        source="self_report",
        entered_by=by,
        completed_at=_at(days_ago),
    )


def _in_treatment(people, last_name: str, *, weeks: int, phq9=(), gad7=(), program=None):
    """A patient of `people.coordinator` with an episode started `weeks` ago and scores given
    as (total, days_ago)."""
    patient = make_patient(
        practice=people.practice,
        coordinator=people.coordinator,
        clinicians=[people.clinician],
        with_account=False,
        first_name="Pat",
        last_name=last_name,
    )
    TreatmentEpisode.objects.create(
        patient=patient,
        started_on=_today() - timedelta(weeks=weeks),
        program=program,
        started_by=people.coordinator,
    )
    for total, days_ago in phq9:
        _score(patient, people.coordinator, "phq9", total, days_ago)
    for total, days_ago in gad7:
        _score(patient, people.coordinator, "gad7", total, days_ago)
    return patient


@pytest.fixture
def caseload(people):
    """Five patients in treatment, one per level of need; names run against the need order."""
    alert = _in_treatment(people, "Zed", weeks=3, phq9=[(15, 21), (14, 2)])
    RiskAlert.objects.create(
        patient=alert,
        reason=RiskAlert.Reason.PHQ9_ITEM9,
        raised_by=people.coordinator,
        created_at=_at(2),
    )
    return {
        "alert": alert,
        "change_plan": _in_treatment(people, "Young", weeks=12, phq9=[(18, 84), (16, 7)]),
        "not_improving": _in_treatment(people, "Xu", weeks=9, phq9=[(18, 63), (15, 3)]),
        "overdue": _in_treatment(people, "Walker", weeks=6, phq9=[(18, 42), (12, 35)]),
        "on_track": _in_treatment(
            people, "Adams", weeks=4, phq9=[(16, 28), (7, 3)], gad7=[(12, 28), (6, 3)]
        ),
    }


def _listed(response, patient) -> bool:
    """Whether the page links to the patient (names alone may match a staff member's)."""
    return reverse("staff_patient", args=[patient.pk]) in response.content.decode()


def _order(content: str, names) -> list[str]:
    return sorted(names, key=lambda n: content.index(f">{n}, "))


# --- The page ------------------------------------------------------------------------------


def test_it_orders_the_caseload_by_need(people, caseload):
    response = _client(people.coordinator).get(reverse("registry"))
    assert response.status_code == 200
    content = response.content.decode()
    names = ["Adams", "Walker", "Xu", "Young", "Zed", "Rivera"]
    assert _order(content, names) == ["Zed", "Young", "Xu", "Walker", "Adams", "Rivera"]
    for flag in (Flag.OPEN_ALERT, Flag.CHANGE_PLAN, Flag.NOT_IMPROVING, Flag.REASSESSMENT_OVERDUE):
        assert FLAG_LABELS[flag] in content


def test_it_shows_baseline_latest_and_change(people, caseload):
    content = _client(people.coordinator).get(reverse("registry")).content.decode()
    row = content[content.index(">Adams, ") :].split("</tr>")[0]
    assert "<strong>7</strong>" in row and "from 16 (−56%)" in row  # PHQ-9
    assert "<strong>6</strong>" in row and "from 12 (−50%)" in row  # GAD-7
    assert ">4<" in row  # weeks in treatment


def test_it_shows_a_coordinator_only_their_own_caseload(people, caseload):
    response = _client(people.other_coordinator).get(reverse("registry"))
    assert _listed(response, people.other_patient)
    assert not _listed(response, people.patient) and not _listed(response, caseload["alert"])


def test_it_shows_a_clinician_their_patients(people, caseload):
    response = _client(people.other_clinician).get(reverse("registry"))
    assert _listed(response, people.other_patient) and not _listed(response, people.patient)


def test_it_lets_an_admin_choose_a_coordinator(people, caseload):
    client = _client(people.admin)
    everyone = client.get(reverse("registry")).content.decode()
    assert "Okafor" in everyone and "Zed" in everyone
    theirs = client.get(reverse("registry"), {"coordinator": people.other_coordinator.pk})
    assert "Okafor, " in theirs.content.decode() and "Zed, " not in theirs.content.decode()


def test_it_filters_by_flag_program_and_clinician(people, caseload):
    program = Program.objects.create(practice=people.practice, name="Guided CBT")
    _in_treatment(people, "Vance", weeks=1, phq9=[(14, 6)], program=program)
    client = _client(people.admin)

    content = client.get(reverse("registry"), {"flag": "not_improving"}).content.decode()
    assert "Xu, " in content and "Young, " not in content and "Zed, " not in content

    content = client.get(reverse("registry"), {"program": program.pk}).content.decode()
    assert "Vance, " in content and "Xu, " not in content

    content = client.get(reverse("registry"), {"clinician": people.other_clinician.pk})
    assert "Okafor, " in content.content.decode() and "Zed, " not in content.content.decode()


@pytest.mark.parametrize(
    "query, message",
    [
        ({"flag": "sad"}, "Unknown flag"),
        ({"program": "not-a-uuid"}, "Unknown program"),
        ({"clinician": "999999"}, "Unknown clinician"),
        ({"coordinator": "abc"}, "Unknown coordinator"),
    ],
)
def test_it_ignores_unknown_filters_with_a_message(people, caseload, query, message):
    response = _client(people.admin).get(reverse("registry"), query)
    assert response.status_code == 200
    content = response.content.decode()
    assert message in content
    assert "Zed, " in content and "Okafor, " in content  # no filter applied


def test_it_ignores_another_practices_program(people, caseload):
    theirs = Program.objects.create(practice=people.outside_practice, name="Theirs")
    content = _client(people.admin).get(reverse("registry"), {"program": theirs.pk})
    assert "Unknown program" in content.content.decode()


def test_it_does_not_let_a_coordinator_choose_a_coordinator(people, caseload):
    response = _client(people.coordinator).get(
        reverse("registry"), {"coordinator": people.other_coordinator.pk}
    )
    content = response.content.decode()
    assert "Only practice admins can choose a coordinator" in content
    assert "Zed, " in content and "Okafor, " not in content


def test_it_warns_when_the_caseload_is_over_the_limit(people, caseload):
    CareSettings.objects.create(practice=people.practice, caseload_limit=3)
    content = _client(people.coordinator).get(reverse("registry")).content.decode()
    assert "5 of 3" in content
    assert "over the practice’s limit; AIMS guidance is 50–120" in content
    assert 'class="caseload-size warning"' in content


def test_it_counts_the_whole_caseload_under_a_filter(people, caseload):
    CareSettings.objects.create(practice=people.practice, caseload_limit=3)
    content = _client(people.coordinator).get(reverse("registry"), {"flag": "open_alert"})
    assert "5 of 3" in content.content.decode()


def test_it_shows_no_warning_within_the_limit(people, caseload):
    content = _client(people.coordinator).get(reverse("registry")).content.decode()
    assert "5 of 100" in content
    assert "over the practice" not in content


def test_it_pages_25_rows_keeping_the_filters(people):
    for n in range(27):
        _in_treatment(people, f"Many{n:02d}", weeks=9, phq9=[(18, 63), (17, 3)])
    client = _client(people.coordinator)
    first = client.get(reverse("registry"), {"flag": "not_improving"}).content.decode()
    assert first.count(">Many") == 25
    assert "?flag=not_improving&amp;page=2" in first
    second = client.get(reverse("registry"), {"flag": "not_improving", "page": 2})
    assert second.content.decode().count(">Many") == 2


def _registry_queries(user) -> int:
    client = _client(user)
    client.get(reverse("registry"))  # warm the session
    with CaptureQueriesContext(connection) as captured:
        response = client.get(reverse("registry"))
    assert response.status_code == 200
    return len(captured)


def _caseload_of(people, count: int) -> None:
    for n in range(count):
        _in_treatment(
            people,
            f"Q{n:02d}",
            weeks=10,
            phq9=[(18 - k, 70 - 14 * k) for k in range(5)],
            gad7=[(14 - k, 70 - 14 * k) for k in range(5)],
        )


def test_it_runs_the_same_queries_for_3_and_30_patients(people):
    _caseload_of(people, 3)
    few = _registry_queries(people.coordinator), _registry_queries(people.admin)
    _caseload_of(people, 27)
    many = _registry_queries(people.coordinator), _registry_queries(people.admin)
    assert few == many


# --- CSV -----------------------------------------------------------------------------------


def _csv(client, query=None) -> list[list[str]]:
    response = client.get(reverse("registry_csv"), query or {})
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/csv")
    assert response["Content-Disposition"].startswith('attachment; filename="registry-')
    return list(csv.reader(io.StringIO(_streamed(response))))


def _streamed(response) -> str:
    """The CSV is streamed (read from the database a batch at a time)."""
    assert response.streaming
    return b"".join(response.streaming_content).decode()


def test_the_csv_has_every_filtered_row(people, caseload):
    rows = _csv(_client(people.coordinator))
    assert rows[0][:3] == ["patient", "date of birth", "coordinator"]
    assert len(rows[0]) == 16
    assert [r[0] for r in rows[1:]] == [
        "Zed, Pat",
        "Young, Pat",
        "Xu, Pat",
        "Walker, Pat",
        "Adams, Pat",
        "Rivera, Alex",
    ]
    adams = dict(zip(rows[0], rows[5], strict=True))
    assert adams["weeks"] == "4"
    assert (adams["PHQ-9 baseline"], adams["PHQ-9 latest"]) == ("16", "7")
    assert adams["PHQ-9 change %"] == "-56.2"
    assert adams["GAD-7 change %"] == "-50.0"
    assert (adams["response"], adams["remission"]) == ("yes", "no")
    assert adams["episode start"] == (_today() - timedelta(weeks=4)).isoformat()
    xu = dict(zip(rows[0], rows[3], strict=True))
    assert xu["flags"].startswith(FLAG_LABELS[Flag.NOT_IMPROVING])


def test_the_csv_applies_the_filters(people, caseload):
    rows = _csv(_client(people.coordinator), {"flag": "change_plan"})
    assert [r[0] for r in rows[1:]] == ["Young, Pat"]


def test_the_csv_defuses_formulas(people):
    program = Program.objects.create(practice=people.practice, name="@SUM(1+1)")
    patient = _in_treatment(
        people, '=HYPERLINK("http://x")', weeks=2, phq9=[(12, 10)], program=program
    )
    patient.first_name = "+1"
    patient.save(update_fields=["first_name"])
    rows = _csv(_client(people.coordinator))
    row = next(r for r in rows if "HYPERLINK" in r[0])
    assert row[0] == '\'=HYPERLINK("http://x"), +1'
    assert row[3] == "'@SUM(1+1)"


def test_it_lets_an_unknown_csv_filter_go(people, caseload):
    rows = _csv(_client(people.coordinator), {"flag": "=1+1"})
    assert len(rows) == 7


# --- Treatment episodes --------------------------------------------------------------------


def _start(user, patient, **data):
    return _client(user).post(reverse("start_episode", args=[patient.pk]), data, follow=True)


def _messages(response) -> str:
    return " ".join(str(m) for m in response.context["messages"])


def test_it_starts_an_episode(people):
    program = Program.objects.create(practice=people.practice, name="Guided CBT")
    response = _start(
        people.clinician, people.patient, started_on=_today().isoformat(), program=program.pk
    )
    assert response.redirect_chain[-1][0] == reverse("staff_patient", args=[people.patient.pk])
    episode = TreatmentEpisode.objects.get(patient=people.patient)
    assert (episode.started_on, episode.program, episode.is_open) == (_today(), program, True)
    assert "Treatment episode started" in _messages(response)


def test_it_refuses_an_episode_in_the_future(people):
    future = (timezone.localdate() + timedelta(days=2)).isoformat()
    response = _start(people.coordinator, people.patient, started_on=future)
    assert "cannot start in the future" in _messages(response)
    assert not TreatmentEpisode.objects.exists()


def test_it_refuses_a_second_open_episode(people):
    _start(people.coordinator, people.patient, started_on=_today().isoformat())
    response = _start(people.coordinator, people.patient, started_on=_today().isoformat())
    assert "already has an open episode" in _messages(response)
    assert TreatmentEpisode.objects.count() == 1


@pytest.mark.parametrize("value", ["", "yesterday", "2026-13-40"])
def test_it_refuses_a_start_date_that_is_not_a_date(people, value):
    response = _start(people.coordinator, people.patient, started_on=value)
    assert "Please give the start date" in _messages(response)
    assert not TreatmentEpisode.objects.exists()


def test_it_refuses_another_practices_program(people):
    theirs = Program.objects.create(practice=people.outside_practice, name="Theirs")
    response = _start(
        people.coordinator, people.patient, started_on=_today().isoformat(), program=theirs.pk
    )
    assert "Unknown program" in _messages(response)
    assert not TreatmentEpisode.objects.exists()


def _episode(people, weeks_ago: int = 3) -> TreatmentEpisode:
    return TreatmentEpisode.objects.create(
        patient=people.patient,
        started_on=timezone.localdate() - timedelta(weeks=weeks_ago),
        started_by=people.coordinator,
    )


def _end(user, episode, **data):
    return _client(user).post(reverse("end_episode", args=[episode.pk]), data, follow=True)


def test_it_ends_an_episode(people):
    episode = _episode(people)
    response = _end(
        people.coordinator,
        episode,
        ended_on=timezone.localdate().isoformat(),
        end_reason="completed",
    )
    assert "Treatment episode ended" in _messages(response)
    episode.refresh_from_db()
    assert (episode.ended_on, episode.end_reason) == (timezone.localdate(), "completed")


def test_it_refuses_an_end_before_the_start(people):
    episode = _episode(people)
    before = (episode.started_on - timedelta(days=1)).isoformat()
    response = _end(people.coordinator, episode, ended_on=before, end_reason="completed")
    assert "cannot end before it started" in _messages(response)
    episode.refresh_from_db()
    assert episode.is_open


@pytest.mark.parametrize(
    "data, message",
    [
        ({"ended_on": "soon", "end_reason": "completed"}, "Please give the end date"),
        ({"end_reason": "bored"}, "Please choose why"),
        ({"end_reason": "completed", "future": True}, "cannot end in the future"),
    ],
)
def test_it_refuses_an_end_that_does_not_make_sense(people, data, message):
    episode = _episode(people)
    data = dict(data)
    days = 3 if data.pop("future", False) else 0
    data.setdefault("ended_on", (timezone.localdate() + timedelta(days=days)).isoformat())
    response = _end(people.coordinator, episode, **data)
    assert message in _messages(response)
    episode.refresh_from_db()
    assert episode.is_open


def test_it_refuses_to_end_an_ended_episode(people):
    episode = _episode(people)
    today = timezone.localdate().isoformat()
    _end(people.coordinator, episode, ended_on=today, end_reason="completed")
    response = _end(people.coordinator, episode, ended_on=today, end_reason="stopped")
    assert "already ended" in _messages(response)


def test_the_episode_views_take_post_only(people):
    episode = _episode(people)
    client = _client(people.coordinator)
    assert client.get(reverse("start_episode", args=[people.patient.pk])).status_code == 405
    assert client.get(reverse("end_episode", args=[episode.pk])).status_code == 405


# --- The staff patient page ----------------------------------------------------------------


def test_the_patient_page_offers_to_start_an_episode(people):
    content = _client(people.coordinator).get(reverse("staff_patient", args=[people.patient.pk]))
    content = content.content.decode()
    assert "Treatment episode" in content
    assert reverse("start_episode", args=[people.patient.pk]) in content
    assert f'value="{timezone.localdate().isoformat()}"' in content


def test_the_patient_page_shows_the_open_episode(people):
    patient = people.patient
    TreatmentEpisode.objects.create(
        patient=patient, started_on=_today() - timedelta(weeks=9), started_by=people.coordinator
    )
    _score(patient, people.coordinator, "phq9", 20, 63)
    _score(patient, people.coordinator, "phq9", 15, 3)
    _score(patient, people.coordinator, "gad7", 10, 63)
    _score(patient, people.coordinator, "gad7", 4, 3)
    content = _client(people.clinician).get(reverse("staff_patient", args=[patient.pk]))
    content = content.content.decode()
    section = content[content.index('id="treatment-episode"') :].split("</section>")[0]
    assert "9 weeks" in section
    assert "−5 points (−25%)" in section  # PHQ-9 20 → 15
    assert "−6 points (−60%)" in section  # GAD-7 10 → 4
    assert FLAG_LABELS[Flag.NOT_IMPROVING] in section
    episode = TreatmentEpisode.objects.get(patient=patient)
    assert reverse("end_episode", args=[episode.pk]) in section
    assert "Completed treatment" in section


# --- Access --------------------------------------------------------------------------------


@pytest.mark.parametrize("who", ["patient", "peer"])
def test_it_is_not_found_for_anyone_but_care_staff(people, who):
    user = people.patient.user if who == "patient" else people.peer
    episode = _episode(people)
    client = _client(user)
    assert client.get(reverse("registry")).status_code == 404
    assert client.get(reverse("registry_csv")).status_code == 404
    today = timezone.localdate().isoformat()
    start = client.post(reverse("start_episode", args=[people.patient.pk]), {"started_on": today})
    assert start.status_code == 404
    end = client.post(
        reverse("end_episode", args=[episode.pk]), {"ended_on": today, "end_reason": "completed"}
    )
    assert end.status_code == 404
    episode.refresh_from_db()
    assert episode.is_open


@pytest.mark.parametrize("who", ["outside_coordinator", "outside_admin", "other_coordinator"])
def test_staff_who_do_not_care_for_the_patient_cannot_see_or_change_it(people, who):
    episode = _episode(people)
    client = _client(getattr(people, who))
    page = client.get(reverse("registry"))
    assert page.status_code == 200 and not _listed(page, people.patient)
    assert "Rivera, Alex" not in _streamed(client.get(reverse("registry_csv")))
    today = timezone.localdate().isoformat()
    assert (
        client.post(
            reverse("start_episode", args=[people.patient.pk]), {"started_on": today}
        ).status_code
        == 404
    )
    end = client.post(
        reverse("end_episode", args=[episode.pk]), {"ended_on": today, "end_reason": "completed"}
    )
    assert end.status_code == 404
    episode.refresh_from_db()
    assert episode.is_open


def test_an_unknown_episode_is_not_found(people):
    client = _client(people.admin)
    url = reverse("end_episode", args=["00000000-0000-0000-0000-000000000000"])
    assert client.post(url, {"ended_on": "2026-01-01"}).status_code == 404
