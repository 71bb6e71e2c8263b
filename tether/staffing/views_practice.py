"""A patient's care team (changed by a coordinator or admin) and the practice's settings page
(admins), with the record of every settings change."""

from django.contrib import messages
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render

from tether import access
from tether.access.decorators import admin_required, role_required
from tether.accounts.http import AuthenticatedRequest
from tether.accounts.models import Role
from tether.accounts.services import CareTeamError
from tether.staffing import services
from tether.staffing.forms import CareTeamForm, PracticeSettingsForm
from tether.staffing.work import care_team_of, team_history

SETTINGS_HISTORY_SHOWN = 20
LABELS = {name: field.label for name, field in PracticeSettingsForm.base_fields.items()}


@role_required(Role.COORDINATOR, Role.ADMIN)
def care_team_edit(request: AuthenticatedRequest, patient_id: str) -> HttpResponse:
    """Change a patient's coordinator and clinicians."""
    patient = access.get_patient(request.user, patient_id)
    if not access.may_change_care_team(request.user, patient):
        raise Http404("Not found.")
    team = care_team_of(patient)
    initial = {"coordinator": team.coordinator, "clinicians": team.clinicians}
    form = CareTeamForm(
        request.POST or None,
        initial=initial,
        coordinators=access.my_practice_staff(request.user, Role.COORDINATOR),
        clinicians=access.my_practice_staff(request.user, Role.CLINICIAN),
    )
    if request.method == "POST" and form.is_valid():
        try:
            changed = services.change_care_team(
                patient=patient,
                by=request.user,
                coordinator=form.cleaned_data["coordinator"],
                clinicians=list(form.cleaned_data["clinicians"]),
            )
        except CareTeamError as error:
            form.add_error(None, str(error))
        else:
            messages.success(
                request,
                f"{patient.called}'s care team was changed; we let them know."
                if changed
                else "Nothing changed.",
            )
            if access.visible_patients(request.user).filter(pk=patient.pk).exists():
                return redirect("staff_patient", patient_id=patient.pk)
            return redirect("caseload")
    history = team_history(patient)
    return render(
        request,
        "staffing/care_team.html",
        {"form": form, "patient": patient, "history": history},
        status=400 if request.method == "POST" else 200,
    )


@admin_required
def practice_settings(request: AuthenticatedRequest) -> HttpResponse:
    """The practice's settings, and who changed them when."""
    practice = access.my_practice(request.user)
    form = PracticeSettingsForm(request.POST or None, instance=practice)
    if request.method == "POST":
        if form.is_valid():
            services.save_practice_settings(practice=form.instance, by=request.user)
            messages.success(request, "The practice's settings were saved.")
            return redirect("practice_settings")
    changes = []
    records = list(
        practice.history.select_related("history_user").order_by("-history_date", "-pk")[
            : SETTINGS_HISTORY_SHOWN + 1
        ]
    )
    for newer, older in zip(records, records[1:], strict=False):
        delta = newer.diff_against(older)
        changes.append(
            {
                "when": newer.history_date,
                "who": newer.history_user.display_name if newer.history_user else "Tether",
                "fields": [str(LABELS.get(c.field, c.field)) for c in delta.changes],
            }
        )
    return render(
        request,
        "staffing/practice_settings.html",
        {"form": form, "changes": [c for c in changes if c["fields"]]},
        status=400 if request.method == "POST" else 200,
    )
