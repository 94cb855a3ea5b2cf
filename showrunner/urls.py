"""The project's URLs: accounts, media, then the apps' own (each namespaced by its app)."""

from django.conf import settings
from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.http import FileResponse, HttpRequest, HttpResponsePermanentRedirect
from django.templatetags.static import static as static_url
from django.urls import include, path, re_path
from django.views.static import serve

import showrunner.converters  # noqa: F401 - registers <id:...>

from . import account


def favicon(request: HttpRequest) -> HttpResponsePermanentRedirect:
    # Looked up per request: the hashed name exists only once collectstatic has run.
    return HttpResponsePermanentRedirect(static_url("favicon.svg"))


def media(request: HttpRequest, path: str) -> FileResponse:
    """An uploaded file, where no web server in front serves MEDIA_ROOT (a local install)."""
    return serve(request, path, document_root=str(settings.MEDIA_ROOT))


urlpatterns = [
    path("admin/", admin.site.urls),
    path("accounts/login/", auth_views.LoginView.as_view(), name="login"),
    path("accounts/logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("accounts/password-reset/", account.password_reset, name="password_reset"),
    path(
        "accounts/password-reset/sent/",
        auth_views.PasswordResetDoneView.as_view(),
        name="password_reset_done",
    ),
    path(
        "accounts/reset/<uidb64>/<str:token>/",
        auth_views.PasswordResetConfirmView.as_view(),
        name="password_reset_confirm",
    ),
    path(
        "accounts/reset/done/",
        auth_views.PasswordResetCompleteView.as_view(),
        name="password_reset_complete",
    ),
    path("account/tokens/", account.tokens, name="account_tokens"),
    path("account/tokens/<id:token_pk>/revoke/", account.revoke_token, name="revoke_token"),
    # Browsers ask for /favicon.ico before they read the page's icon link.
    path("favicon.ico", favicon, name="favicon"),
    path("", include("speakers.urls")),
    path("", include("episodes.urls")),
]

# Uploaded photos in a local install or with DEBUG on, where no web server is in front; in a
# deployment the web server in front serves MEDIA_ROOT.
if settings.SERVE_MEDIA:
    urlpatterns += [re_path(rf"^{settings.MEDIA_URL.strip('/')}/(?P<path>.*)$", media)]
