"""The database cache's table (settings.CACHES), so a fresh install's `migrate` makes it."""

from django.core.management import call_command
from django.db import migrations


def create_cache_table(apps, schema_editor):
    call_command("createcachetable", database=schema_editor.connection.alias, verbosity=0)


class Migration(migrations.Migration):
    dependencies = [("episodes", "0009_cues_expire_and_are_read")]

    operations = [migrations.RunPython(create_cache_table, migrations.RunPython.noop)]
