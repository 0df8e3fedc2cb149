"""The menu every page carries links where ``{% url %}`` would, reversed once per prefix."""

import re

from django.urls import reverse, set_script_prefix

from parcours import navigation


def test_the_menu_links_where_each_name_reverses(coordinator, login):
    page = login(coordinator).get(reverse("cases:list")).content.decode()
    links = set(re.findall(r'href="([^"]+)"', page))
    for name in ("home", "cases:list", "dashboard:dashboard", "notify:list", "accounts:account"):
        assert reverse(name) in links, name
    assert 'href=""' not in page


def test_the_menu_follows_the_script_prefix():
    try:
        set_script_prefix("/parcours/")
        assert navigation._menu("/parcours/")["cases"] == reverse("cases:list")
        assert navigation._menu("/parcours/")["cases"].startswith("/parcours/")
    finally:
        set_script_prefix("/")
    assert navigation._menu("/")["cases"] == reverse("cases:list") == "/cases/"
