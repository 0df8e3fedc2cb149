"""Shared arguments and look-ups of the instrument commands."""

from django.core.management.base import CommandError

from parcours.instruments.models import InstrumentCode


def add_instrument(parser):
    parser.add_argument("--instrument", required=True, choices=InstrumentCode.values)


def output_or_error(path: str):
    from pathlib import Path

    out = Path(path)
    if out.suffix.lower() not in (".csv", ".xlsx"):
        raise CommandError(f"-o {path!r}: the file must end in .csv or .xlsx")
    return out
