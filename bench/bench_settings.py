"""Parcours' settings with the benchmark's floor pages in front (bench/floors.py)."""

from parcours.settings import *  # noqa: F403

ROOT_URLCONF = "floors"
