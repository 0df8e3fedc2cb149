"""What Parcours asks of the database beyond the ORM: bulk inserts and updates, and
statistics for the query planner.

Statistics: PostgreSQL keeps its own (autovacuum analyses tables as they grow). SQLite keeps
none until ANALYZE runs, and without them picks weak indexes: a family's open actions found
through the index on their status, 7 ms instead of 0.02 ms at 10 000 families. Parcours
analyses SQLite after every migration (so each upgrade refreshes them) and after bulk loads
(imports, the generator); a full ANALYZE takes about 3 s at 100 000 families.
"""

import contextlib
import gc
import operator
import uuid
from collections import Counter
from collections.abc import Iterable

from django.db import connection, connections, models, transaction
from django.db.models.expressions import RawSQL


def refresh_statistics(using: str = "default", tables=()) -> None:
    """SQLite's statistics, all of them; or those of the models ``tables`` on either database,
    after a load that grew them (the planner misjudged a just-filled table until autovacuum
    came by: a join on it ran 1.5 s instead of 0.2 s at 100 000 families). An import names
    the tables it grew: all of them took 6 s of an import at 100 000 families on SQLite."""
    database = connections[using]
    sampled = tables and database.vendor == "sqlite"
    with database.cursor() as cursor:
        if sampled:
            # Each index sampled, not read whole (SQLite's own advice for routine runs): the
            # grown tables of an import of 100 000 sheets took 0.9 s to read through.
            cursor.execute(f"PRAGMA analysis_limit = {SAMPLED_ROWS}")
        for model in tables:
            cursor.execute(f"ANALYZE {database.ops.quote_name(model._meta.db_table)}")
        if sampled:
            cursor.execute("PRAGMA analysis_limit = 0")
        if not tables and database.vendor == "sqlite":
            cursor.execute("ANALYZE")


SAMPLED_ROWS = 1000  # rows of each index that SQLite reads to judge it after a load


def after_migrate(sender, using="default", **kwargs) -> None:
    refresh_statistics(using)


@contextlib.contextmanager
def bulk_loading(megabytes: int = 32):
    """While a bulk load runs, Python's cyclic garbage collector waits, and SQLite keeps more
    of the growing indexes in memory.

    The collector: an import holds every checked row until it stores them, and the collector
    walked them again and again, 12 000 times and 3.8 s of an import of 100 000 sheets; the
    rows make no cycles, and what does is collected once at the end. SQLite's cache (this
    connection only; 2 MB by default): each new row's index entries land on pages already
    read. 32 MB: at 64 an import of 100 000 sheets peaked 40 MB higher and ran no faster (the
    answers' keys grow in order). PostgreSQL's shared buffers are the server's business."""
    collecting = gc.isenabled()
    gc.disable()
    try:
        if connection.vendor != "sqlite":
            yield
            return
        with connection.cursor() as cursor:
            cursor.execute("PRAGMA cache_size")
            before = cursor.fetchone()[0]
            cursor.execute(f"PRAGMA cache_size = -{megabytes * 1024}")
        try:
            yield
        finally:
            with connection.cursor() as cursor:
                cursor.execute(f"PRAGMA cache_size = {int(before)}")
    finally:
        if collecting:
            gc.enable()
            gc.collect()


def insert_objects(model, objects) -> None:
    """What bulk_create writes, written the way imports write answers (COPY on PostgreSQL,
    one prepared INSERT on SQLite): each field prepares its value (encrypted fields seal it,
    bound to the row), and Django's SQL compiler, most of bulk_create's time, is skipped."""
    objects = list(objects)
    if not objects:
        return
    fields = [f for f in model._meta.concrete_fields if not isinstance(f, models.AutoField)]
    values = [_value_of(f) for f in fields]
    rows = (tuple(value(obj) for value in values) for obj in objects)
    _insert_prepared(model, fields, rows)


def _value_of(field):
    """What ``field.pre_save`` gives for a new object: the attribute itself where the field
    does not change it on saving (most of a sheet's fields), without a call through it."""
    if type(field).pre_save is models.Field.pre_save:
        return operator.attrgetter(field.attname)
    return lambda obj: field.pre_save(obj, True)


def insert_rows(model, names: list[str], rows) -> None:
    """Rows of plain values for the fields ``names`` of ``model``, each value prepared by its
    field as ``insert_objects`` prepares it, for tables of many small rows (the name keys,
    the latest sheets) where making a model object per row cost more than writing it."""
    _insert_prepared(model, [model._meta.get_field(name) for name in names], rows)


def _insert_prepared(model, fields, rows) -> None:
    preparers = [preparer(f) for f in fields]
    # Made before they are sent: a field's pre_save may ask the database (an encrypted
    # field's first use loads the keys), which insert_many refuses while it sends.
    prepared = [
        tuple(prepare(value) for prepare, value in zip(preparers, row, strict=True)) for row in rows
    ]
    insert_many(model._meta.db_table, [f.column for f in fields], prepared)


def read(sql: str, params: Iterable = ()) -> list[tuple]:
    """The rows of a query written by hand, for the few rows every page asks for (the bell's
    unread notifications, a list page's members): building such a query through the ORM took
    a quarter of a millisecond, twenty times what the database took to answer it."""
    with connection.cursor() as cursor:
        cursor.execute(sql, list(params))
        return cursor.fetchall()


def among(field, values: Iterable) -> RawSQL:
    """The right side of ``field__in=`` for the thousands of keys a bulk step looks up
    (``filter(family_id__in=among(field, ids))``), each key prepared once by ``preparer``:
    Django prepares a list's values through five calls each, 5 ms for 2 000 keys where this
    takes 1 ms, paid by each lookup of each chunk of an import. No keys match nothing."""
    prepare = preparer(field)
    keys = [prepare(value) for value in dict.fromkeys(values)]
    if not keys:
        return RawSQL("NULL", [])
    return RawSQL(", ".join(["%s"] * len(keys)), keys)  # noqa: S611 (placeholders only)


# Fields whose database value is the value itself when it is already of this type: as their
# own get_db_prep_save would return it, without its four calls a value (a third of an import's
# time went to preparing 500 000 score pairs).
_PLAIN = {
    models.CharField: str,
    models.TextField: str,
    models.IntegerField: int,
    models.SmallIntegerField: int,
    models.PositiveSmallIntegerField: int,
    models.PositiveIntegerField: int,
    models.BigIntegerField: int,
    models.BooleanField: bool,
}


def preparer(field):
    """The function giving ``field``'s database value of a value: the field's own, but for a
    value already in its plain type (text, a number, a UUID key)."""
    target = field.target_field if field.is_relation else field
    prepare = _Prepared(field.get_db_prep_save)
    if type(target) is models.UUIDField:
        if connection.features.has_native_uuid_field:
            return lambda value: value if type(value) is uuid.UUID else prepare(value)
        return lambda value: value.hex if type(value) is uuid.UUID else prepare(value)
    plain = _PLAIN.get(type(target)) if not field.is_relation else None
    if plain is None:
        return prepare
    return lambda value: value if type(value) is plain else prepare(value)


class _Prepared:
    """A field's database value of the value before it, when that was the very same object
    (the sheet's version, its status, its author: the same on every row of an import)."""

    __slots__ = ("_prepare", "_raw", "_value")

    def __init__(self, prepare):
        self._prepare, self._raw, self._value = prepare, _Prepared, None

    def __call__(self, raw):
        if raw is not self._raw:
            self._raw, self._value = raw, self._prepare(raw, connection)
        return self._value


def insert_many(table: str, columns: list[str], params: Iterable[tuple]) -> None:
    """Insert rows in bulk: PostgreSQL's COPY, or one prepared INSERT run over all rows
    (SQLite's executemany loops in C). ``params`` may be made as they are read: PostgreSQL
    then writes the rows already sent while the next ones are made. Making them must not ask
    the database anything, as the connection is busy receiving them: such a query raises
    ``QueryWhileSending`` (on PostgreSQL it would wait for the COPY, which waits for it)."""
    quote = connection.ops.quote_name
    columns_sql = ", ".join(quote(c) for c in columns)
    sending = _Sending()
    with connection.execute_wrapper(sending), connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            copying = f"COPY {quote(table)} ({columns_sql}) FROM STDIN"
            with sending, cursor.cursor.copy(copying) as copy:
                for row in params:
                    copy.write_row(row)
            return
        placeholders = ", ".join(["%s"] * len(columns))
        sql = f"INSERT INTO {quote(table)} ({columns_sql}) VALUES ({placeholders})"  # noqa: S608
        cursor.executemany(sql, params)  # its own statement passes; the wrapper guards the rest


class QueryWhileSending(RuntimeError):
    """A row made for ``insert_many`` asked the database something while rows were sent."""


class _Sending:
    """An execute wrapper refusing any query while ``insert_many`` sends its rows: the first
    statement through it (SQLite's INSERT) or the block it guards (PostgreSQL's COPY) is the
    sending, and anything asked meanwhile is a row being made that queries."""

    def __init__(self):
        self.busy = False

    def __enter__(self):
        self.busy = True

    def __exit__(self, *exc):
        self.busy = False

    def __call__(self, execute, sql, params, many, context):
        if self.busy:
            raise QueryWhileSending(
                f"a row made for a bulk insert queried the database while rows were sent: {sql}"
            )
        with self:
            return execute(sql, params, many, context)


def update_objects(model, objects, fields: list[str], batch: int = 500) -> None:
    """What bulk_update writes, as one ``UPDATE … FROM (VALUES …)`` per batch, matched on the
    primary key. bulk_update's ``CASE WHEN pk = … THEN …`` per column cost an import's recount
    of 100 000 files 36 s on PostgreSQL, most of it the database testing every branch."""
    objects = list(objects)
    if not objects:
        return
    meta = model._meta
    columns = [meta.pk, *(meta.get_field(name) for name in fields)]
    quote = connection.ops.quote_name
    if connection.vendor == "postgresql":  # typed, or a column of NULLs would be text
        cells = ", ".join(f"CAST(%s AS {f.db_type(connection)})" for f in columns)
    else:
        cells = ", ".join(["%s"] * len(columns))
    names = [f"v{i}" for i in range(len(columns))]
    table = quote(meta.db_table)
    assignments = ", ".join(
        f"{quote(f.column)} = given.{n}" for f, n in zip(columns[1:], names[1:], strict=True)
    )
    with connection.cursor() as cursor:
        for start in range(0, len(objects), batch):
            chunk = objects[start : start + batch]
            params = [
                f.get_db_prep_save(getattr(obj, f.attname), connection)
                for obj in chunk
                for f in columns
            ]
            values = ", ".join([f"({cells})"] * len(chunk))
            cursor.execute(
                f"WITH given ({', '.join(names)}) AS (VALUES {values}) "  # noqa: S608
                f"UPDATE {table} SET {assignments} FROM given "
                f"WHERE {table}.{quote(meta.pk.column)} = given.v0",
                params,
            )


def fold_signed(model, keys: list[str]) -> int:
    """Fold a table of signed counts (a row per change: its key columns ``keys``, attnames,
    and ``n``) into one row per key. The rows are taken by one DELETE … RETURNING, so a
    second worker folding at the same time, or a change committed meanwhile, is neither
    counted twice nor lost: each folds only the rows it took. Returns the rows left."""
    fields = [model._meta.get_field(key) for key in keys]
    quote = connection.ops.quote_name
    columns = ", ".join(quote(f.column) for f in fields)
    with transaction.atomic():
        with connection.cursor() as cursor:
            # our own table's and columns' names, and no value: nothing to inject
            take = f"DELETE FROM {quote(model._meta.db_table)} RETURNING {columns}, n"  # noqa: S608
            cursor.execute(take)
            taken = cursor.fetchall()
        # SQLite returns a date as its ISO text: each value as its field reads it
        readers = [f.to_python for f in fields]
        folded: Counter = Counter()
        for *key, n in taken:
            folded[tuple(read(value) for read, value in zip(readers, key, strict=True))] += n
        model.objects.bulk_create(
            [model(**dict(zip(keys, key, strict=True)), n=n) for key, n in folded.items() if n],
            batch_size=2000,
        )
    return sum(1 for n in folded.values() if n)
