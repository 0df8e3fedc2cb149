"""Dutch, French and English: pages, data labels, dates, and complete catalogues."""

import pytest
from django.urls import reverse
from django.utils import translation

from parcours import i18n_check
from tests.conftest import verified_login


@pytest.mark.parametrize(
    ("language", "sign_in", "new_referral"),
    [
        ("nl", "Aanmelden", "Nieuwe doorverwijzing"),
        ("fr", "Se connecter", "Nouvelle orientation"),
        ("en", "Sign in", "New referral"),
    ],
)
def test_pages_follow_the_browser_language(client, case_manager, language, sign_in, new_referral):
    page = client.get(reverse("login"), HTTP_ACCEPT_LANGUAGE=language).content.decode()
    assert f'lang="{language}"' in page and sign_in in page
    verified_login(client, case_manager)
    page = client.get(reverse("cases:caseload"), HTTP_ACCEPT_LANGUAGE=language).content.decode()
    assert new_referral in page


def test_the_language_switcher_sets_the_language(client, case_manager):
    verified_login(client, case_manager)
    client.post(reverse("set_language"), {"language": "fr", "next": "/caseload/"})
    assert "Mes dossiers" in client.get(reverse("cases:caseload")).content.decode()


@pytest.mark.parametrize(
    ("language", "label", "date"),
    [
        ("nl", "Risico op detentie", "10 januari 2026"),
        ("fr", "Risque de détention", "10 janvier 2026"),
        ("en", "Risk of detention", "10 January 2026"),
    ],
)
def test_criteria_and_dates_are_shown_in_the_users_language(
    make_family, case_manager, login, language, label, date
):
    family = make_family("screening")
    client = login(case_manager, language)
    screening = reverse("family_section", args=[family.pk, "screening"])
    page = client.get(family.get_absolute_url()).content.decode()
    page += client.get(screening, HTTP_HX_REQUEST="true").content.decode()
    assert label in page and date in page


def test_countries_are_named_in_the_users_language(make_family, case_manager, login):
    family = make_family()
    assert "Irak" in login(case_manager, "nl").get(family.get_absolute_url()).content.decode()
    assert "Iraq" in login(case_manager, "en").get(family.get_absolute_url()).content.decode()


def test_coded_choices_translate_and_codes_do_not():
    from parcours.cases.choices import FamilyStatus

    with translation.override("fr"):
        assert str(FamilyStatus.PAUSED.label) == "suspendu"
    assert FamilyStatus.PAUSED.value == "paused"


def test_the_catalogues_are_complete_and_compiled():
    assert i18n_check.problems() == []
