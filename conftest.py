"""Shared fixtures: the personas every access test speaks through.

Practice A: an admin, a coordinator and a clinician who care for `patient`, a second
coordinator and clinician who care for `other_patient`, and a peer supporter.
Practice B: an outsider admin and coordinator, and their patient.
"""

from dataclasses import dataclass

import pytest

from tests.factories import PracticeFactory, UserFactory, make_patient
from tether.accounts.models import Patient, Practice, Role, User


@pytest.fixture(autouse=True, scope="session")
def _sign_in_with_second_factor():
    """Django's test client signs staff in with their second factor passed, as a real sign-in
    with a code does (tests/second_factor.py)."""
    from django.test.client import ClientMixin

    from tests.second_factor import pass_second_factor

    plain_login = ClientMixin._login

    def _login(self, user, backend=None):
        plain_login(self, user, backend)
        session = self.session
        pass_second_factor(session, user)
        session.save()

    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(ClientMixin, "_login", _login)
        yield


@pytest.fixture(autouse=True)
def _test_settings(settings):
    # Argon2 is deliberately slow; tests sign in hundreds of times.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    # Production serves hashed static files from collectstatic's manifest; tests read sources.
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }


@dataclass
class People:
    practice: Practice
    admin: User
    coordinator: User
    clinician: User
    peer: User
    patient: Patient
    other_coordinator: User
    other_clinician: User
    other_patient: Patient
    outside_practice: Practice
    outside_admin: User
    outside_coordinator: User
    outside_clinician: User
    outside_patient: Patient


@pytest.fixture
def people(db) -> People:
    return build_people()


def build_people() -> People:
    """Return the personas, created in the database (for fixtures of any scope)."""
    practice = PracticeFactory(name="Riverside Psychiatry", slug="riverside")
    staff = {
        "admin": Role.ADMIN,
        "coordinator": Role.COORDINATOR,
        "clinician": Role.CLINICIAN,
        "peer": Role.PEER_SUPPORTER,
        "other_coordinator": Role.COORDINATOR,
        "other_clinician": Role.CLINICIAN,
    }
    users = {
        name: UserFactory(username=name, practice=practice, role=role)
        for name, role in staff.items()
    }
    patient = make_patient(
        practice=practice,
        coordinator=users["coordinator"],
        clinicians=[users["clinician"]],
        username="patient",
        first_name="Alex",
        last_name="Rivera",
    )
    other_patient = make_patient(
        practice=practice,
        coordinator=users["other_coordinator"],
        clinicians=[users["other_clinician"]],
        username="other_patient",
        first_name="Sam",
        last_name="Okafor",
    )
    outside = PracticeFactory(name="Hillside Clinic", slug="hillside")
    outside_admin = UserFactory(username="outside_admin", practice=outside, role=Role.ADMIN)
    outside_coordinator = UserFactory(
        username="outside_coordinator", practice=outside, role=Role.COORDINATOR
    )
    outside_clinician = UserFactory(
        username="outside_clinician", practice=outside, role=Role.CLINICIAN
    )
    outside_patient = make_patient(
        practice=outside,
        coordinator=outside_coordinator,
        clinicians=[outside_clinician],
        username="outside_patient",
        first_name="Jo",
        last_name="Lindqvist",
    )
    return People(
        practice=practice,
        patient=patient,
        other_patient=other_patient,
        outside_practice=outside,
        outside_admin=outside_admin,
        outside_coordinator=outside_coordinator,
        outside_clinician=outside_clinician,
        outside_patient=outside_patient,
        **users,
    )


# A real SMTP server for email tests (tests/smtp.py).
from tests.smtp import smtp_server  # noqa: E402, F401


@dataclass
class PeerWorld:
    """Two groups in practice A moderated by `people.peer`, a third by `other_peer`, and an
    outside group. `patient` is "Willow" and `other_patient` is "Heron" in `parents`."""

    people: People
    other_peer: User
    parents: object  # PeerGroup
    veterans: object
    students: object  # moderated by other_peer
    outside_group: object
    willow: object  # Membership of people.patient in parents
    heron: object  # Membership of people.other_patient in parents


@pytest.fixture
def peer_world(people) -> PeerWorld:
    return build_peer_world(people)


def build_peer_world(people: People) -> PeerWorld:
    """Return the peer groups of PeerWorld for `people`, created in the database."""
    from importlib import import_module

    from django.apps import apps

    from tether.peers import services
    from tether.peers.models import IdentityTag

    # Live-server (browser) tests flush the database, seeded tags included: seed them again
    # (idempotent) so this fixture works after them too.
    import_module("tether.peers.migrations.0002_seed_identity_tags").seed(apps, None)

    other_peer = UserFactory(
        username="other_peer", practice=people.practice, role=Role.PEER_SUPPORTER
    )
    outside_peer = UserFactory(
        username="outside_peer", practice=people.outside_practice, role=Role.PEER_SUPPORTER
    )
    tag = IdentityTag.objects.get

    def group(practice, name, who_for, moderator, *tags):
        return services.save_group(
            practice=practice,
            name=name,
            who_for=who_for,
            moderator=moderator,
            tag_ids=[tag(label=t).pk for t in tags],
        )

    parents = group(
        people.practice,
        "New parents",
        "New parents with anxiety or low mood after birth: sleepless nights, worry about the "
        "baby, feeling you should be happier than you are.",
        people.peer,
        "New parent",
        "Postnatal depression or anxiety",
    )
    veterans = group(
        people.practice,
        "Veterans together",
        "Veterans and service members living with depression after leaving the military.",
        people.peer,
        "Veteran or service member",
        "Depression",
    )
    students = group(
        people.practice,
        "Students with panic",
        "Students with panic attacks and exam anxiety.",
        other_peer,
        "Student",
        "Panic attacks",
    )
    outside_group = group(
        people.outside_practice,
        "Hillside circle",
        "Anyone living with low mood.",
        outside_peer,
        "Depression",
    )
    willow = services.join_group(patient=people.patient, group=parents, pseudonym="Willow")
    heron = services.join_group(patient=people.other_patient, group=parents, pseudonym="Heron")
    return PeerWorld(
        people=people,
        other_peer=other_peer,
        parents=parents,
        veterans=veterans,
        students=students,
        outside_group=outside_group,
        willow=willow,
        heron=heron,
    )
