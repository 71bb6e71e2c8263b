"""The one screening every free text a patient or trusted person writes passes.

Peer posts and replies, the experience description, what the patient would like help with,
and a trusted person's check-in note all call `screen_text` inside the transaction that saves
the words, so the words, the screened copy and any risk alert are saved together or not at
all. The safety plan is exempt: it is meant to name warning signs.

What a result means:
- crisis: a risk alert for the patient's care team (or a further signal on the alert they
  already have open, which `raise_risk_alert` decides), and a ScreenedText linked to it. The
  writer sees the crisis resources instead of the ordinary reply.
- concern: a ScreenedText for a human to look at soon (the moderator's queue for peer posts,
  the staff review page for the rest); no alert.
- none: nothing is stored. "Not flagged" never means "safe".

Detection only puts a human's eyes on the words sooner; it never hides, delays or refuses
what someone wrote.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from django.db import transaction
from django.utils import timezone

from tether.accounts.models import Patient, User
from tether.crisis import language
from tether.crisis.language import CONCERN, CRISIS, NONE
from tether.crisis.models import RiskAlert, ScreenedText
from tether.crisis.services import raise_risk_alert
from tether.lib.history import record_update

# Routes where a peer supporter reads the text in a moderation queue; the care team sees
# the post itself on the alert page, so the alert does not quote it.
MODERATED_ROUTES = frozenset({ScreenedText.Route.PEER_POST})
_STORED_TIER = {CRISIS: ScreenedText.Tier.CRISIS, CONCERN: ScreenedText.Tier.CONCERN}


@dataclass(frozen=True)
class Screening:
    tier: str  # CRISIS | CONCERN | NONE
    reasons: tuple[str, ...]
    alert: RiskAlert | None  # the alert raised (or the open one it was added to)
    screened: ScreenedText | None

    @property
    def is_crisis(self) -> bool:
        return self.tier == CRISIS

    @property
    def is_concern(self) -> bool:
        return self.tier == CONCERN

    @property
    def reason(self) -> str:
        """One line for a reviewer: what the detector saw."""
        return "; ".join(self.reasons)


NOTHING = Screening(tier=NONE, reasons=(), alert=None, screened=None)


def detect(text: str, *, about_patient: bool = False) -> language.CrisisSignal:
    """Run the detector. Callers that must know the tier before their transaction (the post
    rate limit) call this and hand the signal to `screen_text`. `about_patient`: the text is
    someone else's words about the patient (a trusted person's note), so "she"/"he"/"they"
    are read as the patient."""
    return language.detect(text, about_patient=about_patient)


def _alert_detail(
    *, route: str, text: str, reason: str, written_by_name: str, moderated: bool
) -> str:
    if moderated:
        # No pseudonym, no group-identifying words: the post is on the alert page.
        return f"Possible crisis language in a peer group post: {reason}."
    by = f" by {written_by_name}" if written_by_name else ""
    label = ScreenedText.Route(route).label
    return f"Possible crisis language in “{label}”{by}: {reason}.\nThey wrote: “{text}”"


@transaction.atomic
def screen_text(
    *,
    patient: Patient,
    text: str,
    route: ScreenedText.Route,
    written_by: User | None,
    written_by_name: str = "",
    moderated: bool = False,
    at: datetime | None = None,
    signal: language.CrisisSignal | None = None,
) -> Screening:
    """Screen `text` written about `patient` (by the patient, or by a trusted person named
    `written_by_name` with `written_by` None) and store what a human must see. Call it inside
    the transaction that saves the words. `moderated`: a peer supporter will read the text in
    their queue, so the alert names the route without quoting it. `signal`: the detector's
    result when the caller already has it."""
    text = (text or "").strip()
    if not text:
        return NOTHING
    if signal is None and route == ScreenedText.Route.TRUSTED_NOTE:
        signal = detect(text, about_patient=True)  # "she", "he", "they" are the patient
    elif signal is None:
        signal = detect(text)
    tier = signal.tier
    if tier not in _STORED_TIER:
        return Screening(tier=NONE, reasons=tuple(signal.reasons), alert=None, screened=None)
    at = at or timezone.now()
    reason = signal.reason or "flagged by the detector"
    alert = None
    if tier == CRISIS:
        alert = raise_risk_alert(
            patient=patient,
            reason=RiskAlert.Reason.CRISIS_LANGUAGE,
            raised_by=written_by,
            detail=_alert_detail(
                route=route,
                text=text,
                reason=reason,
                written_by_name=written_by_name,
                moderated=moderated,
            ),
            at=at,
        )
    screened = ScreenedText.objects.create(
        patient=patient,
        route=route,
        tier=_STORED_TIER[tier],
        text=text,
        reasons=reason[:500],
        written_by_name=written_by_name[:120],
        alert=alert,
        created_at=at,
    )
    return Screening(tier=tier, reasons=tuple(signal.reasons), alert=alert, screened=screened)


@transaction.atomic
def mark_screened_text_seen(
    *, screened: ScreenedText, by: User, at: datetime | None = None
) -> ScreenedText:
    """Record that a member of the care team has read the text. Marking twice keeps the first
    reader."""
    at = at or timezone.now()
    if ScreenedText.objects.filter(pk=screened.pk, reviewed_at__isnull=True).update(
        reviewed_at=at, reviewed_by=by
    ):
        record_update(ScreenedText.objects.filter(pk=screened.pk))
    screened.refresh_from_db(fields=["reviewed_at", "reviewed_by"])
    return screened
