"""Pages for getting back in: Django's password reset and change views with Tether's
templates and forms, and a practice admin's page of paused sign-ins."""

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import views as auth_views
from django.forms import Form
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse_lazy
from django.views.decorators.http import require_POST

from tether import access
from tether.access.decorators import admin_required
from tether.accounts.forms import ChangePasswordForm, NewPasswordForm
from tether.accounts.http import AuthenticatedRequest
from tether.accounts.lockouts import paused_accounts
from tether.accounts.passwords import password_rule
from tether.signin import services


class PasswordResetView(auth_views.PasswordResetView):
    """Ask for a reset link by email. The answer is the same whether or not the address
    belongs to an account; the email carries the link and nothing about the person."""

    template_name = "accounts/password_reset_form.html"
    email_template_name = "accounts/password_reset_email.txt"
    subject_template_name = "accounts/password_reset_subject.txt"
    success_url = reverse_lazy("password_reset_done")

    def form_valid(self, form: Form) -> HttpResponse:
        self.extra_email_context = {
            "site_url": settings.SITE_URL.rstrip("/"),
            "valid_hours": max(1, settings.PASSWORD_RESET_TIMEOUT // 3600),
        }
        return super().form_valid(form)


class PasswordResetConfirmView(auth_views.PasswordResetConfirmView):
    """Choose a new password from an emailed link; doing so lifts a pause on the account's
    sign-in and is recorded."""

    template_name = "accounts/password_reset_confirm.html"
    form_class = NewPasswordForm
    success_url = reverse_lazy("password_reset_complete")

    def form_valid(self, form: Form) -> HttpResponse:
        response = super().form_valid(form)
        services.password_was_reset(account=self.user)
        return response


class PasswordChangeView(auth_views.PasswordChangeView):
    """Change one's password while signed in (Django keeps this session signed in and ends
    the others)."""

    template_name = "accounts/password_change_form.html"
    form_class = ChangePasswordForm
    success_url = reverse_lazy("password_change_done")

    def get_context_data(self, **kwargs: object) -> dict[str, object]:
        return super().get_context_data(rule=password_rule(), **kwargs)


@admin_required
def sign_in_pauses(request: AuthenticatedRequest) -> HttpResponse:
    """List the accounts of the admin's practice whose sign-in is paused."""
    paused = paused_accounts(access.accounts_for_sign_in_help(request.user))
    minutes = int(settings.AXES_COOLOFF_TIME.total_seconds() // 60)
    return render(
        request,
        "accounts/sign_in_pauses.html",
        {"paused": paused, "minutes": minutes, "failure_limit": settings.AXES_FAILURE_LIMIT},
    )


@admin_required
@require_POST
def lift_sign_in_pause(request: AuthenticatedRequest, account_id: int) -> HttpResponse:
    """Lift the pause on one account's sign-in (recorded as an audit account event)."""
    account = access.get_account_for_sign_in_help(request.user, account_id)
    if services.lift_sign_in_pause(account=account, by=request.user):
        messages.success(request, f"{account.display_name} can sign in again now.")
    else:
        messages.info(request, f"Sign-in for {account.display_name} was not paused.")
    return redirect("sign_in_pauses")
