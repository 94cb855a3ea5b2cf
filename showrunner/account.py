"""A person's own account: their API tokens (for a Stream Deck, Companion or a script).

A token is shown once, when it is made; only its hash is kept (:func:`episodes.api.new_token`).
Revoking one stops it at once in this process and within seconds everywhere, live streams
opened with it included (:mod:`episodes.stream_access`).
"""

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.views.decorators.http import require_http_methods, require_POST

from episodes import api
from episodes.models import ApiToken


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
    form = TokenForm(request.POST or None)
    created = ""
    status = 200
    if request.method == "POST":
        if form.is_valid():
            created = api.new_token(request.user, form.cleaned_data["name"])
            form = TokenForm()
        else:
            status = 422
    return render(
        request,
        "accounts/tokens.html",
        {
            "form": form,
            "created": created,
            "tokens": ApiToken.objects.filter(user=request.user, revoked_at__isnull=True),
            "revoked": ApiToken.objects.filter(user=request.user, revoked_at__isnull=False)[:10],
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
