"""New instrument versions: uploaded and made the default by administrators (they serve every
project), chosen per project by its coordinators; checked, compared; a code never changes
meaning."""

import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from openpyxl import load_workbook

from parcours.instruments.models import FORMS_DIR, InstrumentVersion, Response
from parcours.privacy.models import AuditEvent


def _edited(code="client_summary_sheet", version="2027.1", edit=None):
    book = load_workbook(FORMS_DIR / f"{code}.xlsx")
    settings = book["settings"]
    header = [c.value for c in settings[1]]
    settings.cell(row=2, column=header.index("version") + 1, value=version)
    if edit:
        edit(book)
    data = io.BytesIO()
    book.save(data)
    return data.getvalue()


def _find(sheet, name):
    header = [c.value for c in sheet[1]]
    for row in sheet.iter_rows(min_row=2):
        if row[header.index("name")].value == name:
            return dict(zip(header, row, strict=False))
    raise KeyError(name)


def _upload(client, data, code="client_summary_sheet"):
    return client.post(
        reverse("instruments:versions"),
        {"instrument": code, "file": SimpleUploadedFile("css.xlsx", data)},
    )


def test_a_new_version_is_compared_then_used_for_new_sheets_only(
    make_family, administrator, case_manager, login
):
    family = make_family("active")
    old_sheet_url = reverse("instruments:start", args=[family.pk, "client_summary_sheet"])
    login(case_manager).post(old_sheet_url)
    old = Response.objects.get()

    def reword_and_add(book):
        _find(book["survey"], "p16_notes")["label::English (en)"].value = "Anything else?"
        book["survey"].append(["text", "p17_school", "School", "École", "School"])

    client = login(administrator)
    response = _upload(client, _edited(edit=reword_and_add))
    version = InstrumentVersion.objects.get(version="2027.1")
    assert response.url == reverse("instruments:version", args=[version.pk])
    assert not version.active
    diff = client.get(response.url).context["diff"]
    assert [c for c, _l in diff["added"]] == ["p17_school"]
    assert [c for c, _b, _a in diff["changed"]] == ["p16_notes"] and diff["removed"] == []
    client.post(response.url)
    version.refresh_from_db()
    assert version.active
    assert (
        InstrumentVersion.objects.filter(instrument="client_summary_sheet", active=True).count()
        == 1
    )
    login(case_manager).post(old_sheet_url)
    new = Response.objects.exclude(pk=old.pk).get()
    assert (old.version.version, new.version.version) == ("2026.2", "2027.1")


@pytest.mark.parametrize(
    ("edit", "problem"),
    [
        (
            lambda b: b["choices"].append(["ynd", "maybe", "Misschien", "Peut-être", "Maybe"]),
            "c1_more_information: its choices change",
        ),
        (
            lambda b: setattr(_find(b["survey"], "p02_age")["type"], "value", "text"),
            "p02_age: the type changes from integer to text",
        ),
    ],
)
def test_a_code_that_changes_meaning_is_refused(administrator, login, edit, problem):
    response = _upload(login(administrator), _edited(edit=edit))
    assert any(problem in p for p in response.context["problems"])
    assert not InstrumentVersion.objects.filter(version="2027.1").exists()


def test_a_reused_version_name_or_wrong_form_is_refused(administrator, login):
    client = login(administrator)
    problems = _upload(client, _edited(version="2026.2")).context["problems"]
    assert any("version 2026.2 exists already" in p for p in problems)
    problems = _upload(client, _edited(code="baseline")).context["problems"]
    assert any("form_id is 'baseline'" in p for p in problems)
    problems = _upload(client, b"not a workbook").context["problems"]
    assert any("not a readable .xlsx workbook" in p for p in problems)


@pytest.mark.parametrize("who", ["case_manager", "evaluator"])
def test_case_managers_and_evaluators_do_not_reach_versions(request, who, login):
    client = login(request.getfixturevalue(who))
    assert client.get(reverse("instruments:versions")).status_code == 404
    assert _upload(client, _edited()).status_code == 404
    assert not InstrumentVersion.objects.filter(version="2027.1").exists()


def test_a_coordinator_chooses_the_projects_version_but_changes_no_shared_one(
    make_family, administrator, coordinator, outsider, case_manager, login, other_project
):
    coordinator_client = login(coordinator)
    assert coordinator_client.get(reverse("instruments:versions")).status_code == 200
    assert _upload(coordinator_client, _edited()).status_code == 404  # upload: administrators
    new = InstrumentVersion.objects.get(
        pk=_upload(login(administrator), _edited()).url.split("/")[-2]
    )
    assert coordinator_client.post(reverse("instruments:version", args=[new.pk])).status_code == 404
    new.refresh_from_db()
    assert not new.active  # the default did not move

    family = make_family("active")
    choose = {"action": "choose", "project": family.project_id, "version": new.pk}
    assert login(outsider).post(reverse("instruments:versions"), choose).status_code == 404
    assert coordinator_client.post(reverse("instruments:versions"), choose).status_code == 302
    login(case_manager).post(reverse("instruments:start", args=[family.pk, "client_summary_sheet"]))
    assert Response.objects.get(family=family).version == new
    # Another project still takes the default.
    assert InstrumentVersion.objects.active("client_summary_sheet", other_project).version == (
        "2026.2"
    )
    assert AuditEvent.objects.filter(
        user=coordinator, object_type="instruments.projectinstrument"
    ).exists()


def _duplicate_choice(book):
    book["choices"].append([c.value for c in book["choices"][2]])


def test_odk_s_converter_judges_an_upload_first_and_keeps_its_xform(administrator, login):
    client = login(administrator)
    problems = _upload(client, _edited(edit=_duplicate_choice)).context["problems"]
    assert any("Choice names must be unique" in p for p in problems)
    assert _upload(client, _edited()).status_code == 302
    version = InstrumentVersion.objects.get(version="2027.1")
    assert 'id="client_summary_sheet"' in version.xform and 'version="2027.1"' in version.xform


def test_a_coordinator_downloads_a_version_s_xform(coordinator, case_manager, login, db):
    shipped = InstrumentVersion.objects.active("baseline")
    assert shipped.xform == ""  # installed before it was kept: made on first use
    url = reverse("instruments:xform", args=[shipped.pk])
    response = login(coordinator).get(url)
    assert response["Content-Type"].startswith("text/xml")
    assert 'id="baseline"' in response.content.decode()
    assert "baseline-2026.2.xml" in response["Content-Disposition"]
    assert InstrumentVersion.objects.get(pk=shipped.pk).xform.startswith("<?xml")
    assert login(case_manager).get(url).status_code == 404
