"""Guesses throttled per client address: wrong guest links, calendar keys and API tokens
(django-ratelimit, on the shared cache), and logins (django-axes, per username and address).

Only failures count: a guest opening their own link a hundred times is never slowed down, and
an address that has made too many wrong guesses in the window is refused (429) even with a right
one, until the window ends.
"""

from axes.backends import AxesStandaloneBackend
from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django_ratelimit.core import get_usage

GROUPS = {
    "guest-link": "SHOWRUNNER_THROTTLE_GUEST_LINKS",
    "calendar-key": "SHOWRUNNER_THROTTLE_CALENDAR_KEYS",
    "overlay-key": "SHOWRUNNER_THROTTLE_OVERLAY_KEYS",
    "api-token": "SHOWRUNNER_THROTTLE_API_TOKENS",
}


def _usage(request: HttpRequest, group: str, increment: bool) -> dict | None:
    rate = getattr(settings, GROUPS[group])
    return get_usage(request, group=group, key="ip", rate=rate, increment=increment)


def blocked(request: HttpRequest, group: str) -> bool:
    """Whether this client has made too many wrong guesses of ``group`` in the window."""
    usage = _usage(request, group, increment=False)
    return usage is not None and usage["should_limit"]


def wrong_guess(request: HttpRequest, group: str) -> None:
    """Count a wrong guess from this client."""
    _usage(request, group, increment=True)


def sends_email(request: HttpRequest, group: str, address: str) -> bool:
    """Count one email asked for (a password reset, a guest's link) from this client and to
    ``address``; True once either is past SHOWRUNNER_THROTTLE_EMAILS in the window. Every
    request counts, known address or not: nobody floods an inbox, or learns which are known."""
    rate = settings.SHOWRUNNER_THROTTLE_EMAILS
    normalised = address.strip().lower()
    usages = [
        get_usage(request, group=f"{group}:client", key="ip", rate=rate, increment=True),
        get_usage(
            request,
            group=f"{group}:address",
            key=lambda _group, _request: normalised,
            rate=rate,
            increment=True,
        ),
    ]
    return any(usage is not None and usage["should_limit"] for usage in usages)


TOO_MANY_EMAILS = "Too many requests from your address or for this email. Try again in an hour."

TOO_MANY = "Too many wrong attempts from your address. Wait a while and try again."


def too_many(request: HttpRequest) -> HttpResponse:
    response = HttpResponse(TOO_MANY, status=429, content_type="text/plain; charset=utf-8")
    response["Retry-After"] = "600"
    return response


def login_locked_out(
    request: HttpRequest, response: HttpResponse | None = None, credentials: dict | None = None
) -> HttpResponse:
    """django-axes' answer once a username has failed too often from this address: the login
    page again, saying so (AXES_LOCKOUT_CALLABLE)."""
    from django.contrib.auth.forms import AuthenticationForm

    minutes = int(settings.AXES_COOLOFF_TIME.total_seconds() // 60)
    context = {
        "form": AuthenticationForm(request),
        "locked_out": (
            f"Too many failed logins for this user from your address. Try again in {minutes} "
            "minutes, or ask an administrator to unlock it."
        ),
    }
    return render(request, "registration/login.html", context, status=429)


class LoginThrottleBackend(AxesStandaloneBackend):
    """django-axes' check before the password is tried, for logins over the web.

    A call without a request is no guess from outside (a management command, a test client's
    ``login``): axes cannot tell its address, and would refuse it; it goes straight on to the
    password check.
    """

    def authenticate(
        self,
        request: HttpRequest | None,
        username: str | None = None,
        password: str | None = None,
        **kwargs: object,
    ) -> None:
        if request is None:
            return None
        return super().authenticate(request, username, password, **kwargs)
