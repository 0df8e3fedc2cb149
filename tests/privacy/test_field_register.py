"""The register of personal-data fields is complete, and what it says about encryption holds."""

import io

from django.apps import apps
from django.core.management import call_command
from django.db import connection, models
from django.urls import reverse

from parcours.privacy import register
from parcours.privacy.fields import EncryptedTextField


def _family_linked_models():
    """Family, and every model reaching it through foreign keys (members, sheets, answers…)."""
    linked = {apps.get_model("cases", "Family")}
    grew = True
    while grew:
        grew = False
        for model in apps.get_models():
            if model in linked:
                continue
            if any(
                isinstance(f, models.ForeignKey) and f.related_model in linked
                for f in model._meta.concrete_fields
            ):
                linked.add(model)
                grew = True
    return linked


def _label(field) -> str:
    return f"{field.model._meta.label}.{field.name}"


def test_every_text_field_of_a_familys_file_is_in_the_register():
    text_fields = [
        _label(f)
        for model in _family_linked_models()
        for f in model._meta.concrete_fields
        if isinstance(f, models.CharField | models.TextField | models.JSONField)
    ]
    assert len(text_fields) > 60
    unlisted = [f for f in text_fields if f not in register.PERSONAL | register.NOT_PERSONAL]
    assert unlisted == [], "say in parcours/privacy/register.py what these hold"
    assert not set(register.PERSONAL) & set(register.NOT_PERSONAL)


def test_personal_fields_are_encrypted_unless_the_register_says_why_not():
    for entry in register.entries():
        if entry.label in register.PLAIN_BECAUSE:
            assert not entry.encrypted, entry.label
        else:
            assert entry.encrypted, f"{entry.label} holds personal data in plain text"
    for label in ("cases.Family.languages", "cases.Family.referring_organisation"):
        model, name = label.rsplit(".", 1)
        assert isinstance(apps.get_model(model)._meta.get_field(name), EncryptedTextField)


def test_the_command_prints_the_register_as_markdown_and_csv(db):
    out = io.StringIO()
    call_command("privacy_register", stdout=out)
    text = out.getvalue()
    assert "| family | languages | languages spoken |" in text and "| yes |" in text
    out = io.StringIO()
    call_command("privacy_register", "--format", "csv", "--language", "fr", stdout=out)
    lines = out.getvalue().splitlines()
    assert lines[0] == "model,field,name,category,purpose,encrypted"
    assert any("langues parlées" in line for line in lines)


def test_languages_and_referrer_are_sealed_and_the_email_is_checked(
    make_family, case_manager, login
):
    family = make_family(languages="Tigrinya, Amharic", referring_organisation="Caritas Gent")
    with connection.cursor() as cursor:
        cursor.execute("SELECT languages, referring_organisation FROM cases_family")
        stored = " ".join(str(v) for row in cursor.fetchall() for v in row)
    assert "Tigrinya" not in stored and "Caritas" not in stored
    family.refresh_from_db()
    assert family.languages == "Tigrinya, Amharic"
    client = login(case_manager)
    page = client.get(reverse("cases:family_edit", args=[family.pk]))
    data = {
        k: v
        for k, v in page.context["form"].initial.items()
        if v is not None and not isinstance(v, list)
    }
    response = client.post(
        reverse("cases:family_edit", args=[family.pk]), {**data, "email": "not-an-address"}
    )
    assert response.status_code == 200 and "email" in response.context["form"].errors


def test_the_register_of_processing_is_a_page_for_coordinators_in_their_language(
    coordinator, case_manager, evaluator, administrator, login
):
    page = login(coordinator, "fr").get(reverse("privacy:register"))
    assert page.status_code == 200
    text = page.content.decode()
    assert "Registre des traitements" in text and "Destinataires" in text
    assert "autorités" in text  # no authority receives anything, and the page says so
    assert login(administrator).get(reverse("privacy:register")).status_code == 200
    for reader in (case_manager, evaluator):
        assert login(reader).get(reverse("privacy:register")).status_code == 404


def test_the_command_prints_recipients_retention_and_security(db):
    out = io.StringIO()
    call_command("privacy_register", "--language", "nl", stdout=out)
    text = out.getvalue()
    assert "# Verwerkingsregister" in text and "## Ontvangers" in text
    assert "AES-256-GCM" in text and "| gezin | languages |" in text
