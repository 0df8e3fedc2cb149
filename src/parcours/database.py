"""Statistics for the database's query planner.

PostgreSQL keeps its own (autovacuum analyses tables as they grow). SQLite keeps none until
ANALYZE runs, and without them picks weak indexes: a family's open actions found through the
index on their status, 7 ms instead of 0.02 ms at 10 000 families. Parcours analyses SQLite
after every migration (so each upgrade refreshes them) and after bulk loads (imports, the
generator); a full ANALYZE takes about 3 s at 100 000 families.
"""

from django.db import connections


def refresh_statistics(using: str = "default") -> None:
    connection = connections[using]
    if connection.vendor == "sqlite":
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")


def after_migrate(sender, using="default", **kwargs) -> None:
    refresh_statistics(using)
