"""Filling sheets: drafts saved as you go, checks, submission, corrections, prefill, access."""

import pytest
from django.db import connection
from django.urls import reverse

from parcours.instruments.models import Answer, Response
from parcours.instruments.services import answers_of

BASELINE_CODES = [f"b{i:02d}" for i in range(1, 15)]


def _baseline(**changes):
    from tests.instruments.test_xlsforms import BASELINE

    data = dict.fromkeys(BASELINE, "5")
    data.update({f"{code}_why": "Because" for code in BASELINE})
    data.update(changes)
    return data


def _start(client, family, code="baseline"):
    response = client.post(reverse("instruments:start", args=[family.pk, code]))
    sheet = Response.objects.latest("created_at")
    assert response.url == reverse("instruments:response", args=[family.pk, sheet.pk])
    return sheet


def _url(sheet):
    return reverse("instruments:response", args=[sheet.family_id, sheet.pk])


def test_a_draft_keeps_good_answers_and_names_the_bad(make_family, case_manager, login):
    family = make_family("active")
    client = login(case_manager)
    sheet = _start(client, family)
    page = client.post(
        _url(sheet), _baseline(b01_dropout_risk="11", b02_self_reliance="x"), HTTP_HX_REQUEST="true"
    )
    html = page.content.decode()
    assert "<html" not in html and "A score from 0 to 10." in html
    assert "Enter a whole number." in html
    saved = answers_of(sheet)
    assert "b01_dropout_risk" not in saved and saved["b03_trust_authorities"] == "5"
    assert Response.objects.get(pk=sheet.pk).status == "draft"


def test_submitting_needs_every_required_answer(make_family, case_manager, login):
    family = make_family("active")
    client = login(case_manager)
    sheet = _start(client, family)
    page = client.post(_url(sheet), {**_baseline(b14_detention_risk=""), "action": "submit"})
    html = page.content.decode()
    assert "This question needs an answer." in html
    summary = html[html.index("data-error-summary") :]
    assert '<a href="#q-b14_detention_risk">' in summary.split("</ul>")[0]
    assert Response.objects.get(pk=sheet.pk).status == "draft"
    page = client.post(_url(sheet), {**_baseline(), "action": "submit"})
    assert page.status_code == 302
    sheet.refresh_from_db()
    assert sheet.status == "submitted" and sheet.submitted_at is not None
    assert answers_of(sheet)["b14_detention_risk"] == "5"


def test_a_submitted_sheet_cannot_change_and_is_corrected_with_a_reason(
    make_family, case_manager, login
):
    family = make_family("active")
    client = login(case_manager)
    sheet = _start(client, family)
    client.post(_url(sheet), {**_baseline(), "action": "submit"})
    assert client.post(_url(sheet), _baseline(b01_dropout_risk="9")).status_code == 404
    assert answers_of(sheet)["b01_dropout_risk"] == "5"

    correct = reverse("instruments:correct", args=[family.pk, sheet.pk])
    client.post(correct, {"reason": " "})
    assert not Response.objects.filter(supersedes=sheet).exists()
    client.post(correct, {"reason": "Score typed in the wrong row"})
    draft = Response.objects.get(supersedes=sheet)
    assert answers_of(draft)["b01_dropout_risk"] == "5" and draft.version == sheet.version
    client.post(_url(draft), {**_baseline(b01_dropout_risk="9"), "action": "submit"})
    sheet.refresh_from_db()
    draft.refresh_from_db()
    assert (sheet.status, draft.status) == ("superseded", "submitted")
    assert answers_of(sheet)["b01_dropout_risk"] == "5"  # the old one is kept as it was
    assert draft.correction_reason == "Score typed in the wrong row"


def test_an_answer_that_does_not_apply_is_dropped(make_family, case_manager, login):
    family = make_family("active")
    client = login(case_manager)
    sheet = _start(client, family, "client_summary_sheet")
    client.post(_url(sheet), {"p11_referral_route": "self_referral", "p12_released": "yes"})
    assert "p12_released" not in answers_of(sheet)
    client.post(_url(sheet), {"p11_referral_route": "from_detention", "p12_released": "yes"})
    assert answers_of(sheet)["p12_released"] == "yes"


def test_the_client_summary_sheet_is_prefilled_from_the_case(make_family, case_manager, login):
    family = make_family("active")
    sheet = _start(login(case_manager), family, "client_summary_sheet")
    answers = answers_of(sheet)
    assert answers["p01_gender"] == "female" and answers["p03_nationality"] == "IQ"
    assert answers["p11_referral_route"] == "from_community"
    assert answers["p15_engagement"] == "in_contact"
    assert answers["p04_vulnerabilities"] == ["child"]
    assert int(answers["p09_time_in_project"]) >= 0


def test_free_text_answers_are_stored_encrypted(make_family, case_manager, login):
    family = make_family("active")
    client = login(case_manager)
    sheet = _start(client, family)
    client.post(_url(sheet), _baseline(b01_dropout_risk_why="Fears the Quetzal raid"))
    with connection.cursor() as cursor:
        cursor.execute("SELECT text, value FROM instruments_answer")
        stored = " ".join(str(v) for row in cursor.fetchall() for v in row)
    assert "Quetzal" not in stored and "v1:" in stored
    assert answers_of(sheet)["b01_dropout_risk_why"] == "Fears the Quetzal raid"
    assert Answer.objects.filter(code="b01_dropout_risk", value="5").exists()


def test_a_free_text_answer_past_its_limit_is_named_and_not_saved(make_family, case_manager, login):
    family = make_family("active")
    client = login(case_manager)
    sheet = _start(client, family)
    page = client.post(
        _url(sheet), _baseline(b01_dropout_risk_why="y" * 4001), HTTP_HX_REQUEST="true"
    )
    assert "At most 4\u202f000 characters (this answer has 4\u202f001)." in page.content.decode()
    assert "b01_dropout_risk_why" not in answers_of(sheet)
    assert answers_of(sheet)["b02_self_reliance"] == "5"


def test_the_baseline_chart_reads_improvement_upward(make_family, case_manager, login):
    family = make_family("active")
    client = login(case_manager)
    for risk in ("8", "3"):  # dropout risk falls: things improve
        sheet = _start(client, family)
        client.post(_url(sheet), {**_baseline(b01_dropout_risk=risk), "action": "submit"})
    assert 'id="scores"' in client.get(family.get_absolute_url()).content.decode()  # folded
    scores = reverse("family_section", args=[family.pk, "scores"])
    chart = client.get(scores, HTTP_HX_REQUEST="true").context["baseline_chart"]
    dropout = chart["rows"][0]
    assert dropout["reversed"] and len(dropout["points"]) == 2
    assert dropout["points"][1]["y"] < dropout["points"][0]["y"]  # drawn higher = better
    hope = chart["rows"][9]
    assert not hope["reversed"] and hope["points"][0]["y"] == hope["points"][1]["y"]
    # The scores as numbers too: on each point, and in a table (as typed, not turned over).
    assert chart["table"]["rows"][0]["scores"] == ["8", "3"]
    html = client.get(scores, HTTP_HX_REQUEST="true").content.decode()
    assert '<text class="val"' in html and 'data-testid="baseline-table"' in html


@pytest.mark.parametrize("who", ["colleague", "evaluator", "administrator", "outsider"])
def test_strangers_get_404_on_sheets(request, who, make_family, case_manager, login):
    family = make_family("active")
    sheet = _start(login(case_manager), family)
    client = login(request.getfixturevalue(who))
    assert client.get(_url(sheet)).status_code == 404
    assert client.post(_url(sheet), _baseline()).status_code == 404
    assert (
        client.post(reverse("instruments:start", args=[family.pk, "baseline"])).status_code == 404
    )
    assert (
        client.post(
            reverse("instruments:correct", args=[family.pk, sheet.pk]), {"reason": "x"}
        ).status_code
        == 404
    )
    assert Response.objects.count() == 1 and not Answer.objects.exists()


def test_an_unknown_instrument_is_404(make_family, case_manager, login):
    family = make_family("active")
    url = reverse("instruments:start", args=[family.pk, "horoscope"])
    assert login(case_manager).post(url).status_code == 404


def test_free_text_moved_to_another_question_does_not_decrypt(make_family, case_manager, login):
    from parcours.privacy.crypto import DecryptionError

    family = make_family("active")
    client = login(case_manager)
    sheet = _start(client, family)
    client.post(_url(sheet), _baseline(b01_dropout_risk_why="Secret A", b02_self_reliance_why="B"))
    stolen = Answer.objects.filter(code="b01_dropout_risk_why").values_list("text", flat=True)[0]
    Answer.objects.filter(code="b02_self_reliance_why").update(text=stolen)
    with pytest.raises(DecryptionError):
        _ = Answer.objects.get(code="b02_self_reliance_why").text


def test_the_case_number_question_is_in_each_form_but_never_asked(make_family, case_manager, login):
    from parcours.instruments.models import FORMS_DIR
    from parcours.instruments.xlsform import read

    for code in ("baseline", "client_summary_sheet", "case_study"):
        definition = read((FORMS_DIR / f"{code}.xlsx").read_bytes())
        assert definition.questions[0].name == "case"
        assert "case" not in {q.name for q in definition.answerable}
    family = make_family("active")
    page = login(case_manager).get(_url(_start(login(case_manager), family)))
    assert 'name="case"' not in page.content.decode()


def test_sheets_fall_due_at_admission_yearly_and_at_closure(
    clock, make_family, case_manager, login
):
    import datetime

    from parcours.cases.models import Family
    from parcours.casework.due import due_items

    active = make_family("active")  # admitted 1 February 2026
    closed = make_family("closed")  # closed 1 May 2026
    today = datetime.date(2026, 6, 15)
    items = {(i.family.pk, i.label, i.on) for i in due_items(Family.objects.all(), today)}
    assert (active.pk, "baseline due", datetime.date(2026, 2, 1)) in items
    assert (closed.pk, "Client Summary Sheet due (closure)", datetime.date(2026, 5, 1)) in items
    soon = {
        (i.family.pk, i.label) for i in due_items(Family.objects.all(), datetime.date(2027, 1, 28))
    }
    assert (active.pk, "Client Summary Sheet due") in soon  # a year after admission
    client = login(case_manager)
    sheet = _start(client, active)
    client.post(_url(sheet), {**_baseline(), "action": "submit"})
    items = {(i.family.pk, i.label) for i in due_items(Family.objects.all(), today)}
    assert (active.pk, "baseline due") not in items


def test_scores_are_eleven_buttons_and_nationality_a_country_list(make_family, case_manager, login):
    family = make_family("active")
    client = login(case_manager)
    client.cookies["django_language"] = "fr"
    baseline = client.get(_url(_start(client, family))).content.decode()
    assert baseline.count('type="radio" name="b01_dropout_risk"') == 11
    assert "0: aucun risque" in baseline and "10: risque très élevé" in baseline
    summary = client.get(_url(_start(client, family, "client_summary_sheet"))).content.decode()
    assert '<select id="id_p03_nationality" name="p03_nationality"' in summary
    assert '<option value="IQ" selected>Irak</option>' in summary
    assert '<option value="stateless">apatride</option>' in summary


def test_a_submitted_sheet_names_the_country(make_family, case_manager, login):
    from parcours.instruments.models import InstrumentVersion
    from parcours.instruments.rendering import answer_labels

    definition = InstrumentVersion.objects.active("client_summary_sheet").definition
    rows = answer_labels(definition, {"p03_nationality": "IQ"}, "fr")
    assert {r["name"]: r["value"] for r in rows}["p03_nationality"] == "Irak"


def test_case_study_narratives_have_room(make_family, case_manager, login):
    from parcours.instruments.models import InstrumentVersion

    family = make_family("active")
    client = login(case_manager)
    html = client.get(_url(_start(client, family, "case_study"))).content.decode()
    assert 'rows="8"' in html
    xform = InstrumentVersion.objects.active("case_study").xform_xml()
    assert 'appearance="multiline"' in xform


def test_a_new_sheet_is_a_draft_only_once_something_is_saved_in_it(
    make_family, case_manager, login
):
    family = make_family("active")
    client = login(case_manager)
    url = reverse("instruments:start", args=[family.pk, "baseline"])
    page = client.get(url)
    assert page.status_code == 200 and "Nothing is kept until you answer" in page.content.decode()
    assert not Response.objects.exists()  # a tap on "New Baseline" leaves nothing behind
    first = client.post(url, {"b01_dropout_risk": "4"}, HTTP_HX_REQUEST="true")
    draft = Response.objects.get()
    assert first["HX-Replace-Url"] == _url(draft)
    assert f'name="draft" value="{draft.pk}"' in first.content.decode()
    # The saves that follow fill the same draft (the form still posts to the new sheet's URL).
    client.post(url, {"draft": str(draft.pk), "b02_self_reliance": "6"}, HTTP_HX_REQUEST="true")
    assert Response.objects.count() == 1
    assert answers_of(draft)["b02_self_reliance"] == "6"
    # Someone else's draft id is not taken up: a draft of one's own is made instead.
    other = login(case_manager).post(url, {"draft": "not-a-uuid", "b01_dropout_risk": "1"})
    assert other.status_code == 302 and Response.objects.count() == 2


def test_an_original_and_its_correction_link_to_each_other(make_family, case_manager, login):
    family = make_family("active")
    client = login(case_manager)
    sheet = _start(client, family)
    client.post(_url(sheet), {**_baseline(), "action": "submit"})
    client.post(reverse("instruments:correct", args=[family.pk, sheet.pk]), {"reason": "a typo"})
    correction = Response.objects.get(supersedes=sheet)
    client.post(_url(correction), {**_baseline(b01_dropout_risk="7"), "action": "submit"})
    page = client.get(family.get_absolute_url()).content.decode()
    panel = page[page.index('id="instruments"') :]
    assert 'data-testid="corrects"' in panel and _url(sheet) in panel
    original = client.get(_url(sheet)).content.decode()
    assert 'data-testid="corrected-by"' in original and _url(correction) in original
