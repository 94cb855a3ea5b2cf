"""A person's own account: a forgotten password reset by email, and their API tokens (for a
Stream Deck, Companion or a script).

A token is shown once, when it is made; only its hash is kept (:func:`episodes.api.new_token`).
Revoking one stops it at once in this process and within seconds everywhere, live streams
opened with it included (:mod:`episodes.stream_access`).
"""

from django import forms
from django.conf import settings
from django.contrib import messages
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.contrib.auth.forms import PasswordResetForm
from django.http import HttpRequest, HttpResponse, HttpResponseBase
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.views.decorators.http import require_http_methods, require_POST

from episodes import api
from episodes.models import ApiToken

from . import throttle
from .auth import signed_in


class TokenForm(forms.Form):
    name = forms.CharField(
        max_length=100,
        help_text="What it is for, such as “Stream Deck in studio B”.",
        error_messages={"required": "Give the token a name, to tell it apart later."},
    )

    def clean_name(self) -> str:
        name = " ".join(self.cleaned_data["name"].split())
        if not name:
            raise forms.ValidationError("Give the token a name, to tell it apart later.")
        return name


@login_required
@require_http_methods(["GET", "POST"])
def tokens(request: HttpRequest) -> HttpResponse:
    user = signed_in(request)
    form = TokenForm(request.POST or None)
    created = ""
    status = 200
    if request.method == "POST":
        if form.is_valid():
            created = api.new_token(user, form.cleaned_data["name"])
            form = TokenForm()
        else:
            status = 422
    return render(
        request,
        "accounts/tokens.html",
        {
            "form": form,
            "created": created,
            "tokens": ApiToken.objects.filter(user=user, revoked_at__isnull=True),
            "revoked": ApiToken.objects.filter(user=user, revoked_at__isnull=False)[:10],
        },
        status=status,
    )


@login_required
@require_POST
def revoke_token(request: HttpRequest, token_pk: int) -> HttpResponse:
    token = get_object_or_404(ApiToken, pk=token_pk, user=request.user)
    if token.revoked_at is None:
        ApiToken.objects.filter(pk=token.pk, revoked_at__isnull=True).update(
            revoked_at=timezone.now()
        )
        api.forget(token.key_hash)
    messages.success(request, f"Revoked “{token.name or token.prefix}”: it no longer works.")
    return redirect("account_tokens")


# -- password reset ------------------------------------------------------------------------------


@require_http_methods(["GET", "POST"])
def password_reset(request: HttpRequest) -> HttpResponseBase:
    """Django's password reset, throttled per client address and per email address typed,
    its link on the site's own address (SHOWRUNNER_BASE_URL, never the request's Host)."""
    if request.method == "POST" and throttle.sends_email(
        request, "password-reset", request.POST.get("email", "")
    ):
        context = {"form": PasswordResetForm(request.POST), "throttled": throttle.TOO_MANY_EMAILS}
        return render(request, "registration/password_reset_form.html", context, status=429)
    view = auth_views.PasswordResetView.as_view(
        extra_email_context={"base_url": settings.SHOWRUNNER_BASE_URL.rstrip("/")},
        subject_template_name="registration/password_reset_subject.txt",
        email_template_name="registration/password_reset_email.txt",
    )
    return view(request)
