"""Programs, appointments and outreach (see services.py for the rules)."""

import uuid
from datetime import datetime
from zoneinfo import ZoneInfo

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from simple_history.models import HistoricalRecords

from tether.accounts.models import Patient, Practice


class Program(models.Model):
    """A digital program a practice offers, e.g. "8-week guided CBT for depression"."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    practice = models.ForeignKey(Practice, on_delete=models.PROTECT, related_name="programs")
    name = models.CharField(max_length=200)
    description = models.TextField(blank=True)
    # Guided: a person walks alongside the patient; unguided programs are self-paced.
    guided = models.BooleanField(default=True)
    active = models.BooleanField(default=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(fields=["practice", "name"], name="one_program_per_name")
        ]

    def __str__(self) -> str:
        return self.name


class Enrollment(models.Model):
    """One patient in one program. Content and schedule unlock only after a human intake
    call is recorded: the status moves from awaiting intake to active then and only then."""

    class Status(models.TextChoices):
        AWAITING_INTAKE = "awaiting_intake", "Awaiting intake call"
        ACTIVE = "active", "Active"
        COMPLETED = "completed", "Completed"
        WITHDRAWN = "withdrawn", "Withdrawn"

    OPEN = (Status.AWAITING_INTAKE, Status.ACTIVE)

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    patient = models.ForeignKey(Patient, on_delete=models.CASCADE, related_name="enrollments")
    program = models.ForeignKey(Program, on_delete=models.PROTECT, related_name="enrollments")
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.AWAITING_INTAKE)
    enrolled_at = models.DateTimeField()
    enrolled_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    # The intake call: who held it, when, how long and what came of it.
    intake_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    intake_at = models.DateTimeField(null=True, blank=True)
    intake_duration_minutes = models.PositiveSmallIntegerField(null=True, blank=True)
    intake_outcome = models.TextField(blank=True)
    ended_at = models.DateTimeField(null=True, blank=True)

    history = HistoricalRecords()

    class Meta:
        ordering = ["-enrolled_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["patient", "program"],
                condition=Q(status__in=["awaiting_intake", "active"]),
                name="one_open_enrollment_per_program",
            )
        ]

    def __str__(self) -> str:
        return f"{self.patient} in {self.program} ({self.get_status_display()})"

    @property
    def unlocked(self) -> bool:
        """Return whether the program's content and schedule are open to the patient."""
        return self.status == self.Status.ACTIVE


class AppointmentKind(models.TextChoices):
    INTAKE_CALL = "intake_call", "Intake call"
    CHECK_IN = "check_in", "Check-in"
    SESSION = "session", "Session"
    GROUP_SESSION = "group_session", "Group session"


class AppointmentMode(models.TextChoices):
    PHONE = "phone", "Phone"
    VIDEO = "video", "Video"
    IN_PERSON = "in_person", "In person"


class AppointmentSeries(models.Model):
    """Recurring check-ins: every N weeks at a local time in a named time zone, for a count of
    occurrences or until a date. Occurrences are materialised as Appointment rows."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    patient = models.ForeignKey(Patient, on_delete=models.CASCADE, related_name="series")
    kind = models.CharField(
        max_length=20, choices=AppointmentKind.choices, default=AppointmentKind.CHECK_IN
    )
    mode = models.CharField(max_length=10, choices=AppointmentMode.choices)
    staff = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    every_weeks = models.PositiveSmallIntegerField()
    first_date = models.DateField()
    local_start_time = models.TimeField()
    duration_minutes = models.PositiveSmallIntegerField()
    time_zone = models.CharField(max_length=64)
    count = models.PositiveSmallIntegerField(null=True, blank=True)
    until = models.DateField(null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name_plural = "appointment series"
        constraints = [
            models.CheckConstraint(
                condition=Q(every_weeks__in=[1, 2, 4]), name="series_every_1_2_or_4_weeks"
            ),
            models.CheckConstraint(
                condition=Q(count__isnull=False) | Q(until__isnull=False),
                name="series_has_count_or_until",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} every {self.every_weeks} week(s) for {self.patient}"


class Appointment(models.Model):
    """One appointment. Times are stored in UTC and shown in the patient's and practice's
    zones."""

    class Attendance(models.TextChoices):
        PENDING = "pending", "Not recorded yet"
        ATTENDED = "attended", "Attended"
        MISSED = "missed", "Missed"
        CANCELLED_BY_PATIENT = "cancelled_by_patient", "Cancelled by patient"
        CANCELLED_BY_PRACTICE = "cancelled_by_practice", "Cancelled by practice"

    Kind = AppointmentKind
    Mode = AppointmentMode

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    patient = models.ForeignKey(Patient, on_delete=models.CASCADE, related_name="appointments")
    kind = models.CharField(max_length=20, choices=AppointmentKind.choices)
    mode = models.CharField(max_length=10, choices=AppointmentMode.choices)
    staff = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    starts_at = models.DateTimeField()
    ends_at = models.DateTimeField()
    attendance = models.CharField(
        max_length=24, choices=Attendance.choices, default=Attendance.PENDING
    )
    attendance_recorded_at = models.DateTimeField(null=True, blank=True)
    # Null when the missed-session sweep recorded it.
    attendance_recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    series = models.ForeignKey(
        AppointmentSeries,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="appointments",
    )
    enrollment = models.ForeignKey(
        Enrollment, on_delete=models.SET_NULL, null=True, blank=True, related_name="appointments"
    )
    # A video call's address (https only, checked by the service).
    video_link = models.URLField(max_length=500, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    history = HistoricalRecords()

    class Meta:
        ordering = ["starts_at"]
        constraints = [
            models.CheckConstraint(
                condition=Q(ends_at__gt=F("starts_at")), name="appointment_ends_after_start"
            ),
            # No double booking: one pending appointment per staff member per start time.
            # Cancelling (attendance leaves pending) frees the slot.
            models.UniqueConstraint(
                fields=["staff", "starts_at"],
                condition=Q(attendance="pending", staff__isnull=False),
                name="one_pending_appointment_per_staff_start",
            ),
        ]
        indexes = [
            models.Index(fields=["patient", "starts_at"]),
            # The missed-session sweep reads only pending rows whose end has passed.
            models.Index(
                fields=["ends_at"],
                condition=Q(attendance="pending"),
                name="appointment_pending_end",
            ),
            # The reminder sweep reads only pending rows starting soon.
            models.Index(
                fields=["starts_at"],
                condition=Q(attendance="pending"),
                name="appointment_pending_start",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} with {self.patient} at {self.starts_at:%Y-%m-%d %H:%M}Z"

    def starts_in(self, zone: str) -> datetime:
        return self.starts_at.astimezone(ZoneInfo(zone))

    def ends_in(self, zone: str) -> datetime:
        return self.ends_at.astimezone(ZoneInfo(zone))


class WeeklyHours(models.Model):
    """Hours a coordinator or clinician takes appointments every week: a weekday and a local
    start and end in the practice's time zone."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    staff = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="weekly_hours"
    )
    weekday = models.PositiveSmallIntegerField()  # 0 Monday … 6 Sunday
    starts = models.TimeField()
    ends = models.TimeField()

    history = HistoricalRecords()

    class Meta:
        verbose_name_plural = "weekly hours"
        ordering = ["weekday", "starts"]
        constraints = [
            models.CheckConstraint(condition=Q(weekday__lte=6), name="weekly_hours_weekday"),
            models.CheckConstraint(condition=Q(ends__gt=F("starts")), name="weekly_hours_order"),
        ]

    def __str__(self) -> str:
        return f"{self.staff} weekday {self.weekday} {self.starts}-{self.ends}"


class AvailabilityException(models.Model):
    """A change to one date of a staff member's weekly hours: time off (the whole day when no
    times are given) or extra hours."""

    class Kind(models.TextChoices):
        OFF = "off", "Time off"
        EXTRA = "extra", "Extra hours"

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    staff = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="availability_exceptions"
    )
    kind = models.CharField(max_length=5, choices=Kind.choices)
    on = models.DateField()
    starts = models.TimeField(null=True, blank=True)
    ends = models.TimeField(null=True, blank=True)

    history = HistoricalRecords()

    class Meta:
        ordering = ["on", "starts"]
        constraints = [
            models.CheckConstraint(
                condition=(Q(starts__isnull=True, ends__isnull=True, kind="off"))
                | Q(starts__isnull=False, ends__isnull=False, ends__gt=F("starts")),
                name="availability_exception_times",
            )
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} for {self.staff} on {self.on}"


class OutreachTask(models.Model):
    """Someone reaches out to the patient: after a missed appointment (exactly one per
    appointment), or after a risk alert was resolved (exactly one per alert)."""

    class Kind(models.TextChoices):
        MISSED_SESSION = "missed_session", "Missed session"
        ALERT_FOLLOW_UP = "alert_follow_up", "Follow-up after a risk alert"
        INTAKE_NO_SLOT = "intake_no_slot", "Call to find an intake time"

    class Status(models.TextChoices):
        OPEN = "open", "Open"
        DONE = "done", "Done"

    class Route(models.TextChoices):
        COORDINATOR = "coordinator", "Care coordinator"
        TRUSTED_PERSON = "trusted_person", "Coordinator, trusted person told"
        PEER_SUPPORTER = "peer_supporter", "Peer supporter (patient consented)"
        CLINICIAN = "clinician", "Treating clinician (open risk alert)"

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    kind = models.CharField(max_length=20, choices=Kind.choices, default=Kind.MISSED_SESSION)
    appointment = models.ForeignKey(
        Appointment,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="outreach_tasks",
    )
    risk_alert = models.ForeignKey(
        "crisis.RiskAlert",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="follow_up_tasks",
    )
    # Urgent: raised while the patient had an open risk alert (due within hours, not days).
    urgent = models.BooleanField(default=False)
    patient = models.ForeignKey(Patient, on_delete=models.CASCADE, related_name="outreach_tasks")
    # The staff member who owns the follow-up and whose queue it shows in.
    assigned_to = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    route = models.CharField(max_length=20, choices=Route.choices, default=Route.COORDINATOR)
    trusted_contact = models.ForeignKey(
        "network.SupportContact",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.OPEN)
    due_at = models.DateTimeField()
    created_at = models.DateTimeField()
    escalated_at = models.DateTimeField(null=True, blank=True)
    done_at = models.DateTimeField(null=True, blank=True)

    history = HistoricalRecords()

    class Meta:
        ordering = ["due_at"]
        constraints = [
            models.UniqueConstraint(fields=["appointment"], name="one_outreach_per_appointment"),
            models.UniqueConstraint(fields=["risk_alert"], name="one_follow_up_per_alert"),
            models.UniqueConstraint(
                fields=["patient"],
                condition=Q(kind="intake_no_slot", status="open"),
                name="one_open_intake_time_task",
            ),
        ]
        indexes = [
            models.Index(fields=["assigned_to", "status", "due_at"]),
            # The overdue sweep reads only open tasks not yet escalated.
            models.Index(
                fields=["due_at"],
                condition=Q(status="open", escalated_at__isnull=True),
                name="outreach_open_unescalated",
            ),
        ]

    def __str__(self) -> str:
        after = self.appointment or "a risk alert"
        return f"Outreach to {self.patient} after {after}"

    def is_overdue(self, now: datetime) -> bool:
        return self.status == self.Status.OPEN and self.due_at < now


class OutreachAttempt(models.Model):
    """One try at reaching the patient."""

    class Method(models.TextChoices):
        CALLED = "called", "Called"
        VOICEMAIL = "voicemail", "Left a voicemail"
        TEXTED = "texted", "Texted"
        EMAILED = "emailed", "Emailed"

    class Outcome(models.TextChoices):
        REACHED = "reached", "Reached"
        NOT_REACHED = "not_reached", "Could not reach"

    task = models.ForeignKey(OutreachTask, on_delete=models.CASCADE, related_name="attempts")
    by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    at = models.DateTimeField()
    method = models.CharField(max_length=10, choices=Method.choices)
    outcome = models.CharField(max_length=12, choices=Outcome.choices)
    note = models.CharField(max_length=1000, blank=True)

    class Meta:
        ordering = ["at"]

    def __str__(self) -> str:
        return f"{self.get_method_display()}: {self.get_outcome_display()}"


class PeerOutreachConsent(models.Model):
    """The patient agreed that a named peer supporter may reach out after a missed session.
    Withdrawal is a timestamp, so the history stays."""

    patient = models.ForeignKey(
        Patient, on_delete=models.CASCADE, related_name="peer_outreach_consents"
    )
    peer_supporter = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    granted_at = models.DateTimeField()
    withdrawn_at = models.DateTimeField(null=True, blank=True)

    history = HistoricalRecords()

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["patient"],
                condition=Q(withdrawn_at__isnull=True),
                name="one_active_peer_outreach_consent",
            )
        ]

    def __str__(self) -> str:
        return f"{self.peer_supporter} may reach out to {self.patient}"
