"""Imported once by the workers' forkserver (see :mod:`showrunner.isolated`), so that every
worker forked from it starts with Django set up and the readers loaded, in milliseconds."""

import os

import django

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "showrunner.settings")
django.setup()

import openpyxl  # noqa: E402, F401

import episodes.chapters  # noqa: E402
import episodes.formats  # noqa: E402
import episodes.formats.spreadsheet  # noqa: E402, F401
import speakers.avatars  # noqa: E402, F401
