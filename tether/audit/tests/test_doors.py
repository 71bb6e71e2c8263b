"""Every door of tether.access that hands out a patient's records writes exactly one audit row
per request per patient handed out, and nothing outside a request.

The doors are found by walking tether.access, so a new public function fails here until it is
a door (tether.lib.reads.door) or is added to EXEMPT with the reason it hands out no patient
data, and a new door fails until CALLS says how a persona allowed to use it calls it.
"""

import importlib
import inspect
import pkgutil
from collections.abc import Callable

import pytest
from django.contrib.auth.models import AnonymousUser
from django.db import transaction
from django.db.models import QuerySet
from django.http import HttpResponse
from django.test import RequestFactory, override_settings
from django.utils import timezone

import tether.access
from tests import access_invitations as invitations
from tests.access_world import OTHER_TEAM, OWN, World, build_world
from tether.access.links import Purpose
from tether.access.peers import AlertPosts
from tether.accounts.models import Patient
from tether.audit.middleware import AuditTrailMiddleware
from tether.audit.models import AuditEvent
from tether.crisis.models import RiskAlert
from tether.notifications.models import Delivery
from tether.peers.models import ExperienceProfile, Membership, Post

# Whole modules that are not doors: the 404 helper, the page decorators, the making and
# reading of signed tokens (the doors that use them are in network), and who may read the
# audit trail itself (reading the trail is not recorded, or every report would add to itself).
EXEMPT_MODULES = {"lookup", "decorators", "links", "audit"}
# Functions that hand out no patient's records.
EXEMPT = {
    "visible_programs": "a practice's programs, not anyone's enrollment",
    "joinable_groups": "open peer groups of the practice",
    "get_joinable_group": "one open peer group",
    "moderated_groups": "the groups a moderator runs, not their members",
    "get_moderated_group": "one group a moderator runs",
    "managed_groups": "the groups a practice admin manages, not their members",
    "get_managed_group": "one group a practice admin manages",
    "managed_programs": "a practice's programs, for its admin, not anyone's enrollment",
    "get_managed_program": "one program of the admin's practice",
    "my_practice": "the user's own practice",
    "my_practice_staff": "staff accounts, not patients",
    "get_practice_staff": "one staff account",
    "get_shift_for_admin": "an on-call shift",
    "trusted_scopes": "what a contact, already handed out by a door, is shared; no record",
    "colleagues_for_factor_reset": "staff accounts, for an admin resetting a second factor",
    "get_colleague_for_factor_reset": "one staff account",
    "my_api_tokens": "the user's own API tokens",
    "get_my_api_token": "one of the user's own API tokens",
    "accounts_for_sign_in_help": "accounts (names, lockouts), not health records",
    "get_account_for_sign_in_help": "one account",
    "managed_staff": "staff accounts, for an admin managing the practice's staff",
    "get_managed_staff": "one staff account",
    "bookable_colleagues": "staff accounts whose free slots care staff may book",
    "get_bookable_colleague": "one staff account",
}
# Permission predicates answer yes or no and hand out nothing.
PREDICATE_PREFIXES = ("may_", "can_", "is_")


def _public_functions() -> dict[str, Callable]:
    found = {}
    for module_info in pkgutil.iter_modules(tether.access.__path__):
        if module_info.name in EXEMPT_MODULES:
            continue
        module = importlib.import_module(f"tether.access.{module_info.name}")
        for name, fn in inspect.getmembers(module, inspect.isfunction):
            if fn.__module__ == module.__name__ and not name.startswith("_"):
                found[name] = fn
    return found


def _doors() -> dict[str, Callable]:
    return {
        name: fn
        for name, fn in _public_functions().items()
        if name not in EXEMPT and not name.startswith(PREDICATE_PREFIXES)
    }


def test_every_function_that_hands_out_patient_data_is_an_audited_door():
    not_audited = [name for name, fn in _doors().items() if not getattr(fn, "audit_door", False)]

    assert not_audited == []


def test_the_exemptions_name_functions_that_exist():
    assert set(EXEMPT) <= set(_public_functions())


@pytest.fixture(scope="module")
def world(django_db_setup, django_db_blocker):
    hashers = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    with django_db_blocker.unblock(), override_settings(PASSWORD_HASHERS=hashers):
        with transaction.atomic():
            world = build_world()
            _more_records(world)
            yield world
            transaction.set_rollback(True)


def _more_records(world: World) -> None:
    """What build_world lacks: a post that raised an alert, a message, an experience profile."""
    own = world.ids(OWN)
    Post.objects.filter(pk=own["post_id"]).update(risk_alert_id=own["alert_id"])
    patient = world.patient(OWN)
    Delivery.objects.create(
        channel="email", to="x@example.com", body="Hello", purpose="test", patient=patient
    )
    ExperienceProfile.objects.create(
        patient=patient, description="New to parenting.", updated_at=timezone.now()
    )


def _tokens(world, purpose):
    return world.scopes[OWN].extra["tokens"][purpose]


# door name -> (persona, how to call it with the world: returns the door's result)
CALLS: dict[str, tuple[str, Callable]] = {}


def _call(name, persona, fn=None):
    CALLS[name] = (persona, fn or (lambda door, user, world: door(user)))


def _by_id(key):
    return lambda door, user, world: door(user, world.ids(OWN)[key])


for _name in ("visible_patients", "visible_assessments", "visible_episodes"):
    _call(_name, "clinician")
for _name in ("visible_recommendations", "visible_alerts", "visible_screened_texts"):
    _call(_name, "clinician")
for _name in ("visible_risk_screens", "visible_appointments", "visible_enrollments"):
    _call(_name, "coordinator")
for _name in ("visible_outreach_tasks", "active_consents", "visible_deliveries"):
    _call(_name, "coordinator")
_call("get_patient", "clinician", _by_id("patient_id"))
_call("get_own_patient", "patient")
_call("get_assessment", "clinician", _by_id("assessment_id"))
_call("get_episode", "clinician", _by_id("episode_id"))
_call("get_episode_for_staff", "coordinator", _by_id("episode_id"))
_call("get_recommendation", "clinician", _by_id("recommendation_id"))
_call("get_alert_for_staff", "coordinator", _by_id("alert_id"))
_call(
    "get_screened_text_for_staff",
    "clinician",
    lambda door, user, world: door(user, world.scopes[OWN].extra["screened_id"]),
)
_call("get_risk_screen", "clinician", _by_id("screen_id"))
_call("get_appointment", "clinician", _by_id("appointment_id"))
_call("get_appointment_for_staff", "coordinator", _by_id("appointment_id"))
_call("get_appointment_to_change", "patient", _by_id("appointment_id"))
_call("get_enrollment", "clinician", _by_id("enrollment_id"))
_call("get_enrollment_for_staff", "coordinator", _by_id("enrollment_id"))
_call("get_outreach_task", "coordinator", _by_id("task_id"))
_call(
    "contact_details",
    "coordinator",
    lambda door, user, world: list(door(user, [world.ids(OWN)["patient_id"]]).values()),
)
_call(
    "get_support",
    "coordinator",
    lambda door, user, world: door(
        user, world.ids(OWN)["patient_id"], world.ids(OWN)["contact_id"]
    ),
)
_call(
    "get_trusted_contact",
    "anonymous",
    lambda door, user, world: door(_tokens(world, "trusted_safety_plan"), Purpose.SAFETY_PLAN),
)
_call(
    "get_patient_by_plan_link",
    "anonymous",
    lambda door, user, world: door(_tokens(world, "plan_link")),
)
_call("my_memberships", "patient")
_call("get_membership", "patient", _by_id("group_id"))
_call(
    "get_member_post",
    "patient",
    lambda door, user, world: door(user, world.ids(OWN)["post_id"]),
)
_call("get_own_post", "patient", _by_id("post_id"))
_call("my_open_belonging_checks", "patient")
_call("get_belonging_check", "patient", _by_id("check_id"))
_call("own_experience", "patient")
_call("get_post_for_moderator", "peer", _by_id("post_id"))
_call("get_membership_for_care_team", "coordinator", _by_id("membership_id"))
_call(
    "posts_for_alert",
    "clinician",
    lambda door, user, world: door(user, RiskAlert.objects.get(pk=world.ids(OWN)["alert_id"])),
)


def _invited(door, user, world, *args):
    """Call an invitation door after inviting a new patient of the OWN scope's care team."""
    invitations.prepare_invitation(world, OWN)
    return door(user, *(world.scopes[OWN].extra[a] for a in args))


def _newcomer(door, user, world, *args):
    """Call a door after adding a new patient without an account to the OWN scope's team."""
    invitations.prepare_newcomer(world, OWN)
    return door(user, *(world.scopes[OWN].extra[a] for a in args))


_call("visible_invitations", "coordinator", _invited)
_call("get_invitation", "coordinator", lambda d, u, w: _invited(d, u, w, "invitation_id"))
_call("patients_to_invite", "coordinator", _newcomer)
_call("get_patient_to_invite", "admin", lambda d, u, w: _newcomer(d, u, w, "newcomer_id"))


def test_every_door_says_how_it_is_called():
    assert sorted(set(_doors()) - set(CALLS)) == []


def _in_a_request(world: World, persona: str, use: Callable) -> tuple[object, str]:
    """Call a door inside a request through the audit middleware; return what it handed out
    (a queryset is read to the end, as a page would) and the request id."""
    handed: list[object] = []

    def view(request):
        result = use(request.user)
        handed.append(list(result) if isinstance(result, QuerySet) else result)
        return HttpResponse("ok")

    request = RequestFactory().get("/somewhere/")
    request.user = world.user(persona) or AnonymousUser()
    response = AuditTrailMiddleware(view)(request)
    return handed[0], response["X-Request-ID"]


def _patient_of(record) -> object:
    """Return the id of the patient a handed-out record belongs to, however it is linked."""
    if isinstance(record, Patient):
        return record.pk
    for link in ("episode", "contact", "author", "membership"):
        if hasattr(record, link) and not hasattr(record, "patient_id"):
            return _patient_of(getattr(record, link))
    return record.patient_id


def _patients_handed_out(result) -> set:
    if isinstance(result, AlertPosts):
        result = result.posts
    records = result if isinstance(result, list) else [result]
    return {_patient_of(record) for record in records}


@pytest.mark.parametrize("name", sorted(CALLS))
def test_each_door_records_one_row_per_patient_handed_out(db, world, name):
    door = _doors()[name]
    persona, call = CALLS[name]

    result, request_id = _in_a_request(world, persona, lambda user: call(door, user, world))

    rows = list(AuditEvent.objects.filter(request_id=request_id))
    patients = [row.patient_id for row in rows]
    handed_out = _patients_handed_out(result)
    assert handed_out, f"{name} handed out nothing to {persona}: the test calls it wrongly"
    assert sorted(patients, key=str) == sorted(handed_out, key=str)  # one row each
    assert {row.action for row in rows} == {AuditEvent.Action.VIEWED}
    assert all(row.what for row in rows)
    user = world.user(persona)
    if user is not None:
        assert {row.actor_id for row in rows} == {user.pk}
    else:
        assert all(row.channel == AuditEvent.Channel.LINK for row in rows)
    assert all(row.practice_id == world.people.practice.pk for row in rows)


def test_a_list_records_exactly_the_patients_it_lists(db, world):
    # The admin sees both patients of the practice; a page showing one records one.
    own = world.patient(OWN)
    listed, request_id = _in_a_request(
        world, "admin", lambda user: tether.access.visible_patients(user).filter(pk=own.pk)
    )
    everyone, all_id = _in_a_request(world, "admin", tether.access.visible_patients)

    assert listed == [own]
    assert list(
        AuditEvent.objects.filter(request_id=request_id).values_list("patient", flat=True)
    ) == [own.pk]
    recorded = set(AuditEvent.objects.filter(request_id=all_id).values_list("patient", flat=True))
    assert recorded == {world.patient(OWN).pk, world.patient(OTHER_TEAM).pk}


def test_a_door_used_twice_in_a_request_records_once(db, world):
    patient_id = world.ids(OWN)["patient_id"]

    def twice(user):
        tether.access.get_patient(user, patient_id)
        return tether.access.get_patient(user, patient_id)

    _, request_id = _in_a_request(world, "clinician", twice)

    assert AuditEvent.objects.filter(request_id=request_id).count() == 1


def test_a_trusted_person_is_recorded_by_name_without_an_account(db, world):
    call = CALLS["get_trusted_contact"][1]
    _, request_id = _in_a_request(
        world, "anonymous", lambda user: call(tether.access.get_trusted_contact, user, world)
    )

    (row,) = AuditEvent.objects.filter(request_id=request_id)
    assert (row.actor_id, row.actor_label) == (None, "Maria (trusted person)")
    assert (row.what, row.channel) == ("safety plan", AuditEvent.Channel.LINK)
    assert row.patient == world.patient(OWN)


def test_outside_a_request_doors_record_nothing(db, world):
    before = AuditEvent.objects.count()

    list(tether.access.visible_patients(world.user("admin")))
    tether.access.get_patient(world.user("clinician"), world.ids(OWN)["patient_id"])

    assert AuditEvent.objects.count() == before


def test_a_membership_list_stays_lazy_and_is_recorded_when_streamed(db, world):
    def streamed(user):
        return list(tether.access.visible_patients(user).iterator())

    _, request_id = _in_a_request(world, "admin", streamed)

    assert AuditEvent.objects.filter(request_id=request_id).count() == 2
    assert Membership.objects.exists()  # the world has peer members too (sanity)


def test_a_failed_write_is_logged_with_its_rows_and_the_page_still_answers(
    db, world, monkeypatch, caplog
):
    def broken(*args, **kwargs):
        raise RuntimeError("database unavailable")

    monkeypatch.setattr("tether.audit.trail._insert_all", broken)
    patient_id = world.ids(OWN)["patient_id"]

    with caplog.at_level("ERROR"):
        _, request_id = _in_a_request(
            world, "clinician", lambda user: tether.access.get_patient(user, patient_id)
        )

    assert f"Could not store 1 audit rows of request {request_id}" in caplog.text
    assert str(patient_id) in caplog.text


def test_a_long_list_is_written_in_one_insert(db, world):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from tether.lib.reads import Reader, Trail

    trail = Trail(request_id="one-insert-test")
    reader = Reader(user_id=world.user("admin").pk, practice_id=world.people.practice.pk)
    patient = world.patient(OWN)
    # 300 kinds of record for one patient: 300 rows, beyond SQLite's 999 parameters a batch.
    trail.note(reader, [patient.pk], "record")
    for n in range(299):
        trail.note(reader, [patient.pk], f"kind {n}")

    with CaptureQueriesContext(connection) as captured:
        assert trail.flush() == 300

    inserts = [q for q in captured.captured_queries if q["sql"].startswith("INSERT")]
    assert len(inserts) == 1
    stored = AuditEvent.objects.filter(request_id="one-insert-test")
    assert stored.count() == 300
    assert set(stored.values_list("patient", "practice", "actor")) == {
        (patient.pk, world.people.practice.pk, world.user("admin").pk)
    }
