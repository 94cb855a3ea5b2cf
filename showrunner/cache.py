"""Django's database cache with an atomic increment, for django-ratelimit's counters.

``BaseCache.incr`` reads and writes in two steps, so parallel requests (eight threads per worker,
several workers) could each read the same count and one guess in several would go uncounted.
Here the read and the write happen in one transaction holding the row: ``SELECT ... FOR UPDATE``
on PostgreSQL; on SQLite the transaction takes the write lock when it starts (IMMEDIATE, see
settings.py), which serialises writers.
"""

from typing import Any

from django.core.cache.backends.db import DatabaseCache as DjangoDatabaseCache
from django.db import connections, router, transaction


class DatabaseCache(DjangoDatabaseCache):
    _table: str  # the table's name, set by BaseDatabaseCache.__init__ (django-stubs omit it)

    def incr(self, key: Any, delta: int = 1, version: int | None = None) -> int:
        db = router.db_for_write(self.cache_model_class)
        connection = connections[db]
        with transaction.atomic(using=db):
            if connection.features.has_select_for_update:
                table = connection.ops.quote_name(self._table)
                with connection.cursor() as cursor:
                    cursor.execute(
                        f"SELECT cache_key FROM {table} WHERE cache_key = %s FOR UPDATE",  # noqa: S608 (our table's name)
                        [self.make_and_validate_key(key, version=version)],
                    )
            return super().incr(key, delta, version)
