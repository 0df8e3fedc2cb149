"""System checks (``parcours check --deploy``) for how keys are kept."""

from pathlib import Path

from django.conf import settings
from django.core.checks import Tags, Warning, register


@register(Tags.security, deploy=True)
def key_file_beside_the_database(app_configs, **kwargs):
    """A key file in the SQLite database's folder travels with every copy of that folder."""
    database = settings.DATABASES["default"]
    if not settings.PRODUCTION or database["ENGINE"] != "django.db.backends.sqlite3":
        return []
    folder = Path(database["NAME"]).resolve().parent
    key_file = Path(settings.PARCOURS_KEY_FILE).resolve()
    if key_file.exists() and key_file.parent == folder:
        return [
            Warning(
                f"The key file {key_file} lies in the folder of the SQLite database: a copy or "
                "backup of that folder carries the keys with the data.",
                hint="Keep the keys in the environment (PARCOURS_ENCRYPTION_KEYS, "
                "PARCOURS_BLIND_INDEX_KEY) or a secret store, and remove the file.",
                id="parcours.W001",
            )
        ]
    return []
