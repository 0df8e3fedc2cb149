"""Sheets for the demo families: a baseline at admission and every six months after, a Client
Summary Sheet three months in; each dated when it would have been filled, so that the charts
and the report's change figures show a year of work."""

import datetime
import random

from django.utils import timezone

from parcours.instruments import services
from parcours.instruments.models import InstrumentVersion, Response

WHY = ["Seen at home visits.", "The family said so.", "From the lawyer's letters.", ""]


BASELINE_EVERY = datetime.timedelta(days=182)


def _dated(sheet: Response, day: datetime.date) -> None:
    moment = timezone.make_aware(datetime.datetime.combine(day, datetime.time(10)))
    Response.objects.filter(pk=sheet.pk).update(created_at=moment, submitted_at=moment)


def build(family, actor, rng: random.Random, start: datetime.date, end: datetime.date) -> None:
    baseline = InstrumentVersion.objects.active("baseline").definition
    scores = {q.name: rng.randint(2, 8) for q in baseline.answerable if q.type == "integer"}
    day = start
    while day <= end:
        raw = {}
        for code, score in scores.items():
            raw[code] = str(score)
            raw[f"{code}_why"] = rng.choice(WHY)
        sheet = services.start(actor, family, "baseline")
        services.submit(actor, sheet, raw, "en")
        _dated(sheet, day)
        day += BASELINE_EVERY
        scores = {c: min(10, max(0, s + rng.choice([-1, 0, 1, 1]))) for c, s in scores.items()}
    css = InstrumentVersion.objects.active("client_summary_sheet").definition
    sheet = services.start(actor, family, "client_summary_sheet")
    raw = services.answers_of(sheet)
    for question in css.answerable:
        if question.list_name in ("impact", "ynd") and rng.random() < 0.92:
            choices = css.choice_codes(question)
            weights = [1, 2, 3, 6, 3, 1] if question.list_name == "impact" else [6, 3, 2]
            raw[question.name] = rng.choices(choices, weights=weights)[0]
    raw["c2_barriers"] = rng.choice(
        ["Slow decisions by the authorities.", "Unstable housing took the family's energy.", ""]
    )
    services.submit(actor, sheet, raw, "en")
    _dated(sheet, min(start + datetime.timedelta(days=91), end))
