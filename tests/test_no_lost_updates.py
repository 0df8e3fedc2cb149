"""Two people edit the same record: the second save does not overwrite the first unseen. It is
refused with both versions side by side and what was typed kept; saving again then wins."""

import pytest
from django.urls import reverse

from parcours.casework.models import Action
from parcours.versioning import StaleEdit
from tests.conftest import form_data

# url name, its arguments, the record, and the field both people change.
CASES = {
    "family": ("cases:family_edit", lambda r: [r["family"].pk], "family", "referral_notes"),
    "member": (
        "cases:person_edit",
        lambda r: [r["family"].pk, r["person"].pk],
        "person",
        "minority",
    ),
    "plan": ("casework:plan", lambda r: [r["family"].pk], "plan", "needs"),
    "action": (
        "casework:action_edit",
        lambda r: [r["family"].pk, r["action"].pk],
        "action",
        "description",
    ),
    "procedure": (
        "legal:procedure_edit",
        lambda r: [r["family"].pk, r["procedure"].pk],
        "procedure",
        "reference",
    ),
    "document": (
        "legal:document_edit",
        lambda r: [r["family"].pk, r["document"].pk],
        "document",
        "description",
    ),
    "referral": (
        "casework:service_edit",
        lambda r: [r["family"].pk, r["referral"].pk],
        "referral",
        "outcome",
    ),
    "directory": ("casework:provider_edit", lambda r: [r["provider"].pk], "provider", "notes"),
    # Shared by every organisation: administrators edit it.
    "deadline rule": ("legal:deadline_rule_edit", lambda r: [r["rule"].pk], "rule", "label_en"),
}


@pytest.mark.parametrize("case", list(CASES))
def test_a_save_over_a_newer_version_is_refused_and_keeps_what_was_typed(
    case, whole_file, coordinator, administrator, login
):
    name, args, key, field = CASES[case]
    url = reverse(name, args=args(whole_file))
    editor = administrator if case == "deadline rule" else coordinator
    first, second = login(editor), login(editor)  # two sessions, two screens
    mine = form_data(first.get(url).context["form"])
    theirs = form_data(second.get(url).context["form"])

    saved = first.post(url, {**mine, field: "written first"})
    assert saved.status_code == 302, saved.context["form"].errors if saved.context else saved
    refused = second.post(url, {**theirs, field: "written second"})
    assert refused.status_code == 200
    page = refused.content.decode()
    assert "Someone else saved this while you were editing it" in page
    conflict = refused.context["form"].conflict
    assert {"saved": "written first", "typed": "written second"} in [
        {"saved": row["saved"], "typed": row["typed"]} for row in conflict
    ]
    assert 'value="written second"' in page or ">written second<" in page  # still typed
    record = type(whole_file[key]).objects.get(pk=whole_file[key].pk)
    assert getattr(record, field) == "written first"

    # Saving again, with both versions seen, keeps the second person's text.
    again = form_data(refused.context["form"])
    assert second.post(url, {**again, field: "written second"}).status_code == 302
    record = type(whole_file[key]).objects.get(pk=whole_file[key].pk)
    assert getattr(record, field) == "written second"


def test_the_model_refuses_a_save_made_from_an_older_read(whole_file):
    one = Action.objects.get(pk=whole_file["action"].pk)
    two = Action.objects.get(pk=whole_file["action"].pk)
    one.read_version, one.description = one.version, "first"
    one.save()
    two.read_version, two.description = two.version, "second"
    with pytest.raises(StaleEdit):
        two.save()
    assert Action.objects.get(pk=one.pk).description == "first"
    assert Action.objects.get(pk=one.pk).version == 2
