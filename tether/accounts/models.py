"""People, practices and care teams."""

import hashlib
import uuid
from datetime import datetime, time, timedelta

from django.contrib.auth.models import AbstractUser
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils import timezone
from simple_history.models import HistoricalRecords

from tether.lib.countries import crisis_countries
from tether.lib.phones import normalise_phone

# The window a practice may choose for the follow-up contact after a risk alert (the form
# refuses others; engagement.follow_up keeps a stored value inside it).
FOLLOW_UP_MIN_HOURS, FOLLOW_UP_MAX_HOURS = 24, 72


def validate_e164(value: str) -> None:
    """Refuse a phone number that is not already a valid number in E.164 form
    (e.g. +15551234567); forms normalise what people type before it gets here."""
    try:
        normalised = normalise_phone(value, country="US")
    except ValueError as error:
        raise ValidationError(str(error), code="invalid_phone") from None
    if normalised != value:
        raise ValidationError(
            "Please give the number in international form, e.g. +15551234567.",
            code="not_e164",
        )


class Practice(models.Model):
    """A psychiatry practice: the tenant everything else belongs to."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    name = models.CharField(max_length=200)
    slug = models.SlugField(unique=True)
    # ISO 3166-1 alpha-2; picks the crisis resources shown to its patients. Only countries
    # the crisis-resources file covers are choices, so a typo can never fall back silently.
    country = models.CharField(max_length=2, default="US", choices=crisis_countries)
    time_zone = models.CharField(max_length=64, default="America/New_York")
    # Minutes a risk alert may stay unacknowledged before it escalates (DESIGN: default 5).
    alert_ack_minutes = models.PositiveSmallIntegerField(default=5)
    # Once the chain (on call, backup, admin) has been paged, it is paged again this often
    # until somebody acknowledges.
    repage_minutes = models.PositiveSmallIntegerField(default=15)
    # Who is texted when the whole chain has been paged and nobody answered, e.g. the
    # practice's answering service. A practice without one cannot be sure to reach anyone.
    after_hours_name = models.CharField(max_length=100, blank=True)
    after_hours_phone = models.CharField(
        max_length=20, blank=True, help_text="E.164, e.g. +15551234567"
    )
    # After an alert is resolved, a human contacts the patient within this many hours
    # (FOLLOW_UP_MIN_HOURS to FOLLOW_UP_MAX_HOURS).
    follow_up_hours = models.PositiveSmallIntegerField(default=48)
    # How many patients one clinician or coordinator should carry; staff pages compare each
    # caseload with it (a guide shown to admins, not a hard stop).
    caseload_limit = models.PositiveSmallIntegerField(
        default=60, validators=[MinValueValidator(1), MaxValueValidator(1000)]
    )
    # Opening hours, in the practice's time zone: outside them patients see the after-hours
    # message, and bookable availability is offered inside them by default.
    business_hours_start = models.TimeField(default=time(9, 0))
    business_hours_end = models.TimeField(default=time(17, 0))
    # A new patient's intake call is offered within this many days.
    intake_target_days = models.PositiveSmallIntegerField(
        default=7, validators=[MinValueValidator(1), MaxValueValidator(90)]
    )
    # What patients read when they reach out outside business hours (blank: a standard text).
    after_hours_message = models.TextField(blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    # Every settings change, with who and when (the settings page shows the log).
    history = HistoricalRecords()

    def __str__(self) -> str:
        return self.name


class Role(models.TextChoices):
    PATIENT = "patient", "Patient"
    COORDINATOR = "coordinator", "Care coordinator"
    CLINICIAN = "clinician", "Clinician"
    PEER_SUPPORTER = "peer_supporter", "Peer supporter"
    ADMIN = "admin", "Practice admin"


STAFF_ROLES = frozenset({Role.COORDINATOR, Role.CLINICIAN, Role.PEER_SUPPORTER, Role.ADMIN})
CARE_TEAM_ROLES = frozenset({Role.COORDINATOR, Role.CLINICIAN})


class User(AbstractUser):
    """Anyone who signs in. `role` decides what Tether shows them; `practice` whose data."""

    practice = models.ForeignKey(
        Practice, on_delete=models.PROTECT, null=True, blank=True, related_name="users"
    )
    role = models.CharField(max_length=20, choices=Role.choices, default=Role.PATIENT)
    # E.164 (e.g. +15551234567), blank when unknown: staff reach patients by it, and the
    # practice reaches staff.
    phone = models.CharField(
        max_length=20, blank=True, validators=[validate_e164], help_text="E.164, e.g. +15551234567"
    )

    @property
    def is_patient(self) -> bool:
        return self.role == Role.PATIENT

    @property
    def is_care_staff(self) -> bool:
        """Staff who hold a caseload or the whole practice: coordinators, clinicians, admins."""
        return self.role in (Role.COORDINATOR, Role.CLINICIAN, Role.ADMIN)

    @property
    def display_name(self) -> str:
        return self.get_full_name() or self.username


class Patient(models.Model):
    """A person in care at a practice. The account is optional: staff may register someone
    who has not signed in yet."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    practice = models.ForeignKey(Practice, on_delete=models.PROTECT, related_name="patients")
    user = models.OneToOneField(
        User, on_delete=models.PROTECT, null=True, blank=True, related_name="patient"
    )
    first_name = models.CharField(max_length=100)
    last_name = models.CharField(max_length=100)
    preferred_name = models.CharField(max_length=100, blank=True)
    date_of_birth = models.DateField(null=True, blank=True)
    # Blank: the practice's time zone. Appointment times are stored in UTC.
    time_zone = models.CharField(max_length=64, blank=True)
    # The language the patient prefers to be spoken to in: a short code ("es") or a name
    # ("Spanish"); blank when not asked.
    preferred_language = models.CharField(max_length=50, blank=True)
    # In the patient's own words, for the first conversation with their care team.
    help_wanted = models.TextField(blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    history = HistoricalRecords()

    class Meta:
        indexes = [models.Index(fields=["practice", "last_name", "first_name"])]

    def __str__(self) -> str:
        return self.full_name

    @property
    def full_name(self) -> str:
        return f"{self.first_name} {self.last_name}".strip()

    @property
    def called(self) -> str:
        """Return the name the patient asked to be called by."""
        return self.preferred_name or self.first_name


class CareTeamMember(models.Model):
    """One staff member on one patient's care team."""

    class TeamRole(models.TextChoices):
        COORDINATOR = "coordinator", "Care coordinator"
        CLINICIAN = "clinician", "Clinician"

    patient = models.ForeignKey(Patient, on_delete=models.CASCADE, related_name="care_team")
    staff = models.ForeignKey(User, on_delete=models.PROTECT, related_name="care_teams")
    team_role = models.CharField(max_length=20, choices=TeamRole.choices)
    added_at = models.DateTimeField(auto_now_add=True)

    history = HistoricalRecords()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["patient", "staff"], name="one_membership_per_staff"),
            # A patient has exactly one care coordinator at a time.
            models.UniqueConstraint(
                fields=["patient"],
                condition=models.Q(team_role="coordinator"),
                name="one_coordinator_per_patient",
            ),
        ]
        indexes = [models.Index(fields=["staff", "patient"])]

    def __str__(self) -> str:
        return f"{self.staff} ({self.get_team_role_display()}) for {self.patient}"


# How long an API token lasts unless its owner chooses less, and the longest they may choose.
TOKEN_DEFAULT_DAYS, TOKEN_MAX_DAYS = 90, 365


def token_default_expiry() -> datetime:
    """Return when a token made now expires by default (TOKEN_DEFAULT_DAYS from now)."""
    return timezone.now() + timedelta(days=TOKEN_DEFAULT_DAYS)


class ApiTokenQuerySet(models.QuerySet["ApiToken"]):
    def usable(self, now: datetime) -> "ApiTokenQuerySet":
        """Return the tokens that still sign someone in at `now`: not revoked, not expired,
        and their owner's account active."""
        return self.filter(revoked_at__isnull=True, expires_at__gt=now, user__is_active=True)


class ApiToken(models.Model):
    """A bearer token for /api/v1. Only its SHA-256 is stored; the token is shown once. A
    token is refused once it expires or is revoked; revoked tokens are kept, for the record
    (tether.accounts.tokens holds the rules)."""

    class Status(models.TextChoices):
        ACTIVE = "active", "Active"
        EXPIRED = "expired", "Expired"
        REVOKED = "revoked", "Revoked"

    class RevokedBecause(models.TextChoices):
        OWNER = "owner", "Revoked by you"
        PASSWORD_CHANGED = "password_changed", "Revoked when your password changed"
        DEACTIVATED = "deactivated", "Revoked when the account was closed"

    # The id in URLs: not a count of everyone's tokens.
    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="api_tokens")
    key_hash = models.CharField(max_length=64, unique=True)
    # What the person calls it, e.g. "EHR sync".
    name = models.CharField(max_length=100)
    created_at = models.DateTimeField(auto_now_add=True)
    expires_at = models.DateTimeField(default=token_default_expiry)
    # Written at most once a minute per token (tokens.LAST_USED_EVERY), not on every call.
    last_used_at = models.DateTimeField(null=True, blank=True)
    revoked_at = models.DateTimeField(null=True, blank=True)
    revoked_because = models.CharField(max_length=20, choices=RevokedBecause.choices, blank=True)

    objects = ApiTokenQuerySet.as_manager()

    class Meta:
        indexes = [models.Index(fields=["user", "-created_at"])]

    def __str__(self) -> str:
        return f"API token {self.name!r} of {self.user}"

    @staticmethod
    def hash(raw_token: str) -> str:
        return hashlib.sha256(raw_token.encode()).hexdigest()

    def status(self, now: datetime) -> "ApiToken.Status":
        """Return whether the token is active, expired or revoked at `now` (revoked wins)."""
        if self.revoked_at is not None:
            return ApiToken.Status.REVOKED
        if self.expires_at <= now:
            return ApiToken.Status.EXPIRED
        return ApiToken.Status.ACTIVE
