"""The API's endpoints (/api/v1/). Each one is thin: the visibility gate (another person's family
is 404, as on the pages), the same Django form that checks the page's input, the same service
that writes, audits and records its events. A token never reaches more than its scopes, its
owner's roles now, and its project when it names one.
"""

from django.conf import settings
from django.contrib.auth.decorators import login_not_required
from django.db import connection
from django.db.models import Exists, OuterRef, Q
from django.http import JsonResponse
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import serializers, status
from rest_framework.exceptions import NotFound
from rest_framework.pagination import CursorPagination
from rest_framework.response import Response
from rest_framework.views import APIView

from parcours.accounts.models import Role
from parcours.api import examples, tokens
from parcours.api import serializers as shapes
from parcours.api.authentication import actor
from parcours.api.models import Scope
from parcours.api.problems import CONTENT_TYPE, Problem, flatten, invalid
from parcours.api.writes import expected_version, idempotent, saving, with_etag
from parcours.cases import services as case_services
from parcours.cases.choices import FamilyStatus
from parcours.cases.forms import PersonForm, ReferralForm
from parcours.cases.models import Family
from parcours.casework import services as casework_services
from parcours.casework.forms import ActionForm, ContactForm
from parcours.casework.models import Action, Contact
from parcours.instruments.models import Answer, InstrumentVersion, ResponseStatus
from parcours.instruments.models import Response as Sheet
from parcours.instruments.transfer import SheetRefused, receive_sheet
from parcours.notify import webhooks
from parcours.notify.models import Webhook
from parcours.privacy.audit import record, record_listed_by
from parcours.privacy.fields import Sealed
from parcours.privacy.models import AuditAction
from parcours.projects.models import Project
from parcours.reports.cohort import Cohort, FreeText, compute
from parcours.reports.readers import report_for
from parcours.reports.render import masked
from parcours.reports.sheets import evaluation_sheets


def errors(*codes) -> dict:
    """The documented error answers of an operation, each a problem."""
    told = {
        400: "Bad input: each wrong field named.",
        401: "No token, or an unknown, expired or revoked one.",
        403: "The token lacks the scope, or its owner's roles no longer allow it.",
        404: "Not found, or not visible to the token's owner.",
        409: "The file's state does not allow this, or another sheet has this ID.",
        412: "If-Match names an older version.",
        422: "The Idempotency-Key was used for another request.",
        428: "If-Match is missing.",
        429: "Too many requests (Retry-After says when to try again).",
    }
    return {
        (code, CONTENT_TYPE): OpenApiResponse(shapes.ProblemSerializer, description=told[code])
        for code in (401, 403, 429, *codes)
    }


IF_MATCH = OpenApiParameter(
    "If-Match",
    str,
    OpenApiParameter.HEADER,
    required=True,
    description="The ETag of the object as you read it.",
)
IDEMPOTENCY_KEY = OpenApiParameter(
    "Idempotency-Key",
    str,
    OpenApiParameter.HEADER,
    required=False,
    description="Any unique string: a replay answers as the first time and creates nothing.",
)


class Pages(CursorPagination):
    page_size = 50
    max_page_size = 200
    page_size_query_param = "page_size"
    ordering = "-created_at"

    def decode_cursor(self, request):
        try:
            return super().decode_cursor(request)
        except NotFound:
            raise invalid(
                [{"field": "cursor", "detail": _("Not a cursor: use a page's next link.")}]
            ) from None


class ApiView(APIView):
    """What every endpoint shares: the families the token may reach, and reading bodies."""

    @classmethod
    def as_view(cls, **initkwargs):
        """Past the sign-in page's middleware: the token is checked here, on every request."""
        return login_not_required(super().as_view(**initkwargs))

    def families(self):
        """The visibility gate, within the token's project."""
        families = Family.objects.visible_to(self.request.user)
        token = self.request.auth
        if token is not None and token.project_id:
            families = families.filter(project_id=token.project_id)
        return families

    def family(self, pk) -> Family:
        """One family through the gate (404 otherwise); a read is audited as the pages do."""
        family = get_object_or_404(self.families().select_related("project"), pk=pk)
        if self.request.method == "GET":
            record(actor(self.request), AuditAction.VIEW, family)
        return family

    def body(self, shape, partial=False) -> dict:
        """The request's body checked for its shape; 400 naming each wrong field."""
        if not isinstance(self.request.data, dict):
            raise Problem(400, _("Send a JSON object."))
        checked = shape(data=self.request.data, partial=partial)
        if not checked.is_valid():
            raise invalid(flatten(checked.errors))
        return checked.validated_data

    def page(self, queryset, shape):
        pages = Pages()
        items = pages.paginate_queryset(queryset, self.request, view=self)
        return items, pages, shape


def form_data(values: dict) -> dict:
    """A checked body as a page would post it: dates as text, booleans as a ticked box."""
    data = {}
    for name, value in values.items():
        if isinstance(value, bool):
            if value:
                data[name] = "on"
        elif value is None:
            data[name] = ""
        elif isinstance(value, list):
            data[name] = [str(v) for v in value]
        else:
            data[name] = value.isoformat() if hasattr(value, "isoformat") else str(value)
    return data


def form_errors(form, prefix: str = "") -> list[dict]:
    return [
        {"field": f"{prefix}{name}" if name != "__all__" else prefix.rstrip("."), "detail": m}
        for name, messages in form.errors.items()
        for m in messages
    ]


# Exempt from CSRF as the API is (token-authenticated, no session read): it answers 404 to
# every method and reads and writes nothing.
@csrf_exempt
@login_not_required
def not_found(request, rest=""):
    """Any other address under /api/: a problem too, never the site's HTML page."""
    body = {"type": "about:blank", "title": "Not found", "status": 404, "detail": _("Not found.")}
    return JsonResponse(body, status=404, content_type=CONTENT_TYPE)


# Projects ----------------------------------------------------------------------------------


@extend_schema(
    tags=["projects"],
    summary="The projects the token's owner works in",
    responses={200: shapes.ProjectSerializer(many=True), **errors()},
)
class ProjectList(ApiView):
    required_scope = None  # any token: what a person's roles are is theirs to know

    def get(self, request):
        token = request.auth
        roles = dict(request.user.memberships.values_list("project_id", "role"))
        projects = Project.objects.filter(pk__in=roles).order_by("slug")
        if token.project_id:
            projects = projects.filter(pk=token.project_id)
        return Response([{"slug": p.slug, "name": p.name, "role": roles[p.pk]} for p in projects])


# Families ----------------------------------------------------------------------------------


class Filters(serializers.Serializer):
    """Query parameters: a parameter given empty is a mistake named, not a filter left out."""

    def validate(self, data):
        empty = [name for name in self.fields if self.initial_data.get(name, None) == ""]
        if empty:
            raise serializers.ValidationError({name: _("Give a value.") for name in empty})
        return data


class FamilyFilters(Filters):
    project = serializers.SlugField(required=False)
    status = serializers.ChoiceField(choices=FamilyStatus.choices, required=False)
    case_manager = serializers.CharField(required=False, help_text="A case manager's user name.")
    updated_since = serializers.DateTimeField(required=False)
    case_number = serializers.CharField(required=False, max_length=32)
    name = serializers.CharField(
        required=False, max_length=200, help_text="Members' names, as the case list searches."
    )
    cursor = serializers.CharField(required=False)
    page_size = serializers.IntegerField(required=False, min_value=1, max_value=200)


_MOMENT = serializers.DateTimeField()


def _day(value) -> str | None:
    return value.isoformat() if value else None


LIST_COLUMNS = (
    "id",
    "version",
    "project__slug",
    "case_number",
    "status",
    "referred_on",
    "admitted_on",
    "closed_on",
    "updated_at",
    "created_at",
)


def family_row(family: dict) -> dict:
    """A family as the list shows it (the document's FamilyList), from its LIST_COLUMNS: built
    directly, as a page of 200 through model instances and DRF's serializer fields costs more
    than its query."""
    return {
        "id": family["id"],
        "project": family["project__slug"],
        "case_number": family["case_number"],
        "status": family["status"],
        "referred_on": _day(family["referred_on"]),
        "admitted_on": _day(family["admitted_on"]),
        "closed_on": _day(family["closed_on"]),
        "updated_at": _MOMENT.to_representation(family["updated_at"]),
        "version": family["version"],
    }


@extend_schema(tags=["families"])
class FamilyList(ApiView):
    required_scope = Scope.CASES_READ

    @extend_schema(
        operation_id="families_list",
        summary="Families visible to the token's owner, 50 a page (at most 200)",
        parameters=[FamilyFilters],
        responses={200: shapes.page_of(shapes.FamilyListSerializer, "FamilyPage"), **errors(400)},
    )
    def get(self, request):
        filters = FamilyFilters(data=request.query_params)
        if not filters.is_valid():
            raise invalid(flatten(filters.errors))
        wanted = filters.validated_data
        # Only the list's columns: with the whole row (encrypted texts and all) SQLite's
        # planner sorts the project's families rather than read the family_api_list index.
        families = self.families().values(*LIST_COLUMNS)
        if "project" in wanted:
            families = families.filter(project__slug=wanted["project"])
        if "status" in wanted:
            families = families.filter(status=wanted["status"])
        if "case_manager" in wanted:
            families = families.filter(case_managers__username=wanted["case_manager"])
        if "updated_since" in wanted:
            families = families.filter(updated_at__gte=wanted["updated_since"])
        if "case_number" in wanted:
            families = families.filter(case_number=wanted["case_number"])
        if wanted.get("name", "").strip():
            found = case_services.search(self.families(), wanted["name"])
            families = families.filter(pk__in=found.values("pk"))
        pages = Pages()
        shown = pages.paginate_queryset(families, request, view=self)
        record_listed_by(actor(request), [f["id"] for f in shown])
        return pages.get_paginated_response([family_row(f) for f in shown])


@extend_schema(tags=["families"])
class FamilyDetail(ApiView):
    required_scope = Scope.CASES_READ

    @extend_schema(
        summary="A family's file: household, members, status, case managers",
        responses={200: shapes.FamilySerializer, **errors(404)},
    )
    def get(self, request, pk):
        family = self.family(pk)
        family = (
            Family.objects.filter(pk=family.pk)
            .select_related("project")
            .prefetch_related("members", "case_managers")
            .get()
        )
        return with_etag(Response(shapes.FamilySerializer(family).data), family)


@extend_schema(tags=["families"])
class ReferralCreate(ApiView):
    required_scope = Scope.CASEWORK_WRITE

    @extend_schema(
        summary="Register a referral from another system",
        description=(
            "The referral page's checks, and the same look for earlier files of the project "
            "(settled by a person on the family page)."
        ),
        request=shapes.ReferralSerializer,
        parameters=[IDEMPOTENCY_KEY],
        examples=[examples.REFERRAL],
        responses={201: shapes.ReferralCreatedSerializer, **errors(400, 422)},
    )
    @idempotent
    def post(self, request):
        body = self.body(shapes.ReferralSerializer)
        members = body.pop("members")
        project = self._project(body.pop("project"))
        form = ReferralForm(form_data({**body, "project": project.pk}), user=request.user)
        people = [PersonForm(form_data(m)) for m in members]
        problems = form_errors(form) if not form.is_valid() else []
        for index, person in enumerate(people):
            if not person.is_valid():
                problems += form_errors(person, f"members[{index}].")
        if problems:
            raise invalid(problems)
        family = case_services.register_referral(
            actor(request), form.save(commit=False), [p.save(commit=False) for p in people]
        )
        data = shapes.FamilyListSerializer(family).data
        data["possible_earlier_files"] = family.possible_duplicates.count()
        response = Response(data, status=status.HTTP_201_CREATED)
        response["Location"] = reverse("api:family", args=[family.pk])
        return with_etag(response, family)

    def _project(self, slug) -> Project:
        token = self.request.auth
        ids = tokens.project_ids(token, Role.CASE_MANAGER, Role.COORDINATOR)
        project = Project.objects.filter(slug=slug, pk__in=ids, network=False).first()
        if project is None:
            raise invalid(
                [{"field": "project", "detail": _("Not one of your projects: %s.") % slug}]
            )
        return project


# Casework ----------------------------------------------------------------------------------


def contact_data(contact: Contact) -> dict:
    return {
        "id": contact.pk,
        "kind": contact.kind,
        "accompanied_to": contact.accompanied_to,
        "on": contact.on,
        "minutes": contact.minutes,
        "present": [p.pk for p in contact.present.all()],
        "interpreter": contact.interpreter,
        "note": contact.note,
        "created_at": contact.created_at,
    }


@extend_schema(tags=["casework"])
class ContactList(ApiView):
    required_scopes = {"GET": Scope.CASES_READ, "POST": Scope.CASEWORK_WRITE}

    @extend_schema(
        summary="A family's contacts, newest first",
        responses={
            200: shapes.page_of(shapes.ContactSerializer, "ContactPage"),
            **errors(400, 404),
        },
        parameters=[
            OpenApiParameter("cursor", str),
            OpenApiParameter("page_size", int),
        ],
    )
    def get(self, request, pk):
        family = self.family(pk)
        contacts = family.contacts.prefetch_related("present")
        pages = Pages()
        shown = pages.paginate_queryset(contacts, request, view=self)
        return pages.get_paginated_response(
            shapes.ContactSerializer([contact_data(c) for c in shown], many=True).data
        )

    @extend_schema(
        summary="Log a contact with a family",
        request=shapes.ContactSerializer,
        parameters=[IDEMPOTENCY_KEY],
        examples=[examples.CONTACT],
        responses={201: shapes.ContactSerializer, **errors(400, 404, 409, 422)},
    )
    @idempotent
    def post(self, request, pk):
        family = self.family(pk)
        body = self.body(shapes.ContactSerializer)
        form = ContactForm(form_data(body), family=family)
        if not form.is_valid():
            raise invalid(form_errors(form))
        contact = form.save(commit=False)
        contact.family = family
        try:
            casework_services.log_contact(actor(request), contact, form.cleaned_data["present"])
        except casework_services.CaseworkError as error:
            raise _casework_problem(error) from None
        return Response(
            shapes.ContactSerializer(contact_data(contact)).data, status=status.HTTP_201_CREATED
        )


def _casework_problem(error) -> Problem:
    if error.field:
        return invalid([{"field": error.field, "detail": str(error)}])
    return Problem(409, str(error))


def action_data(action: Action) -> dict:
    return shapes.ActionSerializer(action).data


@extend_schema(tags=["casework"])
class ActionList(ApiView):
    required_scope = Scope.CASES_READ

    @extend_schema(
        summary="A family's actions",
        responses={200: shapes.ActionSerializer(many=True), **errors(404)},
    )
    def get(self, request, pk):
        family = self.family(pk)
        return Response([action_data(a) for a in family.actions.order_by("due_on", "created_at")])


@extend_schema(tags=["casework"])
class ActionDetail(ApiView):
    required_scopes = {"GET": Scope.CASES_READ, "PATCH": Scope.CASEWORK_WRITE}

    def reach(self, pk) -> Action:
        action = get_object_or_404(
            Action.objects.filter(family__in=self.families()).select_related("family__project"),
            pk=pk,
        )
        if self.request.method == "GET":
            record(actor(self.request), AuditAction.VIEW, action)
        return action

    @extend_schema(summary="An action", responses={200: shapes.ActionSerializer, **errors(404)})
    def get(self, request, pk):
        action = self.reach(pk)
        return with_etag(Response(action_data(action)), action)

    @extend_schema(
        summary="Change an action (If-Match: its ETag)",
        request=shapes.ActionPatchSerializer,
        parameters=[IF_MATCH],
        examples=[examples.ACTION_PATCH],
        responses={200: shapes.ActionSerializer, **errors(400, 404, 409, 412, 428)},
    )
    def patch(self, request, pk):
        action = self.reach(pk)
        version = expected_version(request, action)
        body = self.body(shapes.ActionPatchSerializer, partial=True)
        current = {
            "description": action.description,
            "actor": action.actor,
            "concerns": action.concerns_id,
            "due_on": action.due_on,
            "status": action.status,
            "outcome": action.outcome,
        }
        data = form_data({**current, **body})
        data["version"] = str(version)
        form = ActionForm(data, instance=action, family=action.family)
        if not form.is_valid():
            raise invalid(form_errors(form))
        try:
            saved = saving(
                lambda: casework_services.save_action(actor(request), form.save(commit=False))
            )
        except casework_services.CaseworkError as error:
            raise _casework_problem(error) from None
        saved = Action.objects.get(pk=saved.pk)
        return with_etag(Response(action_data(saved)), saved)


# Sheets ------------------------------------------------------------------------------------


class SheetFilters(Filters):
    project = serializers.SlugField(required=False)
    instrument = serializers.ChoiceField(
        choices=Sheet._meta.get_field("instrument").choices, required=False
    )
    submitted_since = serializers.DateTimeField(required=False)
    cursor = serializers.CharField(required=False)
    page_size = serializers.IntegerField(required=False, min_value=1, max_value=200)


class SheetPages(Pages):
    ordering = "submitted_at"


SHEET_COLUMNS = (
    "id",
    "instrument",
    "status",
    "version_id",
    "instance_id",
    "submitted_at",
    "family__id",
    "family__case_number",
    "family__project_id",
    "family__pooled_from_id",
)


def readable_sheets(request, families):
    """Submitted sheets of the files the token reaches, and the sheets its owner evaluates
    (consent-gated for evaluators: ``reports.sheets.evaluation_sheets``)."""
    token = request.auth
    # EXISTS, not IN: so the databases read the submitted sheets in date order and check each
    # one's file (a page of 200 at 100 000 families: 7 ms), rather than every file's sheets.
    sheets = Sheet.objects.filter(
        Exists(families.filter(pk=OuterRef("family_id"))), status=ResponseStatus.SUBMITTED
    )
    if Role.EVALUATOR in {r for _p, r in request.user.memberships.values_list("project", "role")}:
        evaluated = evaluation_sheets(request.user)
        if token.project_id:
            evaluated = evaluated.filter(family__project_id=token.project_id)
        sheets = Sheet.objects.filter(Q(pk__in=sheets.values("pk")) | Q(pk__in=evaluated))
    return sheets


class SheetReader:
    """The answers of a page of sheets as the API shows them, read in one query of values
    (no model per answer: a page of 200 Baselines holds some 5 000), free text decrypted only
    where it is shown, each choice's label looked up once."""

    def __init__(self, language: str):
        self.language = language
        self.labels: dict[tuple, str] = {}
        self.text = Answer._meta.get_field("text")
        self.response_id = Answer._meta.get_field("response").target_field
        self.moment = serializers.DateTimeField()

    def label(self, definition, question, code):
        key = (definition.form_id, definition.version, question.name, code)
        if key not in self.labels:
            self.labels[key] = definition.choice_label(question, code, self.language)
        return self.labels[key]

    def answers_of(self, sheets) -> dict:
        """Each sheet's (code, value, sealed text, released) by a plain cursor: the ORM's
        conversions (a UUID object per answer) cost more than the query."""
        found: dict = {s.pk: [] for s in sheets}
        if not found:
            return found
        # SQLite keeps a UUID as 32 hex digits, PostgreSQL as a uuid.
        key = {**{pk.hex: pk for pk in found}, **{pk: pk for pk in found}}
        marks = ", ".join(["%s"] * len(found))  # placeholders only: the ids are parameters
        sql = "SELECT response_id, code, value, text, released_at FROM instruments_answer"
        with connection.cursor() as cursor:
            cursor.execute(
                f"{sql} WHERE response_id IN ({marks})",
                [self.response_id.get_db_prep_value(pk, connection) for pk in found],
            )
            for response_id, code, value, text, released_at in cursor.fetchall():
                found[key[response_id]].append(
                    (code, value, Sealed(text) if text else "", released_at)
                )
        return found

    def data(self, sheet, answers, case_file: bool, every_text: bool) -> dict:
        definition = sheet.version.definition
        questions = definition.answerable_by_name
        shown = []
        for code, value, text, released_at in sorted(answers):
            question = questions.get(code)
            if question is None:
                continue
            label = None
            if question.type == "text":
                if not text or not (every_text or released_at):
                    continue
                value = self.text.unseal(text, f"{sheet.pk}:{code}")
            elif question.type == "select_multiple":
                value = value.split()
                label = [self.label(definition, question, c) for c in value]
            elif question.type == "select_one" and value:
                label = self.label(definition, question, value)
            shown.append({"code": code, "value": value, "label": label})
        family = sheet.family
        return {
            "id": sheet.pk,
            "instrument": sheet.instrument,
            "version": sheet.version.version,
            "family": family.pk if case_file else None,
            "case_number": family.case_number if case_file else "",
            "pseudonym": family.pseudonym,
            "instance_id": sheet.instance_id,
            "submitted_at": self.moment.to_representation(sheet.submitted_at),
            "answers": shown,
        }


@extend_schema(tags=["sheets"])
class SheetList(ApiView):
    required_scopes = {"GET": Scope.SHEETS_READ, "POST": Scope.SHEETS_WRITE}

    @extend_schema(
        summary="Submitted sheets, oldest first, 50 a page (at most 200)",
        parameters=[SheetFilters],
        responses={200: shapes.page_of(shapes.SheetSerializer, "SheetPage"), **errors(400)},
    )
    def get(self, request):
        filters = SheetFilters(data=request.query_params)
        if not filters.is_valid():
            raise invalid(flatten(filters.errors))
        wanted = filters.validated_data
        families = self.families()
        sheets = readable_sheets(request, families)
        if "project" in wanted:
            sheets = sheets.filter(family__project__slug=wanted["project"])
        if "instrument" in wanted:
            sheets = sheets.filter(instrument=wanted["instrument"])
        if "submitted_since" in wanted:
            sheets = sheets.filter(submitted_at__gte=wanted["submitted_since"])
        # The page's columns only, and each version (with its form file) read once: with
        # every column SQLite's planner sorts the project's sheets rather than read the
        # response_submitted index, and 200 rows carried 200 copies of the form.
        sheets = sheets.select_related("family").only(*SHEET_COLUMNS)
        pages = SheetPages()
        shown = pages.paginate_queryset(sheets, request, view=self)
        versions = InstrumentVersion.objects.in_bulk({s.version_id for s in shown})
        for sheet in shown:
            sheet.version = versions[sheet.version_id]
        ids = {s.family_id for s in shown}
        case_files = set(families.filter(pk__in=ids).values_list("pk", flat=True))
        coordinated = request.user.project_ids(Role.COORDINATOR)
        reader = SheetReader((translation.get_language() or "en")[:2])
        answers = reader.answers_of(shown)
        data = [
            reader.data(
                s,
                answers[s.pk],
                s.family_id in case_files,
                s.family_id in case_files or s.family.project_id in coordinated,
            )
            for s in shown
        ]
        record_listed_by(actor(request), [s.family_id for s in shown])
        # Built as the document's Sheet says (tests/api/test_fuzz checks it), not re-serialised.
        return pages.get_paginated_response(data)

    @extend_schema(
        summary="Submit a complete sheet (a resend with the same instance_id stores nothing)",
        request=shapes.SheetSubmitSerializer,
        parameters=[IDEMPOTENCY_KEY],
        examples=[examples.SHEET],
        responses={
            201: shapes.SheetStoredSerializer,
            200: OpenApiResponse(shapes.SheetStoredSerializer, description="Here already."),
            **errors(400, 404, 409, 422),
        },
    )
    @idempotent
    def post(self, request):
        body = self.body(shapes.SheetSubmitSerializer)
        if "family" in body:
            found = {"pk": body["family"]}
        else:
            found = {"project__slug": body["project"], "case_number": body["case_number"]}
        family = get_object_or_404(self.families().select_related("project"), **found)
        if body.get("version"):
            version = InstrumentVersion.objects.filter(
                instrument=body["instrument"], version=body["version"]
            ).first()
            if version is None:
                raise invalid([{"field": "version", "detail": _("No such version of this form.")}])
        else:
            version = InstrumentVersion.objects.active(body["instrument"], family.project)
        definition = version.definition
        known = {q.name for q in definition.answerable}
        unknown = sorted(set(body["answers"]) - known)
        if unknown:
            raise invalid(
                [
                    {"field": f"answers.{c}", "detail": _("Not a question of this form.")}
                    for c in unknown
                ]
            )
        raw = {
            code: (value.split() if isinstance(value, str) else value)
            if code in definition.multiple
            else ("" if value is None else str(value))
            for code, value in body["answers"].items()
        }
        try:
            sheet, created = receive_sheet(
                actor(request),
                family,
                version,
                raw,
                instance_id=body["instance_id"],
                language=(translation.get_language() or "en")[:2],
            )
        except SheetRefused as error:
            if error.status == 409:
                raise Problem(409, str(error)) from None
            raise invalid(
                [{"field": f"answers.{c}", "detail": m} for c, m in error.errors.items()]
            ) from None
        data = {"id": sheet.pk, "instance_id": sheet.instance_id, "created": created}
        return Response(data, status=status.HTTP_201_CREATED if created else status.HTTP_200_OK)


# Reports -----------------------------------------------------------------------------------


class ReportFilters(Filters):
    admitted_from = serializers.DateField(required=False)
    admitted_to = serializers.DateField(required=False)
    period_from = serializers.DateField(required=False)
    period_to = serializers.DateField(required=False)


@extend_schema(tags=["reports"])
class ProjectReport(ApiView):
    required_scope = Scope.REPORTS_READ

    @extend_schema(
        summary="The project's cohort report (docs/report-json.md)",
        description=(
            "Coordinators get the report of their organisation; evaluators the consent-gated "
            "report with small cells masked and no free text: the figures of "
            "`parcours report --outside`."
        ),
        parameters=[ReportFilters],
        responses={200: dict, **errors(400, 404)},
    )
    def get(self, request, slug):
        ids = tokens.project_ids(request.auth, Role.COORDINATOR, Role.EVALUATOR)
        project = get_object_or_404(Project.objects.filter(pk__in=ids), slug=slug)
        filters = ReportFilters(data=request.query_params)
        if not filters.is_valid():
            raise invalid(flatten(filters.errors))
        cohort = Cohort([project], **filters.validated_data)
        if request.user.has_role(Role.COORDINATOR, project.pk):
            report, shown = report_for(cohort, request.user)
            record_listed_by(actor(request), shown)
        else:
            cohort.consented_only = True
            report = masked(compute(cohort, FreeText.NONE), settings.PARCOURS_SMALL_CELL)
        return Response(report)


# Webhooks ----------------------------------------------------------------------------------


def webhook_data(hook: Webhook) -> dict:
    return {
        "id": hook.pk,
        "project": hook.project.slug,
        "url": hook.url,
        "events": hook.events,
        "deadline_days": hook.deadline_days,
        "active": hook.active,
        "paused_at": hook.paused_at,
        "created_at": hook.created_at,
    }


class WebhookAccess:
    def webhooks(self):
        ids = tokens.project_ids(self.request.auth, Role.COORDINATOR)
        return Webhook.objects.filter(project_id__in=ids).select_related("project")


@extend_schema(tags=["webhooks"])
class WebhookList(WebhookAccess, ApiView):
    required_scope = Scope.WEBHOOKS_MANAGE

    @extend_schema(
        operation_id="webhooks_list",
        summary="The webhooks of the projects the token's owner coordinates",
        responses={200: shapes.WebhookSerializer(many=True), **errors()},
    )
    def get(self, request):
        return Response([webhook_data(h) for h in self.webhooks()])

    @extend_schema(
        summary="Subscribe a URL to a project's events (the secret is shown once)",
        request=shapes.WebhookSerializer,
        parameters=[IDEMPOTENCY_KEY],
        examples=[examples.WEBHOOK],
        responses={201: shapes.WebhookCreatedSerializer, **errors(400, 422)},
    )
    @idempotent
    def post(self, request):
        body = self.body(shapes.WebhookSerializer)
        ids = tokens.project_ids(request.auth, Role.COORDINATOR)
        project = Project.objects.filter(pk__in=ids, slug=body["project"]).first()
        if project is None:
            raise invalid(
                [{"field": "project", "detail": _("You do not coordinate %s.") % body["project"]}]
            )
        try:
            hook, secret = webhooks.subscribe(
                actor(request), project, body["url"], body["events"], body["deadline_days"]
            )
        except webhooks.AddressRefused as error:
            raise invalid([{"field": "url", "detail": str(error)}]) from None
        data = {**webhook_data(hook), "secret": secret}
        response = Response(
            shapes.WebhookCreatedSerializer(data).data, status=status.HTTP_201_CREATED
        )
        response["Location"] = reverse("api:webhook", args=[hook.pk])
        return response


@extend_schema(tags=["webhooks"])
class WebhookDetail(WebhookAccess, ApiView):
    required_scope = Scope.WEBHOOKS_MANAGE

    @extend_schema(summary="A webhook", responses={200: shapes.WebhookSerializer, **errors(404)})
    def get(self, request, pk):
        hook = get_object_or_404(self.webhooks(), pk=pk)
        return Response(shapes.WebhookSerializer(webhook_data(hook)).data)

    @extend_schema(
        summary="Unsubscribe (nothing more is sent)",
        responses={204: None, **errors(404)},
    )
    def delete(self, request, pk):
        webhooks.unsubscribe(actor(request), get_object_or_404(self.webhooks(), pk=pk))
        return Response(status=status.HTTP_204_NO_CONTENT)
