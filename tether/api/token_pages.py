"""The web page where a signed-in person lists, makes and revokes their own API tokens
(/me/api-tokens/). It lives beside the API's token endpoints (tether.api.tokens) rather than
in accounts because it needs the access door and the audit trail, which sit above accounts;
both look tokens up through tether.access.tokens and revoke through the same function."""

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_http_methods, require_POST

from tether.access.tokens import get_my_api_token, my_api_tokens
from tether.accounts.http import AuthenticatedRequest
from tether.accounts.models import TOKEN_DEFAULT_DAYS
from tether.accounts.tokens import EXPIRY_CHOICES, NAME_MAX, TokenInvalid, issue_token
from tether.api.tokens import revoke_own_token
from tether.lib.forms import add_problems
from tether.notifications.services import user_zone


def _days(days: int) -> str:
    return "1 year" if days == 365 else f"{days} days"


class TokenForm(forms.Form):
    name = forms.CharField(
        label="Name",
        max_length=NAME_MAX,
        help_text='What it is for, so you can tell your tokens apart, e.g. "EHR sync".',
        error_messages={"required": "Please give the token a name, so you can tell it apart."},
    )
    expires_in_days = forms.TypedChoiceField(
        label="Stops working after",
        choices=[(d, _days(d)) for d in EXPIRY_CHOICES],
        coerce=int,
        initial=TOKEN_DEFAULT_DAYS,
        help_text="Choose the shortest time that does the job.",
    )


@login_required
@require_http_methods(["GET", "POST"])
def api_tokens(request: AuthenticatedRequest) -> HttpResponse:
    """List the person's tokens; a valid POST makes one and shows its secret this once (in
    this response only: it is stored nowhere, so the page cannot show it again)."""
    issued = None
    status = 200
    if request.method == "POST":
        form = TokenForm(request.POST)
        if form.is_valid():
            try:
                issued = issue_token(
                    user=request.user,
                    name=form.cleaned_data["name"],
                    expires_in_days=form.cleaned_data["expires_in_days"],
                )
            except TokenInvalid as error:
                add_problems(form, error)
                status = 400
            else:
                form = TokenForm()
        else:
            status = 400
    else:
        form = TokenForm()
    now = timezone.now()
    context = {
        "form": form,
        "issued": issued,
        "tokens": [(t, t.status(now)) for t in my_api_tokens(request.user)],
        "zone": user_zone(request.user),
    }
    return render(request, "api/tokens.html", context, status=status)


@login_required
@require_POST
def api_token_revoke(request: AuthenticatedRequest, token_id: str) -> HttpResponse:
    token = get_my_api_token(request.user, token_id)
    if revoke_own_token(user=request.user, token=token):
        messages.success(
            request, f"“{token.name}” is revoked. Anything still using it is refused from now on."
        )
    return redirect("api_tokens")
