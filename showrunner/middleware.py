"""Middleware of our own."""

from collections.abc import Callable
from functools import cached_property

from csp.constants import HEADER
from csp.middleware import CSPMiddleware
from csp.utils import build_policy
from django.http import HttpRequest, HttpResponseBase
from django.utils.cache import patch_cache_control


class ContentSecurityPolicyMiddleware(CSPMiddleware):
    """django-csp's middleware with the policy built once.

    django-csp builds the header afresh for every response, which was about a third of the time
    of a minimal request. Ours never varies: no nonces (nothing inline is allowed, so there is
    nothing to allow by nonce) and no per-view overrides.
    """

    def process_request(self, request: HttpRequest) -> None:
        pass  # no nonce: templates get none, and {% htmx_script %} adds none

    def process_response(
        self, request: HttpRequest, response: HttpResponseBase
    ) -> HttpResponseBase:
        if HEADER not in response and not getattr(response, "_csp_exempt", False):
            response[HEADER] = self.policy
        return response

    @cached_property
    def policy(self) -> str:
        return build_policy()


class NoStoreForTeamMiddleware:
    """``Cache-Control: no-store`` on everything a logged-in user is sent.

    Team pages hold guests' contact details, private links and notes: a shared computer's
    browser cache, or a cache between, must not keep them after the user logs out. (The guest
    portal marks its own answers so; static files are answered by whitenoise before this.)
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponseBase]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponseBase:
        response = self.get_response(request)
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated:
            patch_cache_control(response, no_store=True, private=True)
        return response
