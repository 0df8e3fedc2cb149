"""The main pages in Dutch and French hold no code of the product's choices (snake_case) and no
ISO date in the text a person reads: dates in running text are written as the language writes
them."""

import re
from html.parser import HTMLParser

import pytest
from django.urls import reverse

SNAKE = re.compile(r"\b[a-z]+(?:_[a-z0-9]+)+\b")
ISO_DATE = re.compile(r"\b\d{4}-\d{2}-\d{2}\b")


class VisibleText(HTMLParser):
    """The text of a page as it shows, without scripts, styles and attribute values."""

    HIDDEN = {"script", "style", "template", "svg"}

    def __init__(self):
        super().__init__()
        self.depth = 0
        self.parts = []

    def handle_starttag(self, tag, attrs):
        if tag in self.HIDDEN:
            self.depth += 1

    def handle_endtag(self, tag):
        if tag in self.HIDDEN and self.depth:
            self.depth -= 1

    def handle_data(self, data):
        if not self.depth:
            self.parts.append(data)


def visible(html: str) -> str:
    parser = VisibleText()
    parser.feed(html)
    return " ".join(parser.parts)


def _pages(whole_file, referred):
    family = whole_file["family"]
    return [
        reverse("family", args=[referred.pk]),
        reverse("cases:screening", args=[referred.pk]),
        reverse("cases:list"),
        reverse("family", args=[family.pk]),
        reverse("legal:dossier", args=[family.pk]),
        reverse("legal:deadline_rules"),
        reverse("casework:my_week"),
        reverse("casework:plan", args=[family.pk]),
        reverse("casework:contacts", args=[family.pk]),
        reverse("cases:assignment", args=[family.pk]),
        reverse("cases:audit", args=[family.pk]),
        reverse("notify:list"),
        reverse("notify:preferences"),
        reverse("accounts:account"),
    ]


@pytest.mark.parametrize("language", ["nl", "fr"])
def test_main_pages_show_no_code_and_no_iso_date(
    whole_file, make_family, coordinator, login, language
):
    referred = make_family()  # no case number yet: named by its referral's date
    client = login(coordinator, language)
    slips = {}
    for url in _pages(whole_file, referred):
        page = client.get(url)
        assert page.status_code == 200, url
        text = visible(page.content.decode())
        found = sorted(set(SNAKE.findall(text)) | set(ISO_DATE.findall(text)))
        if found:
            slips[url] = found
    assert slips == {}
