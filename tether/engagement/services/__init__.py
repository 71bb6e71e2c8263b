"""Writes for programs, appointments and missed-session outreach, one module per noun; this
package gathers them so callers import from one place.

- programs.py: programs and the intake gate (enrollment, recording the intake call)
- availability.py: published weekly hours and exceptions, and the free slots they give
- booking.py: booking from free slots (the intake call too), cancel, reschedule
- appointments.py: booking (one or a series), attendance, claiming a missed appointment
- outreach.py: the outreach task's owner and due time, trusted people, attempts, escalation

Rules:
- An enrollment starts awaiting intake; only a recorded intake call makes it active.
- A missed appointment gets exactly one outreach task: a unique constraint on the appointment
  stops a second one, and the sweep claims each appointment with a conditional UPDATE so two
  runs or two workers never both act on it.
- Routing: the patient's care coordinator owns the task by default (the practice admin when
  there is none). When the patient has consented to a named peer supporter reaching out, the
  task goes to that peer supporter's queue instead (the coordinator still sees it and it still
  escalates). When the patient has consented to a trusted person being told about a missed
  session, and that person accepted, they also get a gentle email with no clinical detail,
  and the task records that they were told.
- While the patient has an unresolved risk alert, a missed session is not routine: the task
  is urgent, owned by the treating clinician (the coordinator when the team has no active
  clinician), due within 2 hours, never routed to a peer supporter, and no trusted person is
  emailed (the routine note says there is no need to worry, which would not be true; any
  other wording would hint at the alert, so they are told nothing and the clinician decides).
- A task is due at 17:00 on the next business day in the practice's time zone; an
  unreached patient gets a second attempt due the next business day (urgent: within 2 hours
  again); an open task past its due time escalates once to the practice admin.
"""

from tether.engagement.schedule import Invalid as EngagementInvalid
from tether.engagement.services.appointments import (
    MISSED_GRACE,
    book_appointment,
    claim_missed,
    create_series,
    record_attendance,
)
from tether.engagement.services.availability import (
    BOOKABLE_ROLES,
    STAFF_BOOKING_DAYS,
    Slot,
    add_exception,
    free_slots_of,
    intake_slots,
    intake_target_days,
    set_weekly_hours,
)
from tether.engagement.services.booking import (
    NOTICE,
    SlotTaken,
    ask_coordinator_to_find_time,
    book_intake_call,
    book_slot,
    cancel_appointment,
    reschedule_appointment,
)
from tether.engagement.services.outreach import (
    URGENT_WITHIN,
    clinician_for_urgent_outreach,
    escalate_outreach,
    open_outreach_task,
    peer_supporter_for_outreach,
    record_outreach_attempt,
    set_peer_outreach,
    trusted_person_for_missed_session,
)
from tether.engagement.services.programs import (
    create_program,
    enroll_patient,
    record_intake_call,
)

__all__ = [
    "BOOKABLE_ROLES",
    "NOTICE",
    "STAFF_BOOKING_DAYS",
    "Slot",
    "SlotTaken",
    "add_exception",
    "ask_coordinator_to_find_time",
    "book_slot",
    "cancel_appointment",
    "free_slots_of",
    "intake_slots",
    "intake_target_days",
    "reschedule_appointment",
    "set_weekly_hours",
    "MISSED_GRACE",
    "URGENT_WITHIN",
    "EngagementInvalid",
    "book_appointment",
    "book_intake_call",
    "claim_missed",
    "clinician_for_urgent_outreach",
    "create_program",
    "create_series",
    "enroll_patient",
    "escalate_outreach",
    "open_outreach_task",
    "peer_supporter_for_outreach",
    "record_attendance",
    "record_intake_call",
    "record_outreach_attempt",
    "set_peer_outreach",
    "trusted_person_for_missed_session",
]
