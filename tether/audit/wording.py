"""An audit row in plain words, for the patient's "Who has seen my record" page and the
admins' report."""

from tether.audit.models import AuditEvent


def who(event: AuditEvent) -> str:
    """Return who did it: "Dana Rivera (clinician)", "Maria (trusted person)"."""
    if event.actor is not None:
        name = event.actor.get_full_name() or event.actor.username
        return f"{name} ({event.actor.get_role_display().lower()})"
    return event.actor_label or "Someone with a link"


def did_what(event: AuditEvent) -> str:
    """Return what they did, addressed to the patient: "looked at your check-in scores"."""
    what = event.what or "record"
    if event.action == AuditEvent.Action.EXPORTED:
        return f"downloaded a list that included your {what}"
    if event.action == AuditEvent.Action.PSEUDONYM_REVEALED:
        return "looked up which name in a peer group is yours"
    return f"looked at your {what}"
