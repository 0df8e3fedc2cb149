"""Enketo as a second real client: the forms Parcours serves to phones, fetched over OpenRosa,
transform with enketo-transformer and render in enketo-core in Chromium with the caseload as
their media file; what Enketo submits is accepted by Parcours' server and stored once."""

import csv
import io
import subprocess
from pathlib import Path

import pytest
from defusedxml.ElementTree import fromstring

from parcours.casework.models import Contact
from parcours.instruments.models import Response
from tests.collect.conftest import phone  # noqa: F401 (the fixture: Sara's phone)

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.xdist_group("openrosa")]

ROOT = Path(__file__).resolve().parents[2]
FORMS = "{http://openrosa.org/xforms/xformsList}"
MANIFEST = "{http://openrosa.org/xforms/xformsManifest}"
PAGE = "http://enketo.test/"


@pytest.fixture(scope="module")
def enketo_bundle(tmp_path_factory) -> bytes:
    """enketo-core and enketo-transformer's browser build in one script (esbuild)."""
    out = tmp_path_factory.mktemp("enketo") / "enketo.js"
    subprocess.run(
        [
            str(ROOT / "node_modules/.bin/esbuild"),
            str(Path(__file__).with_name("enketo") / "entry.js"),
            "--bundle",
            "--format=esm",
            "--platform=browser",
            "--external:libxslt",  # enketo-transformer's node path; the browser uses XSLTProcessor
            f"--outfile={out}",
            "--log-level=error",
        ],
        check=True,
        cwd=ROOT,
    )
    return out.read_bytes()


@pytest.fixture
def enketo(new_page, enketo_bundle):
    """A page that runs Enketo, served from memory (no server of its own)."""
    page = new_page()
    errors = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    html = b'<!doctype html><meta charset="utf-8"><script type="module" src="enketo.js"></script>'
    html += b'<div id="form"></div>'
    page.route(PAGE, lambda route: route.fulfill(body=html, content_type="text/html"))
    page.route(
        PAGE + "enketo.js",
        lambda route: route.fulfill(body=enketo_bundle, content_type="text/javascript"),
    )
    page.goto(PAGE)
    page.wait_for_function("window.enketo !== undefined")
    yield page
    assert not errors, errors


def _served(phone, form_id):  # noqa: F811 (the fixture)
    """The form and its media as Collect or Enketo Express fetch them from Parcours."""
    listing = phone.request("/formList").xml()
    entry = next(
        f for f in listing.iter(f"{FORMS}xform") if f.findtext(f"{FORMS}formID") == form_id
    )
    xform = phone.request(entry.findtext(f"{FORMS}downloadUrl")).body.decode()
    manifest = phone.request(entry.findtext(f"{FORMS}manifestUrl")).xml()
    media = {
        m.findtext(f"{MANIFEST}filename"): phone.request(
            m.findtext(f"{MANIFEST}downloadUrl")
        ).body.decode()
        for m in manifest.iter(f"{MANIFEST}mediaFile")
    }
    return xform, media


@pytest.mark.parametrize("form_id", ["baseline", "contact"])
def test_enketo_renders_the_served_form_and_its_submission_is_stored(
    form_id,
    phone,  # noqa: F811
    enketo,
    make_family,
):
    family = make_family("active")
    xform, media = _served(phone, form_id)
    caseload = list(csv.DictReader(io.StringIO(media["caseload.csv"])))
    assert [row["name"] for row in caseload] == [family.case_number]

    rendered = enketo.evaluate("([x, m]) => window.enketo.render(x, m)", [xform, media])
    assert rendered["errors"] == []
    assert set(rendered["languages"].values()) >= {"nl", "fr", "en"}
    assert enketo.locator(f"form.or input[value='{family.case_number}']").count() == 1

    enketo.evaluate("window.enketo.fillAll()")
    sent = enketo.evaluate("window.enketo.submission()")
    invalid = enketo.evaluate(  # what Enketo marks as missing or wrong, named in the failure
        "[...document.querySelectorAll('.invalid-required, .invalid-constraint')]"
        ".map(q => q.querySelector('[name]')?.getAttribute('name'))"
    )
    assert sent["valid"], invalid
    instance = fromstring(sent["xml"])
    assert instance.get("id") == form_id
    assert instance.findtext("case") == family.case_number
    instance_id = instance.findtext("meta/instanceID")

    answer = phone.submit(sent["xml"].encode())
    assert answer.status == 201, answer.message()
    again = phone.submit(sent["xml"].encode())  # a resend stores nothing
    assert again.status in (200, 201, 202)
    key = instance_id.removeprefix("uuid:")
    if form_id == "contact":
        assert Contact.objects.filter(family=family, instance_id__contains=key).count() == 1
    else:
        stored = Response.objects.get(family=family, instance_id__contains=key)
        assert stored.status == "submitted"
        assert stored.answers.count() > 10
