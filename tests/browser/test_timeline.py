"""Building a family's timeline in the browser: the picture shows the story in order."""

import datetime

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import sign_in
from tests.conftest import PASSWORD, make_person
from tests.legal.test_timeline_and_import import FAMILY_3

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True),
    pytest.mark.xdist_group("browser"),
]


def test_an_eighteen_year_history_is_drawn_in_order(live_server, new_page, make_family, tmp_path):
    family = make_family(
        "active",
        members=[
            make_person(given="Amina", birth="1984-02-02", arrival_date=datetime.date(2008, 3, 10)),
            make_person("parent", "Karim", birth="1980", sex="male"),
        ],
    )
    page = new_page()
    sign_in(page, live_server.url, "sara", PASSWORD)
    page.goto(f"{live_server.url}/cases/{family.pk}/dossier/")

    # Most of the history comes from the team's old spreadsheet...
    page.get_by_role("button", name="Import from a spreadsheet").click()
    sheet = tmp_path / "history.csv"
    sheet.write_text(FAMILY_3)
    page.set_input_files("#id_file", str(sheet))
    page.click("main form button[type=submit]")
    expect(page.locator(".messages")).to_contain_text("14 events imported")

    # ...and one more moment is added by hand.
    page.get_by_role("button", name="Add to the timeline").click()
    page.fill("#id_on", "2012-09-03")
    page.select_option("#id_kind", "interview")
    page.get_by_label("Amina Haddad").check()
    page.fill("#id_description", "Interview at the CGRS")
    page.click("main form button[type=submit]")

    items = page.locator("ol.history-list > li")
    expect(items).to_have_count(18)  # 15 events, two births and an arrival from the file
    # The list names the quiet years the picture cuts out of its axis.
    expect(page.locator("ol.history-list .gap-note").first).to_contain_text("without a known event")
    picture = page.locator("svg.timeline")
    expect(picture).to_be_visible()
    marks = picture.locator("g.mark")
    numbers = [
        int(n) for n in marks.evaluate_all("ms => ms.map(m => m.getAttribute('data-number'))")
    ]
    xs = marks.evaluate_all("ms => ms.map(m => m.querySelector('circle').cx.baseVal.value)")
    ordered = [x for _n, x in sorted(zip(numbers, xs, strict=True))]
    assert ordered == sorted(ordered) and len(set(numbers)) >= 15
    years = [int(t[-4:]) for t in picture.locator("text.year").all_text_contents()]
    assert years[0] <= 1984 and years[-1] >= 2026  # births included
    interview = page.locator("ol.history-list li", has_text="Interview at the CGRS")
    expect(interview).to_contain_text("3 September 2012")

    # On a phone the picture opens on its most recent years; one scrolls back in time.
    page.set_viewport_size({"width": 390, "height": 844})
    page.reload()
    box = page.locator(".timeline-scroll")
    scrolled = box.evaluate("b => b.scrollLeft + b.clientWidth >= b.scrollWidth - 2")
    assert scrolled and box.evaluate("b => b.scrollWidth > b.clientWidth")
