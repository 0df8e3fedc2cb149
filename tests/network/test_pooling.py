"""Network pooling: a signed, pseudonymised export per project, loaded into a network project
whose report shows a column per project beside the pooled totals."""

import datetime
import io
import json

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.urls import reverse
from pypdf import PdfReader

from parcours.accounts.models import Membership, Role
from parcours.accounts.services import create_user
from parcours.cases import figures, services
from parcours.cases.choices import Assessment, PersonRole
from parcours.cases.models import Family, FamilyFigures
from parcours.casework.models import Contact
from parcours.instruments.transfer import import_responses
from parcours.network.models import PooledSource
from parcours.privacy import keys
from parcours.privacy.audit import Actor
from parcours.projects.services import create_project
from parcours.reports.cohort import Cohort, answer_counts, compute, scaled_questions
from parcours.reports.render import produce
from tests.conftest import PASSWORD, consent_to_evaluation, make_person
from tests.reports.test_seed_tables import POSITIVE, seed_csv


@pytest.fixture(autouse=True)
def _network_keys(settings):
    settings.PARCOURS_NETWORK_KEY = keys.new_key()
    settings.PARCOURS_EXPORT_SECRET = keys.new_key()


@pytest.fixture
def member_projects(make_family, case_manager, coordinator, project, other_project):
    """Plan Together: the seed's twelve sheets, a declined family, contacts and dated members;
    Other Site: three families with sheets."""
    families = [
        make_family(
            "active",
            members=[
                make_person(arrival_date=datetime.date(2012, 4, 1)),
                make_person(PersonRole.CHILD, "Yusuf", birth="2015-07-01"),
            ],
        )
        for _ in range(12)
    ]
    import_responses(
        Actor(coordinator),
        "client_summary_sheet",
        project,
        "seed.csv",
        seed_csv([f.case_number for f in families]).encode(),
    )
    Contact.objects.create(
        family=families[0], kind="home_visit", on=datetime.date(2026, 3, 4), author=coordinator
    )
    declined = make_family("screening")
    services.assess(
        Actor(coordinator), declined, [(project.criteria.first(), Assessment.NOT_MET, "")]
    )
    services.take_step(Actor(coordinator), declined, "decline", reason="no")
    for family in [*families, declined]:  # asked at referral here, so the declined one too
        consent_to_evaluation(family, coordinator)
    # Sara and Marie work for the other site too, so the factory's steps are theirs there.
    Membership.objects.create(user=coordinator, project=other_project, role=Role.COORDINATOR)
    Membership.objects.create(user=case_manager, project=other_project, role=Role.CASE_MANAGER)
    del coordinator._memberships, case_manager._memberships  # cached per instance
    others = [make_family("active", project=other_project) for _ in range(3)]
    for family in others:
        consent_to_evaluation(family, coordinator)
    import_responses(
        Actor(coordinator),
        "client_summary_sheet",
        other_project,
        "other.csv",
        seed_csv([f.case_number for f in others]).encode(),
    )
    return families, others


@pytest.fixture
def network(db):
    project = create_project(
        organisation_name="EPIM network", slug="network", name="Network", network=True
    )
    create_user(username="nadia", password=PASSWORD, project=project, role=Role.COORDINATOR)
    return project


def _read(path) -> dict:
    with open(path, encoding="utf-8") as f:
        return json.load(f)


def _write(path, document) -> None:
    with open(path, "w", encoding="utf-8") as f:
        json.dump(document, f)


def _export(slug, tmp_path) -> str:
    out = tmp_path / f"{slug}.json"
    call_command("export_evaluation", "--project", slug, "-o", str(out), stdout=io.StringIO())
    return str(out)


def test_the_export_names_no_one_and_carries_bands_and_months(member_projects, tmp_path):
    families, _others = member_projects
    with open(_export("pt", tmp_path), encoding="utf-8") as f:
        text = f.read()
    for family in families:
        assert family.case_number not in text and str(family.pk) not in text
        for person in family.members.all():
            assert person.given_name not in text and person.family_name not in text
    assert "2012-04-01" not in text and "2015-07-01" not in text  # no dates, months at most
    payload = json.loads(text)["payload"]
    row = payload["families"][0]
    assert row["id"].startswith("N-") and row["admitted"] == "2026-02"
    assert {m["age_band"] for m in row["members"]} == {"40-59", "6-11"}
    assert {m["years_band"] for m in row["members"]} == {"11+", ""}
    assert all(len(s["answers"]) > 0 for s in row["sheets"])
    assert not any("barriers" in code for s in row["sheets"] for code in s["answers"])


def test_pseudonyms_change_with_the_export_secret(member_projects, tmp_path, settings):
    first = _read(_export("pt", tmp_path))["payload"]["families"]
    again = _read(_export("pt", tmp_path))["payload"]["families"]
    settings.PARCOURS_EXPORT_SECRET = keys.new_key()
    other = _read(_export("pt", tmp_path))["payload"]["families"]
    ids = [f["id"] for f in first]
    assert ids == [f["id"] for f in again]
    assert not set(ids) & {f["id"] for f in other}


def test_the_network_report_shows_each_project_beside_the_pooled_totals(
    member_projects, network, project, tmp_path, login
):
    files = [_export("pt", tmp_path), _export("other", tmp_path)]
    out = io.StringIO()
    call_command("import_evaluation", "--into", "network", *files, stdout=out)
    assert "Plan Together (JRS Belgium): 13 families, 12 sheets (added)" in out.getvalue()
    # The pooled families' figures are kept like the organisation's own (the report counts
    # their members from them).
    pooled = Family.objects.filter(project=network)
    kept = {row.family_id: row for row in FamilyFigures.objects.filter(family__in=pooled)}
    assert len(kept) == 16
    for pk, source in figures.computed(kept).items():
        for column in figures.COLUMNS:
            assert getattr(kept[pk], column) == getattr(source, column), column
    report = compute(Cohort([network]))
    assert (report["n_sheets"], report["families"]) == (15, 15)
    columns = report["by_project"]
    assert set(columns) == {"Plan Together (JRS Belgium)", "Other Site (Elsewhere)"}
    ours = columns["Plan Together (JRS Belgium)"]
    for _label, part in Cohort([network]).parts():  # each source's column from its tallies
        codes = list(scaled_questions())
        assert part.answer_counts(codes) == answer_counts(part.sheet_ids(), codes)
    assert ours["n_sheets"] == 12 and ours["declined"] == 1
    for code, percent in POSITIVE.items():
        assert round(ours["positive_percent"][code]) == percent
    assert report["funnel"]["declined_reasons"] == {project.criteria.first().code: 1}
    assert report["profile"]["years_in_country"]["over_10"] == 12
    assert report["engagement"]["contacts"] == {"home_visit": 1}
    # The network's coordinator reads the report with its columns, and no case file.
    client = login(network.memberships.get().user)
    page = client.get(reverse("reports:cohort"), {"projects": [network.pk]})
    assert "Per project" in page.content.decode() and "Pooled" in page.content.decode()
    pdf = PdfReader(io.BytesIO(produce(report, "pdf", "Network", "en")))
    text = "\n".join(p.extract_text() for p in pdf.pages)
    assert "Per project" in text and "Pooled" in text and "JRS" in text
    assert Family.objects.filter(project=network).count() == 16  # with the declined one
    assert not Family.objects.visible_to(network.memberships.get().user).exists()


def test_a_newer_export_replaces_the_older_one(member_projects, network, tmp_path):
    path = _export("pt", tmp_path)
    call_command("import_evaluation", "--into", "network", path, stdout=io.StringIO())
    out = io.StringIO()
    call_command("import_evaluation", "--into", "network", path, stdout=out)
    assert "(replaced)" in out.getvalue()
    assert (
        PooledSource.objects.count() == 1 and Family.objects.filter(project=network).count() == 13
    )
    # The replaced source's answers left the report's tallies with it.
    assert figures.differences() == []
    codes = list(scaled_questions())
    cohort = Cohort([network])
    assert cohort.answer_counts(codes) == answer_counts(cohort.sheet_ids(), codes)
    assert sum(cohort.answer_counts(["c1_impact"])["c1_impact"].values()) == 12


def test_a_tampered_file_is_refused_and_nothing_is_imported(member_projects, network, tmp_path):
    good = _export("other", tmp_path)
    bad = _export("pt", tmp_path)
    document = _read(bad)
    sheet = document["payload"]["families"][0]["sheets"][0]
    sheet["answers"]["cm_trust"] = "huge"  # one answer changed after export
    _write(bad, document)
    with pytest.raises(CommandError, match=r"pt\.json: the signature does not match"):
        call_command("import_evaluation", "--into", "network", good, bad)
    assert not PooledSource.objects.exists()
    assert not Family.objects.filter(project=network).exists()


def test_a_file_signed_with_another_key_is_refused(member_projects, network, tmp_path, settings):
    path = _export("pt", tmp_path)
    settings.PARCOURS_NETWORK_KEY = keys.new_key()
    with pytest.raises(CommandError, match="signed with another network key"):
        call_command("import_evaluation", "--into", "network", path)


def test_bad_values_are_named_by_file_family_and_field(member_projects, network, tmp_path):
    from parcours.network import pooling

    path = _export("pt", tmp_path)
    document = _read(path)
    payload = document["payload"]
    payload["families"][1]["status"] = "vanished"
    payload["families"][2]["referred"] = "last spring"
    payload["families"][3]["sheets"][0]["submitted"] = "yesterday"
    payload["exported_at"] = "soon"
    document["signature"] = pooling._sign(payload, pooling.network_key())
    _write(path, document)
    with pytest.raises(CommandError) as error:
        call_command("import_evaluation", "--into", "network", path)
    message = str(error.value)
    assert "pt.json: family 2" in message and "status 'vanished'" in message
    assert "family 3" in message and "'last spring' is not a month" in message
    assert "family 4" in message and "submitted 'yesterday'" in message
    assert "exported_at 'soon'" in message
    assert not Family.objects.filter(project=network).exists()


def test_imports_go_into_a_network_project_only_and_keys_must_be_set(
    member_projects, tmp_path, settings
):
    path = _export("pt", tmp_path)
    with pytest.raises(CommandError, match="not a network project"):
        call_command("import_evaluation", "--into", "other", path)
    with pytest.raises(CommandError, match="--into 'nowhere'"):
        call_command("import_evaluation", "--into", "nowhere", path)
    settings.PARCOURS_NETWORK_KEY = ""
    with pytest.raises(CommandError, match="PARCOURS_NETWORK_KEY is not set"):
        _export("pt", tmp_path)


def test_no_referral_is_made_in_a_network_project(network, login, make_family):
    from parcours.cases.forms import ReferralForm

    nadia = network.memberships.get().user
    assert not ReferralForm(user=nadia).fields["project"].queryset.exists()
    with pytest.raises(PermissionError, match="network project"):
        make_family("referred", project=network, by=nadia)
