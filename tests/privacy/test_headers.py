"""Security headers on every page: the Content Security Policy and the Permissions-Policy."""

from django.urls import reverse


def _directives(response) -> dict[str, str]:
    header = response["Content-Security-Policy"]
    return {
        part.split()[0]: " ".join(part.split()[1:]) for part in header.split(";") if part.strip()
    }


def test_pages_carry_a_strict_content_security_policy(client, db):
    policy = _directives(client.get(reverse("login")))
    assert policy["default-src"] == "'self'"
    assert policy["script-src"] == "'self'" and policy["style-src"] == "'self'"
    assert policy["frame-ancestors"] == "'none'" and policy["form-action"] == "'self'"
    assert policy["object-src"] == "'none'" and policy["base-uri"] == "'none'"
    assert "unsafe-inline" not in str(policy) and "unsafe-eval" not in str(policy)


def test_no_page_template_holds_inline_script_handlers_or_styles():
    from django.conf import settings

    offenders = []
    for path in settings.PACKAGE_DIR.rglob("templates/**/*.html"):
        if path.name.endswith(("_pdf.html", "_mail.html")):  # read by WeasyPrint or a mail
            continue  # client only (which ignores style sheets), never served
        # A picture drawn into a PDF carries its rules inside (WeasyPrint reads only those);
        # pages never receive them (see parcours.pdf.svg_style).
        text = path.read_text().replace("{% if svg_style %}<style>{{ svg_style }}</style>", "")
        for needle in ("<style", " style=", " onclick=", " onchange=", " onsubmit=", "<script>"):
            if needle in text:
                offenders.append(f"{path.name}: {needle.strip()}")
    assert offenders == []


def test_the_camera_is_allowed_only_where_a_document_is_photographed(
    make_family, case_manager, login
):
    family = make_family("active")
    client = login(case_manager)
    family_page = client.get(family.get_absolute_url())
    assert "camera=()" in family_page["Permissions-Policy"]
    assert "microphone=()" in family_page["Permissions-Policy"]
    upload = client.get(reverse("legal:document_create", args=[family.pk]))
    assert upload.status_code == 200
    assert "camera=(self)" in upload["Permissions-Policy"]
    assert "geolocation=()" in upload["Permissions-Policy"]
