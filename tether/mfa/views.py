"""The second sign-in step: setting up an authenticator app, entering a code, the recovery
codes (shown once), one's own settings, and the admin's reset of a colleague's factor."""

from urllib.parse import urlencode

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.template.defaultfilters import pluralize
from django.urls import reverse
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_POST

from tether import access
from tether.access.decorators import admin_required
from tether.accounts.http import AuthenticatedRequest
from tether.mfa import services
from tether.mfa.forms import CodeForm
from tether.mfa.policy import HAS_FACTOR_SESSION_KEY, has_second_factor, must_have_second_factor

# The recovery codes just made, kept in the session until the one page that shows them.
NEW_CODES_SESSION_KEY = "mfa_new_recovery_codes"


def _next(request: AuthenticatedRequest) -> str:
    """Return where to go once the step is done: the page asked for, if it is ours."""
    wanted = request.POST.get("next") or request.GET.get("next") or ""
    if url_has_allowed_host_and_scheme(
        wanted, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return wanted
    return "/"


def _wrong_code(form: CodeForm, check: services.Check) -> None:
    if check.locked_until is not None:
        seconds = max(1, int((check.locked_until - timezone.now()).total_seconds()) + 1)
        form.add_error(
            "code",
            f"Too many codes that did not match. Please wait {seconds} "
            f"second{pluralize(seconds)} and try again.",
        )
    else:
        form.add_error("code", "That code did not match. Please check it and try again.")


@login_required
def verify(request: AuthenticatedRequest) -> HttpResponse:
    """Ask for a code from the person's app, or one of their recovery codes."""
    user = request.user
    if user.is_verified():  # type: ignore[attr-defined]
        return redirect(_next(request))
    if not has_second_factor(user):
        return redirect(_step("mfa_enrol", _next(request)))
    form = CodeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        check = services.check_code(user=user, code=form.cleaned_data["code"])
        if check.device is not None:
            services.mark_verified(request, check.device)
            return redirect(_next(request))
        _wrong_code(form, check)
    context = {"form": form, "next": _next(request), "factor_step": True}
    return render(request, "mfa/verify.html", context)


@login_required
def enrol(request: AuthenticatedRequest) -> HttpResponse:
    """Set up an authenticator app: scan the QR code or type the key, then confirm with a
    code from the app."""
    user = request.user
    if has_second_factor(user):
        # Someone with a factor proves it first; a new one is set up only after a reset.
        return redirect("mfa_settings" if user.is_verified() else "mfa_verify")  # type: ignore[attr-defined]
    device = services.pending_app(user)
    form = CodeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        wait = services.locked_until(device)
        code = form.cleaned_data["code"]
        codes = None if wait else services.confirm_app(user=user, device=device, code=code)
        if codes is not None:
            services.mark_verified(request, device)
            request.session[NEW_CODES_SESSION_KEY] = codes
            return redirect(_step("mfa_recovery_codes", _next(request)))
        _wrong_code(form, services.Check(None, locked_until=wait))
    context = {
        "form": form,
        "next": _next(request),
        "qr_code": services.qr_code(device),
        "secret": services.secret_key(device),
        "required": must_have_second_factor(user),
        "factor_step": must_have_second_factor(user),
    }
    return render(request, "mfa/enrol.html", context)


@login_required
def recovery_codes(request: AuthenticatedRequest) -> HttpResponse:
    """Show the recovery codes just made, once."""
    codes = request.session.pop(NEW_CODES_SESSION_KEY, None)
    if not codes:
        messages.info(request, "Your recovery codes were shown once and cannot be shown again.")
        return redirect("mfa_settings")
    context = {"codes": codes, "next": _next(request), "factor_step": True}
    return render(request, "mfa/recovery_codes.html", context)


@login_required
def settings_page(request: AuthenticatedRequest) -> HttpResponse:
    """One's own two-step sign-in: whether it is on, new recovery codes, and (patients) turning
    it on or off."""
    user = request.user
    context = {
        "app": services.confirmed_app(user),
        "required": must_have_second_factor(user),
        "recovery_codes_left": services.recovery_codes_left(user),
        "may_reset_colleagues": access.colleagues_for_factor_reset(user).exists(),
    }
    return render(request, "mfa/settings.html", context)


@login_required
@require_POST
def new_recovery_codes(request: AuthenticatedRequest) -> HttpResponse:
    if not has_second_factor(request.user):
        raise Http404("No second factor.")
    request.session[NEW_CODES_SESSION_KEY] = services.new_recovery_codes(user=request.user)
    return redirect(_step("mfa_recovery_codes", reverse("mfa_settings")))


@login_required
@require_POST
def turn_off(request: AuthenticatedRequest) -> HttpResponse:
    """A patient turns two-step sign-in off (staff must keep it: 404)."""
    if must_have_second_factor(request.user):
        raise Http404("Staff keep their second factor.")
    services.turn_off(user=request.user)
    request.session[HAS_FACTOR_SESSION_KEY] = False
    messages.success(request, "Two-step sign-in is off. You can turn it on again at any time.")
    return redirect("mfa_settings")


@admin_required
def staff_factors(request: AuthenticatedRequest) -> HttpResponse:
    """The practice's staff and whether each has set up two-step sign-in (admins)."""
    colleagues = list(access.colleagues_for_factor_reset(request.user))
    with_factor = services.users_with_factor(colleagues)
    rows = [(c, c.pk in with_factor) for c in colleagues]
    return render(request, "mfa/staff_factors.html", {"rows": rows})


@admin_required
def reset_factor(request: AuthenticatedRequest, staff_id: int) -> HttpResponse:
    """Reset a colleague's second factor (after a lost phone), after asking to be sure."""
    colleague = access.get_colleague_for_factor_reset(request.user, staff_id)
    if request.method == "POST":
        services.reset_colleague_factor(admin=request.user, colleague=colleague)
        messages.success(
            request,
            f"{colleague.display_name} will set up two-step sign-in again when they next sign in.",
        )
        return redirect("mfa_staff")
    return render(request, "mfa/reset_factor.html", {"colleague": colleague})


def _step(name: str, next_url: str) -> str:
    """Return the URL of the page `name`, going on to `next_url` afterwards."""
    return f"{reverse(name)}?{urlencode({'next': next_url})}"
