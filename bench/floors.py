"""The floors of bench/scale.py: the same rows as each page, read by raw SQL behind the same
sign-in and middleware, through a trivial template. A page's cost above its floor is what
Parcours adds (the ORM, the visibility gate, decryption, the real template, the audit rows).

Served only by the benchmark: ``bench_settings`` puts these URLs before Parcours' own.
"""

import datetime

from django.contrib.auth.decorators import login_not_required
from django.db import connection
from django.http import HttpResponse, JsonResponse
from django.template import Context, Template
from django.urls import include, path
from django.utils import timezone

from parcours.cases.names import query_keys, words

PAGE = 50
ROWS = Template(
    "<!doctype html><table>{% for row in rows %}<tr>{% for cell in row %}<td>{{ cell }}</td>"
    "{% endfor %}</tr>{% endfor %}</table>"
)


def _page(rows) -> HttpResponse:
    """The trivial template over the rows read; a sealed value shows as its length (reading
    it is the floor's; decrypting and printing it is Parcours' own cost)."""
    shown = [[len(c) if isinstance(c, bytes | memoryview) else c for c in row] for row in rows]
    return HttpResponse(ROWS.render(Context({"rows": shown})))


def _render(sql: str, params: list) -> HttpResponse:
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        rows = cursor.fetchall()
    return _page(rows)


def _listed(sql: str, params: list) -> HttpResponse:
    """A page of the family table: the files, then what each row shows of them (every
    member's role and sealed names, the case managers, the flags that show today), one query
    each as the page reads them, put in the file's row (one table row a file, as on the
    page)."""
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        files = {row[0]: [*row, [], [], []] for row in cursor.fetchall()}
        if files:
            marks = ", ".join(["%s"] * len(files))
            for place, related in enumerate(
                (
                    "SELECT family_id, role, given_name, family_name FROM cases_person"
                    f" WHERE family_id IN ({marks}) ORDER BY created_at",
                    "SELECT l.family_id, u.first_name, u.username"
                    " FROM cases_family_case_managers l JOIN accounts_user u ON u.id = l.user_id"
                    f" WHERE l.family_id IN ({marks}) ORDER BY u.first_name",
                    "SELECT g.family_id, r.label_en FROM cases_flag g"
                    " JOIN projects_flagreason r ON r.id = g.reason_id"
                    f" WHERE g.family_id IN ({marks}) AND g.removed_at IS NULL"
                    " AND (g.ends_on IS NULL OR g.ends_on >= CURRENT_DATE) ORDER BY r.position",
                ),
                start=-3,
            ):
                cursor.execute(related, list(files))
                for family_id, *cells in cursor.fetchall():
                    files[family_id][place].append(cells)
    return _page([[*row[:-3], len(row[-3]), len(row[-2]), len(row[-1])] for row in files.values()])


def _families(where: str, params: list, page: int) -> tuple[str, list]:
    return (
        "SELECT f.id, f.case_number, f.status, f.referred_on"
        f" FROM cases_family f WHERE {where}"
        " ORDER BY f.referred_on DESC, f.created_at DESC LIMIT %s OFFSET %s",
        [*params, PAGE, PAGE * (page - 1)],
    )


def case_list(request, project_id):
    page = int(request.GET.get("page", 1))
    return _listed(*_families("f.project_id = %s", [project_id], page))


def case_list_filtered(request, project_id, user_id):
    where = (
        "f.project_id = %s AND f.status = 'active' AND f.id IN"
        " (SELECT family_id FROM cases_family_case_managers WHERE user_id = %s)"
    )
    return _listed(*_families(where, [project_id, user_id], 1))


def dashboard(request, project_id):
    """One GROUP BY over the figures kept ready: each case manager's open files."""
    return _render(
        "SELECT l.user_id, COUNT(*) FROM cases_family_case_managers l"
        " JOIN cases_familyfigures g ON g.family_id = l.family_id"
        " WHERE g.project_id = %s AND g.status IN ('active', 'paused') GROUP BY l.user_id",
        [project_id],
    )


def search(request, project_id):
    """The same keys as the search (each word as written, begun, sounding alike), counted
    more loosely: a member with as many keys as words."""
    searched = words(request.GET.get("q", ""))
    digests = [d for word in searched for d in query_keys(word)]
    marks = ", ".join(["%s"] * len(digests))
    where = (
        "f.project_id = %s AND f.id IN (SELECT t.family_id FROM cases_nametoken t"
        f" WHERE t.digest IN ({marks}) GROUP BY t.person_id, t.family_id"
        " HAVING COUNT(DISTINCT t.digest) >= %s)"
    )
    return _listed(*_families(where, [project_id, *digests, len(searched)], 1))


def family(request, family_id):
    """What the family page shows: the file and its project, its members and case managers,
    the latest review, the latest five contacts (their authors and who was there) and the
    contacts counted by kind, open actions, the case plan, procedures (their rules and
    lawyers), documents (their kinds), sheets, and whether flags, later referrals or
    possible earlier files exist."""
    latest = (
        'SELECT id FROM casework_contact WHERE family_id = %s ORDER BY "on" DESC, created_at DESC'
        " LIMIT 5"
    )
    queries = [
        "SELECT * FROM cases_family f JOIN projects_project p ON p.id = f.project_id"
        " WHERE f.id = %s",
        "SELECT * FROM cases_person WHERE family_id = %s ORDER BY created_at",
        "SELECT u.* FROM accounts_user u JOIN cases_family_case_managers l ON l.user_id = u.id"
        " WHERE l.family_id = %s",
        "SELECT * FROM casework_review WHERE family_id = %s ORDER BY held_on DESC LIMIT 1",
        "SELECT * FROM casework_contact c LEFT JOIN accounts_user u ON u.id = c.author_id"
        ' WHERE c.family_id = %s ORDER BY c."on" DESC, c.created_at DESC LIMIT 5',
        "SELECT contact_id, person_id FROM casework_contact_present"
        f" WHERE contact_id IN ({latest})",
        'SELECT kind, COUNT(*) FILTER (WHERE "on" > %(month)s),'
        ' COUNT(*) FILTER (WHERE "on" > %(year)s), COUNT(*)'
        " FROM casework_contact WHERE family_id = %(f)s GROUP BY kind",
        "SELECT * FROM casework_action WHERE family_id = %s AND status = 'open'"
        " ORDER BY due_on, created_at",
        "SELECT * FROM casework_caseplan WHERE family_id = %s LIMIT 1",
        "SELECT * FROM legal_procedure p"
        " LEFT JOIN legal_deadlinerule r ON r.id = p.deadline_rule_id"
        " LEFT JOIN casework_serviceprovider l ON l.id = p.lawyer_id WHERE p.family_id = %s",
        "SELECT * FROM legal_document d JOIN legal_documentkind k ON k.id = d.kind_id"
        " WHERE d.family_id = %s",
        "SELECT * FROM instruments_response WHERE family_id = %s",
        "SELECT EXISTS (SELECT 1 FROM cases_flag WHERE family_id = %(f)s),"
        " EXISTS (SELECT 1 FROM cases_family WHERE previous_referral_id = %(f)s),"
        " EXISTS (SELECT 1 FROM cases_possibleduplicate WHERE family_id = %(f)s)",
    ]
    today = timezone.localdate()
    named = {
        "f": family_id,
        "month": today - datetime.timedelta(days=30),
        "year": today - datetime.timedelta(days=365),
    }
    rows = []
    with connection.cursor() as cursor:
        for sql in queries:
            cursor.execute(sql, named if "%(f)s" in sql else [family_id])
            rows += cursor.fetchall()
    return _page(rows)


def _bearer(request):
    """The API's own token check (failed-attempt count, hash lookup, owner's roles now)."""
    from rest_framework.request import Request

    from parcours.api.authentication import BearerTokenAuthentication

    _user, token = BearerTokenAuthentication().authenticate(Request(request))
    return token


def _json(sql: str, params: list) -> JsonResponse:
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        names = [c[0] for c in cursor.description]
        rows = [dict(zip(names, row, strict=True)) for row in cursor.fetchall()]
    return JsonResponse({"results": rows, "next": None})


@login_not_required  # as the API's views: the token is the sign-in
def api_families(request, project_id):
    """The families list's rows (never pooled ones), 50 a page, newest first, behind the token
    check."""
    _bearer(request)
    return _json(
        "SELECT f.id, f.case_number, f.status, f.referred_on, f.admitted_on, f.closed_on,"
        " f.updated_at, f.version FROM cases_family f"
        " WHERE f.project_id = %s AND f.pooled_from_id IS NULL"
        " ORDER BY f.created_at DESC LIMIT 51",
        [project_id],
    )


@login_not_required
def api_sheets(request, project_id):
    """200 submitted sheets since a date, oldest first, with their answers, behind the token
    check."""
    _bearer(request)
    since = request.GET["submitted_since"]
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT r.id, r.instrument, r.family_id, r.instance_id, r.submitted_at"
            " FROM instruments_response r JOIN cases_family f ON f.id = r.family_id"
            " WHERE f.project_id = %s AND r.status = 'submitted' AND r.submitted_at >= %s"
            " ORDER BY r.submitted_at LIMIT 201",
            [project_id, since],
        )
        sheets = {row[0]: [*row, []] for row in cursor.fetchall()}
        if sheets:
            marks = ", ".join(["%s"] * len(sheets))
            cursor.execute(
                f"SELECT response_id, code, value FROM instruments_answer"
                f" WHERE response_id IN ({marks})",
                list(sheets),
            )
            for response_id, code, value in cursor.fetchall():
                sheets[response_id][-1].append({"code": code, "value": value})
    return JsonResponse({"results": list(sheets.values()), "next": None})


urlpatterns = [
    path("floor/api/<int:project_id>/families/", api_families),
    path("floor/api/<int:project_id>/sheets/", api_sheets),
    path("floor/<int:project_id>/cases/", case_list),
    path("floor/<int:project_id>/cases/<int:user_id>/", case_list_filtered),
    path("floor/<int:project_id>/search/", search),
    path("floor/<int:project_id>/dashboard/", dashboard),
    path("floor/family/<str:family_id>/", family),
    path("", include("parcours.urls")),
]
