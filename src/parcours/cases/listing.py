"""The family table of the case list and the caseload: each row read once, in Python.

The template looked each cell up through the family, its members and its case managers, and
that cost more than the rows themselves (50 rows: 11 ms of lookups); the table now prints
ready values.
"""

import json
import uuid
from collections import defaultdict
from dataclasses import dataclass
from functools import cached_property
from html import escape
from typing import NamedTuple

from django.core.paginator import EmptyPage, Page, PageNotAnInteger, Paginator
from django.db import connection
from django.urls import reverse
from django.utils.formats import date_format, number_format
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from parcours.cases.choices import FamilyStatus, PersonRole
from parcours.cases.models import Family, Person, full_name, household_name, today
from parcours.database import preparer, read
from parcours.labels import label_field
from parcours.privacy.fields import row_identity, unseal_columns

# Past this many families the list says "about N" from PostgreSQL's estimate rather than count
# every row on every page (6 ms at 100 000 families); below it, the count is exact and cheap.
ESTIMATE_ABOVE = 10_000


class KeysFirstPaginator(Paginator):
    """Reads a page's keys first, then those families: the keys come from the list's index
    alone, where reading whole rows went through every row before the page (page 1 000 of
    100 000 families on PostgreSQL: 55 ms of rows skipped, against 7 ms of keys).

    One key more than a page is read, so whether there is a next page is known without the
    count, and a list that fits on its first page is counted by its keys; else the count is
    PostgreSQL's estimate when that is over ``ESTIMATE_ABOVE`` (``estimated`` is then true and
    the last page is not known exactly)."""

    def __init__(self, object_list, per_page, *, columns, rows, **options):
        super().__init__(object_list, per_page, **options)
        self.columns = columns  # what a row is made from, the key first
        self.rows = rows  # those columns read -> the page's rows
        self.estimated = False

    @cached_property
    def count(self):
        estimate = estimated_count(self.object_list)
        if estimate is not None and estimate > ESTIMATE_ABOVE:
            self.estimated = True
            return round(estimate, 2 - len(str(estimate)))  # two significant figures
        return self.object_list.count()

    @property
    def shown_count(self) -> str:
        """The count as the reader's language writes a large number (100 000, 100.000)."""
        return number_format(self.count, force_grouping=True)

    def validate_number(self, number):
        try:
            number = int(number)
        except (TypeError, ValueError):
            raise PageNotAnInteger(self.error_messages["invalid_page"]) from None
        if number == 1:  # always there (perhaps empty), and counted by its keys when short
            return 1
        if not (self.count and self.estimated):
            return super().validate_number(number)
        if number < 1:  # an estimated count has no known last page: any page from 1 is asked
            raise EmptyPage(self.error_messages["min_page"])
        return number

    def page(self, number):
        number = self.validate_number(number)
        if number == 1:  # no row skipped: the page's columns come with its keys
            read = list(self.object_list.values_list(*self.columns)[: self.per_page + 1])
            keys = [key for key, *_rest in read]
            if len(keys) <= self.per_page:
                # the whole list is on this page: its keys are the count, and no count is asked
                self.__dict__["count"] = len(keys)
        else:
            bottom = (number - 1) * self.per_page
            keys = self.object_list.values_list("pk", flat=True)
            keys = list(keys[bottom : bottom + self.per_page + 1])
            found = self.object_list.model.objects.filter(pk__in=keys[: self.per_page])
            found = {row[0]: row for row in found.values_list(*self.columns)}
            read = [found[key] for key in keys if key in found]
        rows = self.rows(read[: self.per_page])
        return TablePage(rows, number, self, more=len(keys) > self.per_page)


class TablePage(Page):
    """A page that knows from its keys whether another follows (the count may be an
    estimate)."""

    def __init__(self, object_list, number, paginator, *, more: bool):
        super().__init__(object_list, number, paginator)
        self.more = more
        self.pages = max(paginator.num_pages, number + more)  # "Page n of (about) m"
        self.shown_pages = number_format(self.pages, force_grouping=True)

    def has_next(self):
        return self.more


def estimated_count(rows) -> int | None:
    """The planner's estimate of how many ``rows`` there are (PostgreSQL; None elsewhere)."""
    if connection.vendor != "postgresql":
        return None
    sql, params = rows.order_by().values("pk").query.sql_with_params()
    with connection.cursor() as cursor:
        cursor.execute(f"EXPLAIN (FORMAT JSON) {sql}", params)
        plan = cursor.fetchone()[0]
    if isinstance(plan, str):
        plan = json.loads(plan)
    return int(plan[0]["Plan"]["Plan Rows"])


@dataclass(frozen=True, slots=True)
class FamilyRow:
    pk: object  # the family's key
    url: str
    label: str  # the case number, or the household's name before admission
    parents: list[str]
    members: str  # "3 members", in the reader's language
    status: str
    status_label: str
    referred_on: str  # the reader's short date
    case_managers: str
    flags: list[str]  # the reasons of the flags that show today

    def __str__(self) -> str:  # the template asks for str() of what it prints
        """The row of the table, printed here: through the template's lookups, fifty rows
        cost a millisecond, a tenth of a case list page. Every value is plain text, escaped
        by the standard library's ``escape`` (Django's, without its check for lazy text)."""
        flags = "".join(
            f'<br><span class="flag-badge">⚑ {escape(flag)}</span>' for flag in self.flags
        )
        return mark_safe(  # every value is escaped, above or here
            f'<tr>\n  <td><a href="{escape(self.url)}">{escape(self.label)}</a>{flags}</td>\n'
            f"  <td>{'<br>'.join(escape(name) for name in self.parents)}</td>\n"
            f"  <td>{escape(self.members)}</td>\n"
            f'  <td><span class="status status-{escape(self.status)}">'
            f"{escape(self.status_label)}</span></td>\n"
            f"  <td>{escape(self.referred_on)}</td>\n"
            f"  <td>{escape(self.case_managers or '—')}</td>\n</tr>"
        )

    __html__ = __str__


def table_page(families, number, per_page: int):
    """Page ``number`` of ``families`` (visible, filtered, ordered) for the table: the page's
    keys found in the gated list, then those families' rows read by key alone, so a search's
    conditions are not evaluated twice."""
    paginator = KeysFirstPaginator(families, per_page, columns=FILE_COLUMNS, rows=_rows)
    return paginator.get_page(number)


def family_url():
    """``reverse("family", args=[pk])`` for many files: the page's address reversed once and
    each key put in its place (reversing 50 rows' addresses cost 2.5 ms of a case list)."""
    marker = uuid.UUID(int=0)
    before, _marker, after = reverse("family", args=[marker]).partition(str(marker))
    return lambda pk: f"{before}{pk}{after}"


class Member(NamedTuple):
    """What a row shows of a member, decrypted."""

    role: str
    given_name: str
    family_name: str


FILE_COLUMNS = ("pk", "case_number", "status", "referred_on")  # what a row shows of a file


def table_rows(families) -> list[FamilyRow]:
    """The rows of ``families``, in their order."""
    return _rows(list(families.values_list(*FILE_COLUMNS)))


def _rows(files) -> list[FamilyRow]:
    """The rows of ``files`` (``FILE_COLUMNS`` read, in the table's order): their members,
    case managers and the flags that show today read by the files' keys, one query each, by
    a plain cursor, as the benchmark's floor reads them. (Django's prefetching made a manager
    per file and a model instance per member, a quarter of a case list page's time; then
    building each query through the ORM cost more than running it, 1.5 ms of a page.)
    The keys were found through the visibility gate; these queries read by them alone."""
    if not files:
        return []
    key = preparer(Family._meta.pk)  # as the database keeps it (no UUID type: its hex)
    keys = [key(pk) for pk, *_rest in files]
    names = [Person._meta.get_field(name) for name in ("given_name", "family_name")]
    members = defaultdict(list)
    read = _by_keys(
        "SELECT id, given_name, family_name, family_id, role FROM cases_person"
        " WHERE family_id IN ({keys}) ORDER BY created_at",
        keys,
    )
    for _row, given, surname, family_id, role in unseal_columns(read, *names):
        members[row_identity(family_id)].append(Member(role, given, surname))
    managers = defaultdict(list)
    for family_id, first_name, username in _by_keys(
        "SELECT l.family_id, u.first_name, u.username"
        " FROM cases_family_case_managers l JOIN accounts_user u ON u.id = l.user_id"
        " WHERE l.family_id IN ({keys}) ORDER BY u.first_name",
        keys,
    ):
        managers[row_identity(family_id)].append(first_name or username)
    # The flags that show today: ``Flag.objects.current``'s rule (a test holds them together),
    # each named in the reader's language, else in English.
    flags = defaultdict(list)
    language = ("label_nl", "label_fr", "label_en").index(label_field())
    for family_id, *labels in _by_keys(
        "SELECT g.family_id, r.label_nl, r.label_fr, r.label_en"
        " FROM cases_flag g JOIN projects_flagreason r ON r.id = g.reason_id"
        " WHERE g.family_id IN ({keys}) AND g.removed_at IS NULL"
        " AND (g.ends_on IS NULL OR g.ends_on >= %s) ORDER BY r.position",
        keys,
        connection.ops.adapt_datefield_value(today()),
    ):
        flags[row_identity(family_id)].append(labels[language] or labels[2])
    statuses = {value: str(label) for value, label in FamilyStatus.choices}
    url = family_url()
    rows = []
    for pk, case_number, status, referred_on in files:
        household = members[str(pk)]
        label = case_number
        if not label:
            name = household_name(household)
            label = _("%(name)s family (referral)") % {"name": name} if name else _("referral")
        rows.append(
            FamilyRow(
                pk=pk,
                url=url(pk),
                label=label,
                parents=[
                    full_name(p.given_name, p.family_name)
                    for p in household
                    if p.role == PersonRole.PARENT
                ],
                members=ngettext("%(n)s member", "%(n)s members", len(household))
                % {"n": len(household)},
                status=status,
                status_label=statuses.get(status, status),
                referred_on=date_format(referred_on, "SHORT_DATE_FORMAT") if referred_on else "",
                case_managers=", ".join(managers[str(pk)]),
                flags=flags[str(pk)],
            )
        )
    return rows


def _by_keys(sql: str, keys: list, *more) -> list[tuple]:
    """The rows of ``sql``, its ``{keys}`` standing for as many parameters as ``keys``
    (placeholders only: the keys themselves are parameters), then ``more``'s."""
    return read(sql.format(keys=", ".join(["%s"] * len(keys))), [*keys, *more])
