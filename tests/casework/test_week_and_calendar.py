"""'My week' and the calendar feed: what is due, from one collector, never a name."""

import datetime
import io

from django.urls import reverse
from icalendar import Calendar

from parcours.casework.models import Action, CalendarFeed, Contact
from parcours.privacy.models import AuditEvent
from tests.conftest import make_person


def _action(family, user, due, text="Call the lawyer"):
    return Action.objects.create(
        family=family, description=text, actor="case_manager", due_on=due, created_by=user
    )


def test_my_week_splits_overdue_and_upcoming(clock, make_family, case_manager, login):
    family = make_family("active")
    Contact.objects.create(family=family, kind="home_visit", on="2026-06-10", author=case_manager)
    _action(family, case_manager, datetime.date(2026, 6, 1))
    _action(family, case_manager, datetime.date(2026, 6, 18))
    _action(family, case_manager, datetime.date(2026, 8, 1))  # beyond the week
    page = login(case_manager).get(reverse("casework:my_week"))
    overdue = [(i.kind, i.on) for i in page.context["overdue"]]
    upcoming = [(i.kind, i.on) for i in page.context["upcoming"]]
    assert ("action", datetime.date(2026, 6, 1)) in overdue
    assert ("review", datetime.date(2026, 4, 26)) in overdue
    assert upcoming == [("action", datetime.date(2026, 6, 18))]


def test_families_without_contact_for_too_long_are_flagged(clock, make_family, case_manager):
    from parcours.cases.models import Family
    from parcours.casework.due import due_items

    family = make_family("active")
    Contact.objects.create(family=family, kind="phone_call", on="2026-05-01", author=case_manager)
    kinds = {(i.kind, i.on) for i in due_items(Family.objects.all(), datetime.date(2026, 6, 15))}
    assert ("no_contact", datetime.date(2026, 5, 31)) in kinds  # 30 days after the last contact


def test_my_week_shows_a_case_manager_only_their_families(
    clock, make_family, case_manager, colleague, coordinator, login
):
    mine = make_family("active")
    theirs = make_family("active", by=colleague)
    _action(mine, case_manager, datetime.date(2026, 6, 16))
    _action(theirs, colleague, datetime.date(2026, 6, 16))
    mine_only = login(case_manager).get(reverse("casework:my_week")).context["upcoming"]
    assert {i.family for i in mine_only} == {mine}
    everyone = login(coordinator).get(reverse("casework:my_week")).context["upcoming"]
    assert {i.family for i in everyone} == {mine, theirs}


def test_the_calendar_feed_parses_and_names_no_one(clock, make_family, case_manager, login, client):
    family = make_family("active", members=[make_person(given="Zoubida", family_name="Quiroga")])
    _action(family, case_manager, datetime.date(2026, 6, 20), text="Visit Zoubida Quiroga")
    response = login(case_manager).post(reverse("casework:calendar"), {"action": "new"})
    feed_url = response.context["feed_url"]
    assert feed_url and CalendarFeed.objects.get().token_hash not in feed_url

    ics = client.get(feed_url)  # no session: the secret address is the key
    assert ics["Content-Type"].startswith("text/calendar")
    calendar = Calendar.from_ical(ics.content)
    events = {str(e["summary"]): e for e in calendar.walk("VEVENT")}
    assert f"{family.case_number} · action due" in events
    assert events[f"{family.case_number} · action due"].decoded("dtstart") == datetime.date(
        2026, 6, 20
    )
    text = ics.content.decode()
    assert "Zoubida" not in text and "Quiroga" not in text and "Haddad" not in text
    assert AuditEvent.objects.filter(action="export", object_type="casework.calendarfeed").exists()


def test_a_revoked_or_wrong_calendar_address_is_404(
    clock, make_family, case_manager, login, client
):
    session = login(case_manager)
    feed_url = session.post(reverse("casework:calendar"), {"action": "new"}).context["feed_url"]
    assert client.get(feed_url).status_code == 200
    session.post(reverse("casework:calendar"), {"action": "revoke"})
    assert client.get(feed_url).status_code == 404
    assert client.get(reverse("casework:calendar_feed", args=["guess"])).status_code == 404


def test_a_new_calendar_address_replaces_the_old_one(case_manager, login, client):
    session = login(case_manager)
    old = session.post(reverse("casework:calendar"), {"action": "new"}).context["feed_url"]
    new = session.post(reverse("casework:calendar"), {"action": "new"}).context["feed_url"]
    assert client.get(old).status_code == 404 and client.get(new).status_code == 200


def test_the_demo_calendar_holds_no_demo_name(db, client):
    from django.core.management import call_command

    from parcours.accounts.models import User
    from parcours.cases.models import Person
    from parcours.casework.services import new_calendar_token

    call_command("demo", "--no-migrate", "--as-of", "2026-06-15", stdout=io.StringIO())
    for username in ("casemanager", "coordinator"):
        token = new_calendar_token(User.objects.get(username=username))
        text = client.get(reverse("casework:calendar_feed", args=[token])).content.decode()
        assert "BEGIN:VEVENT" in text
        for person in Person.objects.all():
            assert person.given_name not in text and person.family_name not in text


def test_the_feed_speaks_the_language_its_owner_used(
    clock, make_family, case_manager, login, client
):
    family = make_family("active")
    _action(family, case_manager, datetime.date(2026, 6, 20))
    feed_url = (
        login(case_manager, "fr")
        .post(reverse("casework:calendar"), {"action": "new"})
        .context["feed_url"]
    )
    assert f"{family.case_number} · action à faire" in client.get(feed_url).content.decode()


def test_the_week_names_the_thing_and_a_missed_deadline_comes_first_marked(
    clock, make_family, case_manager, login
):
    from parcours.legal.models import DeadlineRule, Procedure

    family = make_family("active")
    _action(family, case_manager, datetime.date(2026, 6, 1), text="Ask the school for a letter")
    Procedure.objects.create(
        family=family,
        type="asylum",
        status="refused",
        filed_on=datetime.date(2025, 1, 10),
        decided_on=datetime.date(2026, 5, 10),
        notified_on=datetime.date(2026, 5, 14),  # + 30 days: 13 June, two days ago
        deadline_rule=DeadlineRule.objects.get(country="BE", code="appeal"),
    )
    page = login(case_manager).get(reverse("casework:my_week"))
    overdue = page.context["overdue"]
    assert overdue[0].kind == "deadline" and overdue[0].on == datetime.date(2026, 6, 13)
    html = page.content.decode()
    assert "Ask the school for a letter" in html
    assert 'class="missed-mark">missed</strong>' in html
    # The calendar feed says what kind of thing it is, never the action's own words.
    feed = login(case_manager).post(reverse("casework:calendar"))
    assert feed.status_code == 200
    from parcours.cases.models import Family
    from parcours.casework.due import due_items
    from parcours.casework.models import CalendarFeed  # noqa: F401 (the feed's owner)

    items = due_items(Family.objects.all(), datetime.date(2026, 6, 15))
    action = next(i for i in items if i.kind == "action")
    assert action.label == "action due" and action.detail == "Ask the school for a letter"


def test_a_coordinators_week_is_grouped_by_case_manager(
    clock, make_family, case_manager, colleague, coordinator, login
):
    mine = make_family("active")
    theirs = make_family("active", by=colleague)
    _action(mine, case_manager, datetime.date(2026, 6, 16))
    _action(theirs, colleague, datetime.date(2026, 6, 16))
    groups = login(coordinator).get(reverse("casework:my_week")).context["by_case_manager"]
    assert [str(g["case_manager"]) for g in groups] == ["Sara", "Youssef"]
    assert {i.family for i in groups[0]["upcoming"]} == {mine}
    assert {i.family for i in groups[1]["upcoming"]} == {theirs}
    assert login(case_manager).get(reverse("casework:my_week")).context["by_case_manager"] is None


def test_admission_and_hand_over_show_each_case_manager_s_open_files(
    make_family, case_manager, colleague, coordinator, login
):
    make_family("active")
    make_family("active")
    waiting = make_family("screening")
    page = login(coordinator).get(reverse("cases:step", args=[waiting.pk, "admit"]))
    html = page.content.decode()
    assert "Sara · 2 open files" in html and "Youssef · 0 open files" in html
    page = login(coordinator).get(reverse("cases:assignment", args=[waiting.pk]))
    assert "Sara · 2 open files" in page.content.decode()


def test_the_demo_s_busiest_family_page_stays_under_300_kb(db, client, login):
    from django.core.management import call_command
    from django.db.models import Count

    from parcours.accounts.models import User
    from parcours.cases.models import Family

    call_command("demo", "--no-migrate", "--as-of", "2026-06-15", stdout=io.StringIO())
    busiest = Family.objects.annotate(n=Count("contacts")).order_by("-n").first()
    coordinator = User.objects.get(username="coordinator")
    page = login(coordinator).get(busiest.get_absolute_url())
    assert page.status_code == 200 and len(page.content) < 300_000
