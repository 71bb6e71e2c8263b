"""The practice admin's staff pages: the list with caseloads, adding, editing, closing and
reopening an account, and moving a departing colleague's patients in one step."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db.models import Count
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from tether import access
from tether.access.decorators import admin_required
from tether.accounts.http import AuthenticatedRequest
from tether.accounts.models import CARE_TEAM_ROLES, User
from tether.accounts.services import CareTeamError
from tether.lib.forms import add_problems
from tether.staffing import services
from tether.staffing.forms import ReassignForm, StaffForm
from tether.staffing.work import caseloads, open_work


def _show_model_errors(form: StaffForm, error: ValidationError) -> None:
    for field, problems in error.message_dict.items():
        form.add_error(field if field in form.fields else None, problems)


@admin_required
def staff_list(request: AuthenticatedRequest) -> HttpResponse:
    """The practice's staff, active first, with each care-team member's caseload."""
    practice = access.my_practice(request.user)
    staff = access.managed_staff(request.user).annotate(patients=Count("care_teams"))
    return render(
        request,
        "staffing/staff_list.html",
        {
            "active": [s for s in staff if s.is_active],
            "closed": [s for s in staff if not s.is_active],
            "caseloads": caseloads(practice),
            "limit": practice.caseload_limit,
        },
    )


@admin_required
def staff_add(request: AuthenticatedRequest) -> HttpResponse:
    """Add a staff member; they are emailed a link to set their password."""
    practice = access.my_practice(request.user)
    form = StaffForm(request.POST or None, country=practice.country)
    if request.method == "POST" and form.is_valid():
        try:
            staff = services.add_staff(practice=practice, details=form.details())
        except services.StaffInvalid as error:
            add_problems(form, error)
        except ValidationError as error:
            _show_model_errors(form, error)
        else:
            messages.success(
                request,
                f"{staff.display_name} was added with username {staff.get_username()}. "
                "We emailed them a link to set their password.",
            )
            return redirect("staff_list")
    return render(request, "staffing/staff_form.html", {"form": form, "staff": None})


@admin_required
def staff_edit(request: AuthenticatedRequest, staff_id: int) -> HttpResponse:
    """A staff member's details, the work they hold, and closing or reopening their account."""
    staff = access.get_managed_staff(request.user, staff_id)
    practice = access.my_practice(request.user)
    form = StaffForm(
        request.POST or None, country=practice.country, initial=StaffForm.initial_for(staff)
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.update_staff(staff=staff, by=request.user, details=form.details())
        except services.StaffInvalid as error:
            add_problems(form, error)
        except ValidationError as error:
            _show_model_errors(form, error)
        else:
            messages.success(request, f"{staff.display_name}'s details were saved.")
            return redirect("staff_edit", staff_id=staff.pk)
    return _staff_page(request, staff, form=form)


def _colleagues(user: User, staff: User) -> object:
    if staff.role not in CARE_TEAM_ROLES:
        return User.objects.none()
    return access.managed_staff(user).filter(role=staff.role, is_active=True).exclude(pk=staff.pk)


def _staff_page(
    request: AuthenticatedRequest,
    staff: User,
    *,
    form: StaffForm | None = None,
    reassign: ReassignForm | None = None,
    status: int = 200,
) -> HttpResponse:
    practice = access.my_practice(request.user)
    if form is None:
        form = StaffForm(country=practice.country, initial=StaffForm.initial_for(staff))
    if reassign is None:
        reassign = ReassignForm(colleagues=_colleagues(request.user, staff))
    return render(
        request,
        "staffing/staff_form.html",
        {
            "form": form,
            "staff": staff,
            "work": open_work(staff),
            "reassign": reassign,
            "limit": practice.caseload_limit,
        },
        status=status,
    )


@admin_required
@require_POST
def staff_deactivate(request: AuthenticatedRequest, staff_id: int) -> HttpResponse:
    """Close a staff member's account, unless they still hold work (then say what)."""
    staff = access.get_managed_staff(request.user, staff_id)
    try:
        services.deactivate_staff(staff=staff, by=request.user)
    except services.StillHoldsWork:
        messages.error(
            request,
            f"{staff.display_name}'s account stays open until the work below is reassigned.",
        )
        return _staff_page(request, staff, status=409)
    except services.StaffInvalid as error:
        messages.error(request, str(error))
        return _staff_page(request, staff, status=400)
    messages.success(request, f"{staff.display_name}'s account is closed. You can reopen it.")
    return redirect("staff_list")


@admin_required
@require_POST
def staff_reactivate(request: AuthenticatedRequest, staff_id: int) -> HttpResponse:
    """Reopen a closed staff account."""
    staff = access.get_managed_staff(request.user, staff_id)
    services.reactivate_staff(staff=staff)
    messages.success(request, f"{staff.display_name}'s account is open again.")
    return redirect("staff_edit", staff_id=staff.pk)


@admin_required
@require_POST
def staff_send_link(request: AuthenticatedRequest, staff_id: int) -> HttpResponse:
    """Email a staff member a fresh link to set their password."""
    staff = access.get_managed_staff(request.user, staff_id)
    if not staff.is_active or not staff.email:
        messages.error(request, "Only an open account with an email address can get a link.")
    else:
        services.send_password_link(staff=staff)
        messages.success(request, f"We emailed {staff.display_name} a link to set their password.")
    return redirect("staff_edit", staff_id=staff.pk)


@admin_required
@require_POST
def staff_reassign(request: AuthenticatedRequest, staff_id: int) -> HttpResponse:
    """Move every patient of a staff member to one colleague, in one step."""
    staff = access.get_managed_staff(request.user, staff_id)
    form = ReassignForm(request.POST, colleagues=_colleagues(request.user, staff))
    if not form.is_valid():
        return _staff_page(request, staff, reassign=form, status=400)
    to = form.cleaned_data["to"]
    try:
        moved = services.reassign_caseload(departing=staff, to=to, by=request.user)
    except CareTeamError as error:
        form.add_error("to", str(error))
        return _staff_page(request, staff, reassign=form, status=400)
    messages.success(
        request,
        f"{moved} patient{'s' if moved != 1 else ''} moved from {staff.display_name} to "
        f"{to.display_name}. Each patient was told their care team changed.",
    )
    return redirect("staff_edit", staff_id=staff.pk)
