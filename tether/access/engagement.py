"""Programs, appointments, enrollments and outreach."""

from django.db.models import QuerySet
from django.http import Http404

from tether.access.lookup import one_or_404
from tether.access.patients import is_care_staff, visible_patients
from tether.accounts.models import Role, User
from tether.engagement.models import Appointment, Enrollment, OutreachTask, Program
from tether.lib.reads import door

# Who works outreach tasks: care staff, and peer supporters for the tasks routed to them.
OUTREACH_ROLES = (Role.COORDINATOR, Role.CLINICIAN, Role.ADMIN, Role.PEER_SUPPORTER)


@door("appointments")
def visible_appointments(user: User) -> QuerySet[Appointment]:
    """Return the appointments of the patients `user` may see."""
    return Appointment.objects.filter(patient__in=visible_patients(user))


@door("appointments")
def get_appointment(user: User, appointment_id: object) -> Appointment:
    """Return an appointment of a patient `user` may see, else raise Http404."""
    appointments = visible_appointments(user).select_related("patient", "patient__practice")
    return one_or_404(appointments, appointment_id, "appointment")


@door("appointments")
def get_appointment_for_staff(user: User, appointment_id: object) -> Appointment:
    """Return an appointment `user` may change (record attendance), else raise Http404. Only
    care staff change appointments."""
    if not is_care_staff(user):
        raise Http404("No such appointment.")
    return get_appointment(user, appointment_id)


@door("program enrollments")
def visible_enrollments(user: User) -> QuerySet[Enrollment]:
    """Return the program enrollments of the patients `user` may see."""
    return Enrollment.objects.filter(patient__in=visible_patients(user))


@door("program enrollments")
def get_enrollment(user: User, enrollment_id: object) -> Enrollment:
    """Return an enrollment of a patient `user` may see, else raise Http404."""
    enrollments = visible_enrollments(user).select_related(
        "program", "patient", "patient__practice"
    )
    return one_or_404(enrollments, enrollment_id, "enrollment")


@door("program enrollments")
def get_enrollment_for_staff(user: User, enrollment_id: object) -> Enrollment:
    """Return an enrollment `user` may act on (record the intake call), else raise Http404."""
    if not is_care_staff(user):
        raise Http404("No such enrollment.")
    return get_enrollment(user, enrollment_id)


@door("outreach tasks")
def visible_outreach_tasks(user: User) -> QuerySet[OutreachTask]:
    """Return the outreach tasks `user` works: care staff, for patients they may see; a peer
    supporter, only the tasks the patient consented to route to them (never the record)."""
    if not user.is_authenticated or not user.is_active:
        return OutreachTask.objects.none()
    if user.role == Role.PEER_SUPPORTER and user.practice_id is not None:
        return OutreachTask.objects.filter(
            assigned_to=user,
            route=OutreachTask.Route.PEER_SUPPORTER,
            patient__practice_id=user.practice_id,
        )
    if not is_care_staff(user):
        return OutreachTask.objects.none()
    return OutreachTask.objects.filter(patient__in=visible_patients(user))


@door("outreach tasks")
def get_outreach_task(user: User, task_id: object) -> OutreachTask:
    """Return an outreach task `user` may work on, else raise Http404."""
    tasks = visible_outreach_tasks(user).select_related("patient__practice")
    return one_or_404(tasks, task_id, "outreach task")


def visible_programs(user: User) -> QuerySet[Program]:
    """Return the programs of `user`'s practice."""
    if not user.is_authenticated or not user.is_active or user.practice_id is None:
        return Program.objects.none()
    return Program.objects.filter(practice_id=user.practice_id)


def managed_programs(user: User) -> QuerySet[Program]:
    """Return the programs `user` manages (adds, changes, archives): every program of their
    own practice for an active admin; none for anyone else."""
    if user.is_authenticated and user.role == Role.ADMIN:
        return visible_programs(user)
    return Program.objects.none()


def get_managed_program(user: User, program_id: object) -> Program:
    """Return a program `user` manages (managed_programs), else raise Http404."""
    return one_or_404(managed_programs(user), program_id, "program")


# Who publishes bookable hours (and takes booked appointments).
BOOKABLE_ROLES = (Role.COORDINATOR, Role.CLINICIAN)


def may_publish_availability(user: User) -> bool:
    """Return whether `user` publishes their own bookable hours: an active coordinator or
    clinician of a practice."""
    return (
        user.is_authenticated
        and user.is_active
        and user.practice_id is not None
        and user.role in BOOKABLE_ROLES
    )


def bookable_colleagues(user: User) -> QuerySet[User]:
    """Return the staff whose free slots `user` may book a patient into: for care staff, the
    active coordinators and clinicians of their own practice; for anyone else, nobody."""
    if not is_care_staff(user) or user.practice_id is None:
        return User.objects.none()
    return User.objects.filter(
        practice_id=user.practice_id, role__in=BOOKABLE_ROLES, is_active=True
    ).order_by("first_name", "last_name", "pk")


def get_bookable_colleague(user: User, staff_id: object) -> User:
    """Return a colleague whose slots `user` may book into, else raise Http404."""
    return one_or_404(bookable_colleagues(user).select_related("practice"), staff_id, "colleague")


@door("appointments")
def get_appointment_to_change(user: User, appointment_id: object) -> Appointment:
    """Return a pending appointment `user` may cancel or move, else raise Http404: a patient
    their own; care staff those of the patients they may see."""
    if not user.is_authenticated or not user.is_active:
        raise Http404("No such appointment.")
    appointments = visible_appointments(user).filter(attendance=Appointment.Attendance.PENDING)
    if user.role != Role.PATIENT and not is_care_staff(user):
        raise Http404("No such appointment.")
    return one_or_404(
        appointments.select_related("patient__practice", "staff__practice"),
        appointment_id,
        "appointment",
    )
