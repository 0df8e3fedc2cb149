"""Shared fixtures: a project with its team, an outsider project, factories, a fixed clock.

Every view gets its access test from these users: a case manager (assigned to the family), a
colleague (case manager of the same project, not assigned), a coordinator, an evaluator, an
administrator, and an outsider (coordinator of another project).
"""

import datetime
import importlib
import os

import pytest
from django.test import Client
from django.utils import timezone, translation

from parcours.accounts.models import Role
from parcours.accounts.services import create_user
from parcours.cases import services
from parcours.cases.choices import Assessment, PersonRole, ReferralRoute, Sex
from parcours.cases.models import Family, Person
from parcours.privacy.audit import Actor
from parcours.privacy.fields import PartialDate
from parcours.projects.services import create_project

os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")  # Playwright's sync API in tests

PASSWORD = "a-long-test-password"
TODAY = datetime.date(2026, 6, 15)


@pytest.fixture(autouse=True, scope="session")
def _flush_past_the_audit_triggers():
    """Transactional tests end with Django's flush, which the append-only triggers refuse.

    Only here, in tests, the triggers are lifted for the flush and put back right after.
    """
    from django.core.management.commands import flush
    from django.db import connection

    migration = importlib.import_module("parcours.privacy.migrations.0002_audit_append_only")
    original = flush.Command.handle

    def handle(self, **options):
        vendor = connection.vendor
        drop = {"sqlite": migration.SQLITE_DROP, "postgresql": migration.POSTGRES_DROP}[vendor]
        create = {"sqlite": migration.SQLITE, "postgresql": migration.POSTGRES}[vendor]
        with connection.cursor() as cursor:
            for statement in drop:
                cursor.execute(statement)
        try:
            return original(self, **options)
        finally:
            with connection.cursor() as cursor:
                for statement in create:
                    cursor.execute(statement)

    flush.Command.handle = handle
    yield
    flush.Command.handle = original


@pytest.fixture(autouse=True)
def _english_outside_requests():
    """Service messages are asserted in English; the site's default language is Dutch."""
    with translation.override("en"):
        yield


@pytest.fixture(autouse=True)
def _test_keys(settings, tmp_path):
    """Fresh keys per test run, never the developer's var/keys.json."""
    from parcours.privacy import keys

    settings.PARCOURS_ENCRYPTION_KEYS = [keys.new_key()]
    settings.PARCOURS_BLIND_INDEX_KEY = keys.new_key()
    settings.PARCOURS_AUDIT_KEY = keys.new_key()
    keys.keyring.cache_clear()
    yield
    keys.keyring.cache_clear()


@pytest.fixture
def clock(monkeypatch):
    """Freeze 'now' at 15 June 2026, 10:00 in Brussels."""
    moment = datetime.datetime(2026, 6, 15, 8, 0, tzinfo=datetime.UTC)
    monkeypatch.setattr(timezone, "now", lambda: moment)
    return moment


@pytest.fixture
def project(db):
    return create_project(organisation_name="JRS Belgium", slug="pt", name="Plan Together")


@pytest.fixture
def other_project(db):
    return create_project(organisation_name="Elsewhere", slug="other", name="Other Site")


def _user(username, project, role):
    return create_user(
        username=username,
        password=PASSWORD,
        project=project,
        role=role,
        first_name=username.capitalize(),
    )


@pytest.fixture
def case_manager(project):
    return _user("sara", project, Role.CASE_MANAGER)


@pytest.fixture
def colleague(project):
    return _user("youssef", project, Role.CASE_MANAGER)


@pytest.fixture
def coordinator(project):
    return _user("marie", project, Role.COORDINATOR)


@pytest.fixture
def evaluator(project):
    return _user("eiri", project, Role.EVALUATOR)


@pytest.fixture
def administrator(project):
    return _user("root", project, Role.ADMINISTRATOR)


@pytest.fixture
def outsider(other_project):
    return _user("olga", other_project, Role.COORDINATOR)


def make_person(
    role=PersonRole.PARENT, given="Amina", family_name="Haddad", birth="1985-03-02", **extra
) -> Person:
    return Person(
        role=role,
        given_name=given,
        family_name=family_name,
        birth_date=PartialDate.parse(birth) if birth else None,
        sex=extra.pop("sex", Sex.FEMALE),
        nationality=extra.pop("nationality", "IQ"),
        **extra,
    )


@pytest.fixture
def make_family(project, case_manager, coordinator):
    """A family registered by ``case_manager``, moved to ``status`` through the services."""

    def make(status="referred", members=None, by=None, referred_on=None, **fields):
        actor = Actor(by or case_manager, "127.0.0.1")
        family = Family(
            project=fields.pop("project", project),
            referred_on=referred_on or datetime.date(2026, 1, 10),
            referral_route=fields.pop("referral_route", ReferralRoute.FROM_COMMUNITY),
            **fields,
        )
        services.register_referral(
            actor,
            family,
            members
            if members is not None
            else [
                make_person(),
                make_person(PersonRole.CHILD, "Yusuf", birth="2015-07-01"),
            ],
        )
        if status == "referred":
            return family
        if status == "withdrawn":
            return services.take_step(actor, family, "withdraw", reason="moved away")
        services.assess(
            actor, family, [(c, Assessment.MET, "") for c in family.project.criteria.all()]
        )
        if status == "screening":
            return family
        boss = Actor(coordinator, "127.0.0.1")
        if status == "declined":
            return services.take_step(boss, family, "decline", reason="no housing")
        services.take_step(
            boss,
            family,
            "admit",
            admitted_on=datetime.date(2026, 2, 1),
            case_managers=[by or case_manager],
        )
        if status == "paused":
            services.take_step(actor, family, "pause", reason="asked for time")
        if status == "closed":
            services.take_step(
                boss,
                family,
                "close",
                closed_on=datetime.date(2026, 5, 1),
                resolution="stay_temporary",
                engagement_at_closure="remained_engaged",
            )
        family.refresh_from_db()
        return family

    return make


def consent_to_evaluation(family, by, on=datetime.date(2026, 2, 1)):
    """The family's consent to evaluation, in force from ``on``, recorded by the service."""
    from parcours.casework.models import Consent
    from parcours.casework.services import record_consent

    return record_consent(Actor(by), Consent(family=family, purpose="evaluation", given_on=on))


def form_data(form) -> dict:
    """What the browser would send back for ``form`` as shown (its bound or initial values)."""
    from django.forms import MultiWidget

    data = {}
    for field in form:
        value = field.value()
        if value is None or value is False:
            continue
        widget = field.field.widget
        if isinstance(widget, MultiWidget):  # a date and a time in two inputs, say
            parts = value if isinstance(value, list) else widget.decompress(value)
            for suffix, part in zip(widget.widgets_names, parts, strict=False):
                data[field.html_name + suffix] = "" if part is None else str(part)
        elif value is True:
            data[field.html_name] = "on"
        elif isinstance(value, list | tuple):
            data[field.html_name] = [str(v) for v in value]
        else:
            data[field.html_name] = str(value)
    return data


def verified_login(client, user):
    """Sign ``client`` in as ``user`` with both factors, as SignInView leaves a session."""
    from django_otp import DEVICE_ID_SESSION_KEY

    from parcours.accounts.models import AuthenticatorApp

    device = AuthenticatorApp.objects.filter(user=user, confirmed=True).first()
    device = device or AuthenticatorApp.objects.create(user=user, name="test", confirmed=True)
    client.force_login(user)
    session = client.session
    session[DEVICE_ID_SESSION_KEY] = device.persistent_id
    session.save()
    return client


@pytest.fixture
def login():
    """A test client signed in as ``user`` with both factors (English unless told otherwise)."""

    def client_for(user, language="en"):
        return verified_login(Client(HTTP_ACCEPT_LANGUAGE=language), user)

    return client_for


@pytest.fixture
def whole_file(make_family, case_manager, project):
    """An active family with one of every record its file can hold, by kind."""
    from parcours.casework.models import (
        Action,
        CasePlan,
        Consent,
        ServiceProvider,
        ServiceReferral,
    )
    from parcours.instruments.services import start
    from parcours.legal.models import DeadlineRule, Document, DocumentKind, Procedure

    family = make_family("active")
    lawyer = ServiceProvider.objects.create(
        organisation=project.organisation, kind="lawyer", name="Maître Dupont"
    )
    consent = Consent.objects.create(
        family=family,
        purpose="share_with_provider",
        provider=lawyer,
        given_on=datetime.date(2026, 2, 1),
        recorded_by=case_manager,
    )
    return {
        "family": family,
        "person": family.household[0],
        "plan": CasePlan.objects.create(family=family, strengths="patience"),
        "action": Action.objects.create(
            family=family, description="Call the lawyer", actor="family", created_by=case_manager
        ),
        "procedure": Procedure.objects.create(family=family, type="asylum"),
        "document": Document.objects.create(family=family, kind=DocumentKind.objects.first()),
        "response": start(Actor(case_manager), family, "baseline"),
        "consent": consent,
        "referral": ServiceReferral.objects.create(
            family=family,
            provider=lawyer,
            consent=consent,
            referred_on=datetime.date(2026, 2, 2),
            reason="appeal",
            created_by=case_manager,
        ),
        "provider": lawyer,
        "rule": DeadlineRule.objects.filter(country="BE").first(),
    }
