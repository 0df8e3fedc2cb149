"""Members' age bands for the day, worked out from their sealed birth dates.

An age band changes with the day, so it cannot be stored once; decrypting every birth date for
each cohort report cost seconds at 100 000 families. The worker works every member's band out
once a day (PARCOURS_DAILY, as analytics tables are refreshed in DHIS2), saving a member
works theirs out at once, and the report decrypts only the members without a band for today.
"""

import uuid
from collections.abc import Callable, Iterable

from django.db import connection
from django.db.models import CharField
from django.db.models.functions import Cast

from parcours import bands
from parcours.cases.models import Person, ReckonedAge, today
from parcours.database import refresh_statistics

BATCH = 5000


def unsealed_births(persons) -> Iterable[tuple[str, object, str, str]]:
    """(key, birth date, role, pooled band) of ``persons``, read by a plain cursor and
    decrypted row by row (a model instance per member costs as much as the decryption)."""
    rows = (
        persons.order_by()
        .annotate(key=Cast("pk", CharField()))
        .values_list("key", "birth_date", "role", "age_band")
    )
    sql, params = rows.query.sql_with_params()
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        fetched = cursor.fetchall()
    return Person._meta.get_field("birth_date").unseal_rows(fetched)


def _store(bands_by_key: list[tuple[str, str]], day) -> None:
    ReckonedAge.objects.bulk_create(
        [ReckonedAge(person_id=key, band=band, on=day) for key, band in bands_by_key],
        update_conflicts=True,
        unique_fields=["person"],
        update_fields=["band", "on"],
    )


def reckon_person(person: Person) -> None:
    """One member's band for today, as soon as the member is saved."""
    reckon_people([person])


def reckon_people(people: list[Person]) -> None:
    """Members' bands for today, from the birth dates in hand (an import: one upsert)."""
    day = today()
    _store([(p.pk, bands.band_on(p.birth_date, p.age_band, day)) for p in people], day)


def reckon(progress: Callable[[int, int], None] | None = None) -> tuple[int, set]:
    """Every member's band for today, a batch at a time (each batch one upsert: a member
    saved meanwhile keeps the band its save worked out, which is the same). Returns how many
    members, and the families of those whose band moved (their figures are counted again)."""
    day = today()
    keys = list(Person.objects.order_by("pk").values_list("pk", flat=True))
    moved: set = set()
    for start in range(0, len(keys), BATCH):
        chunk = keys[start : start + BATCH]
        people = Person.objects.filter(pk__gte=chunk[0], pk__lte=chunk[-1])
        before = dict(
            ReckonedAge.objects.filter(person__in=people).values_list("person_id", "band")
        )
        worked_out = [
            (key, bands.band_on(birth, pooled, day))
            for key, birth, _role, pooled in unsealed_births(people)
        ]
        changed = [key for key, band in worked_out if before.get(uuid.UUID(str(key))) != band]
        if changed:
            moved.update(Person.objects.filter(pk__in=changed).values_list("family_id", flat=True))
        _store(worked_out, day)
        if progress:
            progress(min(start + BATCH, len(keys)), len(keys))
    refresh_statistics(tables=[ReckonedAge])
    return len(keys), moved
