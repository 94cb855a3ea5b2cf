"""WSGI entry point: ordinary requests, whether under gunicorn or mounted inside the ASGI app."""

import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "showrunner.settings")

application = get_wsgi_application()
