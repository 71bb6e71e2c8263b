"""The demo practice: one practice, its staff and 40 patients with months of history, then
each app's part (appointments, the on-call rota, notifications, peer groups, measurement-based
care), all through the same services as the real thing. Synthetic data only."""

from datetime import datetime

from django.contrib.auth.hashers import make_password
from django.db import transaction

from tether.accounts.models import Practice, Role, User
from tether.demo import care, crisis, engagement, notifications, patients, peers

DEMO_SLUG = "demo"
DEMO_PASSWORD = "demo"  # noqa: S105  (synthetic demo accounts only)

STAFF = [
    ("demo-admin", Role.ADMIN, "Morgan", "Hale"),
    ("demo-coordinator", Role.COORDINATOR, "Priya", "Nair"),
    ("demo-coordinator-2", Role.COORDINATOR, "Luis", "Ortega"),
    ("demo-clinician", Role.CLINICIAN, "Dr. Hannah", "Weiss"),
    ("demo-clinician-2", Role.CLINICIAN, "Dr. Kwame", "Mensah"),
    ("demo-clinician-3", Role.CLINICIAN, "Dr. Aiko", "Tanaka"),
    ("demo-peer", Role.PEER_SUPPORTER, "Jordan", "Reyes"),
]

# After the patients, in this order: care's episodes use engagement's programs and the
# scores and alerts the parts before it made.
PARTS = (engagement, crisis, notifications, peers, care)


def is_loaded() -> bool:
    """Return whether the demo practice exists already."""
    return Practice.objects.filter(slug=DEMO_SLUG).exists()


@transaction.atomic
def load_demo(*, now: datetime) -> Practice:
    """Create the demo practice with everything in it, dated relative to `now`; return it."""
    practice = Practice.objects.create(
        name="Riverside Psychiatry (demo)",
        slug=DEMO_SLUG,
        country="US",
        time_zone="America/New_York",
        # Texted when nobody on the rota acknowledges an alert (a fictional number).
        after_hours_name="Riverside answering service",
        after_hours_phone="+12025550143",
    )
    password = make_password(DEMO_PASSWORD)
    staff = {
        username: User.objects.create(
            username=username,
            password=password,
            role=role,
            first_name=first,
            last_name=last,
            practice=practice,
            email=f"{username}@example.org",
        )
        for username, role, first, last in STAFF
    }
    patients.load(practice=practice, staff=staff, password=password, now=now)
    for part in PARTS:
        part.load(practice=practice, now=now)
    return practice
