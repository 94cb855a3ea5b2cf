"""A guest asks for their link again: "send me my link".

The guest types the email address a producer has for them; each speaker with it gets their
link by email (:func:`speakers.emails.send_own_links`). The page answers the same whether the
address was known or not, after at least SHOWRUNNER_LINK_REQUEST_SECONDS either way, and every
request counts against the email throttle (per client address and per email address).
"""

import time

from django import forms
from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.views.decorators.http import require_http_methods

from showrunner import throttle

from . import emails
from .views import private


class LostLinkForm(forms.Form):
    email = forms.EmailField(max_length=254, label="Your email address")


@require_http_methods(["GET", "POST"])
def lost_link(request: HttpRequest) -> HttpResponse:
    form = LostLinkForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        started = time.monotonic()
        address = form.cleaned_data["email"]
        if throttle.sends_email(request, "guest-link-request", address):
            context = {"form": form, "throttled": throttle.TOO_MANY_EMAILS}
            return private(render(request, "speakers/lost_link.html", context, status=429))
        emails.send_own_links(address, now=timezone.now())
        # The same answer in about the same time: no telling a known address from another.
        rest = settings.SHOWRUNNER_LINK_REQUEST_SECONDS - (time.monotonic() - started)
        if rest > 0:
            time.sleep(rest)
        return private(render(request, "speakers/lost_link.html", {"sent": True}))
    status = 422 if request.method == "POST" else 200
    return private(render(request, "speakers/lost_link.html", {"form": form}, status=status))
