"""What the support pages show, worked out once for the patient's pages, the staff pages
and the staff patient page: the five layers with each support's state and warnings in words,
the plan's steps as links, and where each action lives for the patient or for staff."""

from dataclasses import dataclass, field

from django.urls import reverse

from tether.access.links import Purpose
from tether.accounts.models import Patient
from tether.network.analysis import Analysis, Support
from tether.network.layers import LAYER_ORDER, Layer
from tether.network.models import KIND_LAYER, ConsentScope, SupportContact
from tether.network.selectors import NetworkView, network_for
from tether.network.services import current_safety_plan, trusted_link

LAYER_KIND = {layer: kind for kind, layer in KIND_LAYER.items()}
# Keyed by kind value: a SupportContact.Kind member is the str it stands for.
ADD_LABEL: dict[str, str] = {
    SupportContact.Kind.CRISIS_RESOURCE: "Save a crisis line",
    SupportContact.Kind.TRUSTED_PERSON: "Add a person you trust",
    SupportContact.Kind.PEER_GROUP: "Add a peer group",
    SupportContact.Kind.PROFESSIONAL: "Add a professional",
    SupportContact.Kind.PROGRAM: "Add a program",
}
STAFF_NAMES = {"my_support": "staff_support"}


def page_url(name: str, patient: Patient, *, staff: bool, args: tuple = ()) -> str:
    """Return the URL of one of these pages, for the patient or for staff with them."""
    if staff:
        return reverse(STAFF_NAMES.get(name, f"staff_{name}"), args=[patient.pk, *args])
    return reverse(name, args=args)


def action_url(action: str, patient: Patient, *, staff: bool) -> str:
    """Turn a plan step's action name into the page where the patient can take it."""
    prefix = "support_add_"
    if action.startswith(prefix) and action[len(prefix) :] in SupportContact.Kind.values:
        return page_url("support_add_kind", patient, staff=staff, args=(action[len(prefix) :],))
    if action in ("my_support", "safety_plan_edit"):
        return page_url(action, patient, staff=staff)
    return page_url("my_support", patient, staff=staff)


# --- What the map shows -------------------------------------------------------------------


@dataclass
class TrustedStatus:
    """A trusted person's invitation and what the patient shares with them."""

    invitation: str
    shared: list[str]
    last_check_in: object
    invite_url: str = ""
    sharing_url: str = ""
    stop_url: str = ""
    invitation_link: str = ""
    # Suggested by the care team, waiting for the patient: (scope, label) pairs.
    suggested: list[tuple[str, str]] = field(default_factory=list)
    share_suggested_url: str = ""  # the patient's "Share this" / "Share all of these"
    not_now_url: str = ""
    suggest_url: str = ""  # staff: suggest what the patient could share
    suggest_choices: list[tuple[str, str, bool]] = field(default_factory=list)


@dataclass
class Entry:
    """One support in one layer, with what it is and what to watch, in words."""

    name: str
    what: str
    state: str
    active: bool
    warnings: list[str] = field(default_factory=list)
    contact: SupportContact | None = None
    edit_url: str = ""
    remove_url: str = ""
    trusted: TrustedStatus | None = None
    link_url: str = ""  # for supports managed elsewhere, e.g. the safety plan
    link_label: str = ""


@dataclass
class LayerRow:
    layer: Layer
    entries: list[Entry]
    status: str  # empty, single or held: a CSS hook, always said in words as well
    words: str
    add_url: str
    add_label: str


def _layer_words(active: int, inactive: int) -> tuple[str, str]:
    if active == 0:
        if inactive:
            return "empty", "No one active here right now"
        return "empty", "No one here yet"
    if active == 1:
        return "single", "Only one support here — if it's unavailable, this layer is empty"
    return "held", f"Held by {active} supports"


def _warnings(analysis: Analysis) -> dict[str, list[str]]:
    found: dict[str, list[str]] = {}
    for lapse in analysis.lapses:
        found.setdefault(lapse.support.key, []).append(lapse.reason)
    for load in analysis.loads:
        found.setdefault(load.support.key, []).append(
            f"{load.support.name} has done {load.check_ins} of the last {load.total} check-ins "
            "— that's a lot for one person to carry."
        )
    return found


def _trusted_status(contact: SupportContact, patient: Patient, *, staff: bool) -> TrustedStatus:
    # Consents come prefetched with the contacts, so this reads no more rows.
    active = {c.scope for c in contact.consents.all() if c.withdrawn_at is None}
    suggested = set(contact.suggested_scopes or []) - active
    status = TrustedStatus(
        invitation=contact.get_invitation_display(),
        shared=[label for value, label in ConsentScope.choices if value in active],
        last_check_in=contact.last_checked_in_at,
        suggested=[(value, label) for value, label in ConsentScope.choices if value in suggested],
    )
    args = (contact.pk,)
    if staff:
        # What to share is the patient's own choice, made on their pages: staff only suggest.
        status.suggest_url = reverse("staff_support_suggest", args=[patient.pk, contact.pk])
        status.suggest_choices = [
            (value, label, value in suggested)
            for value, label in ConsentScope.choices
            if value not in active
        ]
        return status
    if suggested:
        status.share_suggested_url = reverse("support_share_suggested", args=args)
        status.not_now_url = reverse("support_suggestions_aside", args=args)
    invited = contact.invitation in (
        SupportContact.Invitation.INVITED,
        SupportContact.Invitation.ACCEPTED,
    )
    if invited:
        status.sharing_url = page_url("support_sharing", patient, staff=False, args=args)
    else:
        status.invite_url = page_url("support_invite", patient, staff=False, args=args)
    if active:
        status.stop_url = page_url("support_stop_sharing", patient, staff=False, args=args)
    if contact.invitation == SupportContact.Invitation.INVITED and active:
        status.invitation_link = trusted_link(contact, Purpose.INVITATION)
    return status


def _entry(
    support: Support, contacts: dict, warnings: dict, patient: Patient, *, staff: bool
) -> Entry:
    contact = contacts.get(support.key)
    if contact is None:
        what = {
            "care_team": "Care team" if staff else "Your care team",
            "safety_plan": "Safety plan",
            "peer_group": "Peer group on Tether",
        }.get(support.kind, "Known to Tether")
        entry = Entry(
            name=support.name,
            what=what,
            state="Active" if support.active else "Not active",
            active=support.active,
            warnings=warnings.get(support.key, []),
        )
        if support.kind == "safety_plan":
            entry.link_url = page_url("safety_plan", patient, staff=staff)
            entry.link_label = "Read the plan" if staff else "Read my plan"
        elif support.kind == "peer_group" and not staff:
            entry.link_url, entry.link_label = reverse("my_groups"), "Open my groups"
        return entry
    args = (contact.pk,)
    return Entry(
        name=contact.name,
        what=contact.get_kind_display(),
        state=contact.get_state_display(),
        active=support.active,
        warnings=warnings.get(support.key, []),
        contact=contact,
        edit_url=page_url("support_edit", patient, staff=staff, args=args),
        remove_url=page_url("support_remove", patient, staff=staff, args=args),
        trusted=_trusted_status(contact, patient, staff=staff)
        if contact.is_trusted_person
        else None,
    )


def layer_rows(network: NetworkView, patient: Patient, *, staff: bool) -> list[LayerRow]:
    """Return the five layers in the practice's order, each with its supports in words."""
    contacts = {f"contact:{c.pk}": c for c in network.contacts}
    warnings = _warnings(network.analysis)
    rows = []
    for layer in LAYER_ORDER:
        status = network.analysis.layers[layer]
        supports = [*status.active, *status.inactive]
        state, words = _layer_words(len(status.active), len(status.inactive))
        kind = LAYER_KIND[layer]
        rows.append(
            LayerRow(
                layer=layer,
                entries=[_entry(s, contacts, warnings, patient, staff=staff) for s in supports],
                status=state,
                words=words,
                add_url=page_url("support_add_kind", patient, staff=staff, args=(kind,)),
                add_label=ADD_LABEL[kind],
            )
        )
    return rows


def network_context(patient: Patient, *, staff: bool) -> dict:
    """Return what the support section shows: the summary, the plan, the five layers, the
    gaps from perceived support and the safety plan's status."""
    network = network_for(patient)
    return {
        "patient": patient,
        "staff": staff,
        "network": network,
        "summary": network.analysis.summary(),
        "plan": [(step, action_url(step.action, patient, staff=staff)) for step in network.plan],
        "layers": layer_rows(network, patient, staff=staff),
        "safety_plan": current_safety_plan(patient),
        "support_url": page_url("my_support", patient, staff=staff),
        "safety_plan_url": page_url("safety_plan", patient, staff=staff),
        "safety_plan_edit_url": page_url("safety_plan_edit", patient, staff=staff),
        "add_url": page_url("support_add", patient, staff=staff),
    }
