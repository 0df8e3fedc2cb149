"""A family referred again under another spelling is recognised: the possible earlier file is
shown to whoever may see it, settled by a person, and never hinted at to anyone else."""

from io import StringIO
from pathlib import Path

import pytest
from django.core.management import call_command
from django.urls import reverse

from parcours.cases import duplicates, names
from parcours.cases.choices import PersonRole
from parcours.cases.models import Family, NameToken, PossibleDuplicate
from parcours.notify.models import Kind, Notification
from parcours.privacy.audit import Actor
from parcours.privacy.models import AuditEvent
from parcours.projects.models import Project
from tests.conftest import make_person

PAIRS = Path(__file__).with_name("name_pairs.tsv")


def _pairs():
    for line in PAIRS.read_text(encoding="utf-8").splitlines():
        if line and not line.startswith("#"):
            yield line.split("\t")


def test_the_name_pairs_are_matched_as_measured():
    """The written set of 300-odd pairs: true variants found (recall at least 90 %), and few
    different people taken for one by their names alone (birth year, nationality and a
    second member then tell them apart)."""
    rows = list(_pairs())
    assert len(rows) >= 300
    same = [r for r in rows if r[0] == "same"]
    different = [r for r in rows if r[0] == "different"]
    found = sum(
        names.NameSounds.of(a, b).matches(names.NameSounds.of(c, d)) for _, a, b, c, d, _ in same
    )
    wrong = sum(
        names.NameSounds.of(a, b).matches(names.NameSounds.of(c, d))
        for _, a, b, c, d, _ in different
    )
    assert found / len(same) >= 0.90
    assert wrong / len(different) <= 0.15


@pytest.mark.parametrize(
    ("a", "b"),
    [
        (("Mohamed", "Ali"), ("Muhammad", "Aly")),
        (("Veronicah", "Wanjiru"), ("Veronica", "Wanjiru")),
        (("Tesfaye", "Ghebremariam"), ("Ghebremariam", "Tesfay")),  # swapped
        (("Abdi Mohamed", "Hassan"), ("Abdi", "Mohamed Hassan")),  # a father's name moved
        (("Samir", "El Khatib"), ("Sameer", "Alkhatib")),
        (("Aminata", "Diallo"), ("Aminatta", "Jallo")),
    ],
)
def test_spellings_of_one_name_match(a, b):
    assert names.NameSounds.of(*a).matches(names.NameSounds.of(*b))


@pytest.mark.parametrize(
    ("a", "b"),
    [
        (("Mohamed", "Ali"), ("Mohamed", "Hassan")),  # one shared first name
        (("Amina", "Haddad"), ("Fatima", "Haddad")),  # sisters
        (("Abdul Rahman", "Ali"), ("Abdul Rahman", "Osman")),
    ],
)
def test_different_people_with_a_shared_name_do_not(a, b):
    assert not names.NameSounds.of(*a).matches(names.NameSounds.of(*b))


def test_no_name_sound_or_beginning_is_stored_in_clear(make_family):
    family = make_family(members=[make_person(given="Oshodi", family_name="Mohamed")])
    tokens = NameToken.objects.filter(family_id=family.pk)
    kinds = {t.kind for t in tokens}
    assert kinds == {names.Key.WORD, names.Key.PREFIX, names.Key.SOUND}
    for token in tokens:
        assert len(token.digest) == 32 and int(token.digest, 16) >= 0
        for clear in ("osh", "oshodi", "mhmt", "MHMT", "mohamed"):
            assert clear not in token.digest


def test_a_batch_seals_each_word_once_and_indexes_each_member_as_alone(monkeypatch):
    """Members of one batch share their sealed words (an import repeats its common names),
    and each member's keys are exactly those it gets alone."""
    alone = {n: names.name_keys(*n) for n in [("Mohamed", "Ali"), ("Yusuf", "Ali")]}
    sealed = []
    real = names.seal
    monkeypatch.setattr(
        names, "seal", lambda kind, text: sealed.append((kind, text)) or real(kind, text)
    )
    seals = names.Seals()
    assert {n: names.name_keys(*n, seals) for n in alone} == alone
    assert sealed.count((names.Key.WORD, "ali")) == 1
    assert len(sealed) == len(set(sealed))


def _household(parent=("Mohamed", "Ali"), child=("Yusuf", "Ali"), **parent_fields):
    return [
        make_person(given=parent[0], family_name=parent[1], birth="1984-05-01", **parent_fields),
        make_person(PersonRole.CHILD, child[0], child[1], birth="2015-07-01"),
    ]


@pytest.fixture
def earlier(make_family):
    """A family supported before, under one spelling."""
    return make_family("active", members=_household())


def test_a_family_referred_again_under_another_spelling_is_recognised(make_family, earlier):
    family = make_family(members=_household(parent=("Muhammad", "Aly"), child=("Youssef", "Aly")))
    [found] = family.possible_duplicates.all()
    assert (found.earlier, found.matched, found.members, found.decision) == (earlier, 2, 2, "")
    assert AuditEvent.objects.filter(
        object_type="cases.possibleduplicate", action="create"
    ).exists()


@pytest.mark.parametrize(
    "members",
    [
        # born more than a year apart
        [make_person(given="Muhammad", family_name="Aly", birth="1990")],
        # another nationality
        [make_person(given="Muhammad", family_name="Aly", birth="1984", nationality="SY")],
        # one of two members alike: the same parent's name, another child
        [
            make_person(given="Muhammad", family_name="Aly", birth="1984"),
            make_person(PersonRole.CHILD, "Fatima", "Aly", birth="2019-01-01"),
        ],
    ],
)
def test_birth_year_nationality_and_a_second_member_tell_families_apart(
    make_family, earlier, members
):
    family = make_family(members=members)
    assert not family.possible_duplicates.exists()


@pytest.mark.parametrize(
    ("birth", "found"),
    [
        ("1984-05-01", True),
        ("1984-01-05", True),
        ("1984", False),
        ("1984-05-02", False),
        ("1985", False),
    ],
)
def test_a_household_of_one_matches_on_its_one_member_born_the_same_day(
    make_family, earlier, birth, found
):
    """One member is all there is to go on: the birth date must agree (day and month may be
    swapped; a year alone agrees with the year)."""
    family = make_family(members=[make_person(given="Mouhamed", family_name="Ali", birth=birth)])
    assert family.possible_duplicates.filter(earlier=earlier).exists() is found


def _refer(client, parent=("Muhammad", "Aly"), child=("Youssef", "Aly")):
    data = {
        "project": str(Project.objects.get(slug="pt").pk),
        "referred_on": "2026-01-20",
        "referral_route": "from_community",
        "m-TOTAL_FORMS": "2",
        "m-INITIAL_FORMS": "0",
        "m-0-role": "parent",
        "m-0-given_name": parent[0],
        "m-0-family_name": parent[1],
        "m-0-birth_date": "1984-05-01",
        "m-0-sex": "male",
        "m-0-nationality": "IQ",
        "m-1-role": "child",
        "m-1-given_name": child[0],
        "m-1-family_name": child[1],
        "m-1-birth_date": "2015-07-01",
        "m-1-sex": "male",
        "m-1-nationality": "IQ",
    }
    return client.post(reverse("cases:referral_create"), data, follow=True)


def test_who_may_see_both_files_links_the_referral_to_the_earlier_one(case_manager, earlier, login):
    client = login(case_manager)
    page = _refer(client)
    text = page.content.decode()
    assert "This family may be known from an earlier file" in text
    assert "Maybe known before" in text
    assert "2 of 2 members match" in text
    assert earlier.case_number in text
    family = page.context["family"]
    duplicate = family.possible_duplicates.get()
    url = reverse("cases:earlier_file_decision", args=[family.pk, duplicate.pk])
    page = client.post(url, {"decision": "linked"}, follow=True)
    family.refresh_from_db()
    assert family.previous_referral == earlier
    assert "Maybe known before" not in page.content.decode()
    assert "linked as earlier referral" in page.content.decode()
    duplicate.refresh_from_db()
    assert (duplicate.decision, duplicate.decided_by) == ("linked", case_manager)
    # settled once: a second decision changes nothing
    page = client.post(url, {"decision": "different"}, follow=True)
    assert "already been checked" in page.content.decode()
    duplicate.refresh_from_db()
    assert duplicate.decision == "linked"


def test_not_the_same_is_kept_and_the_files_stay_apart(case_manager, earlier, login):
    client = login(case_manager)
    family = _refer(client).context["family"]
    duplicate = family.possible_duplicates.get()
    url = reverse("cases:earlier_file_decision", args=[family.pk, duplicate.pk])
    page = client.post(url, {"decision": "different"}, follow=True).content.decode()
    family.refresh_from_db()
    assert family.previous_referral is None
    assert "not the same family" in page
    assert AuditEvent.objects.filter(
        object_type="cases.possibleduplicate", object_id=str(duplicate.pk), action="update"
    ).exists()


def test_who_may_not_see_the_earlier_file_is_told_only_that_a_coordinator_checks(
    make_family, colleague, coordinator, earlier, login
):
    """The earlier file is the case manager's; their colleague refers the family again."""
    client = login(colleague)
    page = _refer(client)
    text = page.content.decode()
    family = page.context["family"]
    assert family.possible_duplicates.get().earlier == earlier
    assert "Your coordinator will check it" in text
    assert earlier.case_number not in text and str(earlier.pk) not in text
    assert 'data-testid="earlier-file"' not in text
    duplicate = family.possible_duplicates.get()
    url = reverse("cases:earlier_file_decision", args=[family.pk, duplicate.pk])
    assert client.post(url, {"decision": "linked"}).status_code == 404
    assert Notification.objects.filter(
        recipient=coordinator, kind=Kind.POSSIBLE_DUPLICATE, family_id=family.pk
    ).exists()
    # the coordinator's list, and the decision from it
    boss = login(coordinator)
    listing = boss.get(reverse("cases:earlier_files")).content.decode()
    assert listing.count('data-testid="waiting-earlier-file"') == 1
    assert "1 of 1" not in listing and "2 of 2" in listing
    cases = boss.get(reverse("cases:list")).content.decode()
    assert "1 referral may be a family known before" in cases
    page = boss.post(
        url, {"decision": "linked", "next": reverse("cases:earlier_files")}, follow=True
    )
    assert page.request["PATH_INFO"] == reverse("cases:earlier_files")
    assert "Nothing to check." in page.content.decode()


def test_the_list_of_earlier_files_is_closed_to_other_roles(
    evaluator, outsider, colleague, earlier, login
):
    _refer(login(colleague))
    assert login(evaluator).get(reverse("cases:earlier_files")).status_code == 404
    page = login(outsider).get(reverse("cases:earlier_files")).content.decode()
    assert "Nothing to check." in page


def test_a_link_to_a_second_earlier_file_is_refused(make_family, case_manager, earlier):
    again = make_family("withdrawn", members=_household(parent=("Mohammed", "Ali")))
    family = make_family(members=_household(parent=("Muhammad", "Aly")))
    first, second = family.possible_duplicates.order_by("earlier__created_at")
    actor = Actor(case_manager, "127.0.0.1")
    duplicates.decide(actor, first, "linked")
    with pytest.raises(duplicates.DecisionError):
        duplicates.decide(actor, second, "linked")
    assert second.earlier == again


def test_import_into_a_project_with_files_counts_possible_earlier_files(
    tmp_path, earlier, case_manager
):
    sheet = tmp_path / "families.csv"
    sheet.write_text(
        "case,role,given_name,family_name,birth_date,nationality,admitted_on\n"
        "PT-2025-900,parent,Muhammad,Aly,1984,IQ,2025-03-01\n"
        "PT-2025-900,child,Youssef,Aly,2015,IQ,2025-03-01\n"
        "PT-2025-901,parent,Sara,Nowak,1990,PL,2025-03-01\n",
        encoding="utf-8",
    )
    out = StringIO()
    call_command("import_cases", "--project", "pt", str(sheet), stdout=out)
    assert "1 possible earlier file(s) to check" in out.getvalue()
    imported = Family.objects.get(case_number="PT-2025-900")
    assert PossibleDuplicate.objects.get(family=imported).earlier == earlier


@pytest.mark.parametrize(
    ("matched", "closely", "smaller", "shown"),
    [
        (1, 1, 1, True),  # a household of one, born the same day
        (1, 0, 1, False),  # ... or only the same year
        (2, 1, 4, True),  # two members, one born the same day
        (2, 0, 4, False),  # two members born the same years: common
        (3, 0, 4, True),  # three members
        (2, 0, 2, True),  # everyone of a household of two
        (1, 1, 3, False),  # one member of a larger family
    ],
)
def test_which_earlier_files_are_shown(matched, closely, smaller, shown):
    assert duplicates.is_possible_earlier_file(matched, closely, smaller) is shown
