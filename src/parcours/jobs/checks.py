"""PARCOURS_DAILY is checked when the site starts, not when the first run is due."""

import datetime

from django.conf import settings
from django.core.checks import Error, register
from django.utils.module_loading import import_string


@register()
def daily_schedule(app_configs, **kwargs):
    errors = []
    for kind, (task, at, _title) in settings.PARCOURS_DAILY.items():
        if not at:
            continue
        try:
            datetime.time.fromisoformat(at)
        except ValueError:
            errors.append(Error(f"The daily {kind} time {at!r} is not HH:MM.", id="parcours.E201"))
        try:
            import_string(task)
        except ImportError:
            errors.append(
                Error(f"The daily {kind} task {task} does not exist.", id="parcours.E202")
            )
    return errors
