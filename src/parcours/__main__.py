"""The ``parcours`` console script: Django's manage.py under the project's own name.

Command names may be written with hyphens (``parcours create-project``); they map to
the underscore module names Django loads (``create_project``).
"""

import os
import sys


def main() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "parcours.settings")
    from django.core.management import execute_from_command_line

    argv = list(sys.argv)
    argv[0] = "parcours"
    if len(argv) > 1 and not argv[1].startswith("-"):
        argv[1] = argv[1].replace("-", "_")
    execute_from_command_line(argv)


if __name__ == "__main__":
    main()
