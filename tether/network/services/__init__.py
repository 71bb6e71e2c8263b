"""Writes for the support network, one module per noun; every function here is the only way
its data changes. This package gathers them so callers import from one place.

- contacts.py: the patient's support map, and what they would like help with
- consent.py: what a trusted person may see or be told (the patient's to grant)
- trusted.py: trusted people's links, invitation, answer and check-ins
- safety_plan.py: the patient-kept safety plan, versioned
- errors.py: what the rules refuse

The check-in reminders are a sweep: network/sweeps.py.
"""

from tether.network.services.consent import (
    CHECK_IN_SCHEDULES,
    active_scopes,
    next_nudge,
    set_consent,
    withdraw_consent,
)
from tether.network.services.contacts import (
    add_support,
    remove_support,
    set_help_wanted,
    update_support,
)
from tether.network.services.errors import NetworkError, OnlyThePatientShares, SafetyPlanInvalid
from tether.network.services.safety_plan import (
    clean_safety_plan,
    current_safety_plan,
    save_safety_plan,
)
from tether.network.services.trusted import (
    CheckInRecorded,
    invite_trusted_person,
    record_trusted_check_in,
    respond_to_invitation,
    trusted_link,
)

__all__ = [
    "CHECK_IN_SCHEDULES",
    "CheckInRecorded",
    "NetworkError",
    "OnlyThePatientShares",
    "SafetyPlanInvalid",
    "active_scopes",
    "add_support",
    "clean_safety_plan",
    "current_safety_plan",
    "invite_trusted_person",
    "next_nudge",
    "record_trusted_check_in",
    "remove_support",
    "respond_to_invitation",
    "save_safety_plan",
    "set_consent",
    "set_help_wanted",
    "trusted_link",
    "update_support",
    "withdraw_consent",
]
