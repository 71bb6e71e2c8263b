"""Risk alerts, the words screening put in front of a human, C-SSRS screens and the on-call
rota."""

from django.db.models import Exists, OuterRef, Q, QuerySet
from django.http import Http404

from tether.access.lookup import one_or_404
from tether.access.patients import is_care_staff, visible_patients
from tether.access.staff import is_practice_admin
from tether.accounts.models import User
from tether.crisis.models import AlertEvent, OnCallShift, RiskAlert, RiskScreen, ScreenedText
from tether.lib.reads import door


@door("risk alerts")
def visible_alerts(user: User) -> QuerySet[RiskAlert]:
    """Return the risk alerts `user` may see: those of patients they may see, and — for care
    staff — those of their own practice they were paged about (on call, backup), even when
    the patient is not on their care team."""
    mine = Q(patient__in=visible_patients(user))
    if is_care_staff(user) and user.practice_id is not None:
        paged = AlertEvent.objects.filter(alert=OuterRef("pk"), recipient=user)
        mine |= Q(patient__practice_id=user.practice_id) & Q(Exists(paged))
    return RiskAlert.objects.filter(mine)


@door("risk alerts")
def get_alert_for_staff(user: User, alert_id: object) -> RiskAlert:
    """Return an alert that `user` may act on (acknowledge, resolve), else raise Http404.
    Only care staff act on alerts; a patient may see that one exists but not change it."""
    if not is_care_staff(user):
        raise Http404("No such alert.")
    return one_or_404(visible_alerts(user).select_related("patient"), alert_id, "alert")


@door("words flagged for review")
def visible_screened_texts(user: User) -> QuerySet[ScreenedText]:
    """Return the screened texts `user` may review: care staff only, for patients they may
    see. Peer supporters and patients get none."""
    if not is_care_staff(user):
        return ScreenedText.objects.none()
    return ScreenedText.objects.filter(patient__in=visible_patients(user))


@door("words flagged for review")
def get_screened_text_for_staff(user: User, screened_id: object) -> ScreenedText:
    """Return one screened text `user` may review (mark as seen), else raise Http404."""
    texts = visible_screened_texts(user).select_related("patient")
    return one_or_404(texts, screened_id, "text")


@door("safety screening answers")
def visible_risk_screens(user: User) -> QuerySet[RiskScreen]:
    """Return the C-SSRS screens of the patients `user` may see (a patient: their own)."""
    return RiskScreen.objects.filter(patient__in=visible_patients(user))


@door("safety screening answers")
def get_risk_screen(user: User, screen_id: object) -> RiskScreen:
    """Return a C-SSRS screen of a patient `user` may see, else raise Http404."""
    screens = visible_risk_screens(user).select_related("alert", "patient")
    return one_or_404(screens, screen_id, "screen")


def may_change_rota(user: User, practice_id: object) -> bool:
    """Return whether `user` may add and remove on-call shifts of the practice: its active
    admins only. Everyone on the practice's staff may read the rota."""
    return is_practice_admin(user, practice_id)


def get_shift_for_admin(user: User, shift_id: object) -> OnCallShift:
    """Return an on-call shift of `user`'s practice that they may change (remove), else raise
    Http404: only the practice's admins change the rota."""
    practice_id = user.practice_id if user.is_authenticated else None
    if practice_id is None or not may_change_rota(user, practice_id):
        raise Http404("No such shift.")
    return one_or_404(OnCallShift.objects.filter(practice_id=practice_id), shift_id, "shift")
