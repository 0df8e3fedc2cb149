"""Sheet data as evaluators read it: pseudonymised, coded answers, and only the free text a
coordinator has read and released.

Case files go through ``Family.objects.visible_to``; evaluation data goes through
``evaluation_sheets``, the one gate for it: submitted sheets of the projects a user reports on.
"""

from django.db.models import Q
from django.utils import timezone

from parcours.accounts.models import Role
from parcours.cases.models import Family
from parcours.casework.models import consents_to_evaluation
from parcours.instruments.models import Answer, Response, ResponseStatus
from parcours.reports.forms import reportable_projects


def evaluation_sheets(user):
    """Coordinators read every sheet of their projects; evaluators only those of families
    whose consent to evaluation is in force."""
    coordinated = user.project_ids(Role.COORDINATOR)
    consenting = Family.objects.filter(consents_to_evaluation())
    return Response.objects.filter(
        family__project__in=reportable_projects(user), status=ResponseStatus.SUBMITTED
    ).filter(Q(family__project_id__in=coordinated) | Q(family__in=consenting))


def may_release(user, response: Response) -> bool:
    """Coordinators of the family's own project read every free text and release it."""
    family = response.family
    return family.pooled_from_id is None and user.has_role(Role.COORDINATOR, family.project_id)


def sheet_rows(response: Response, language: str, *, every_text: bool) -> list[dict]:
    """The answers question by question; free text withheld unless released (or the reader
    is a coordinator of the family's project)."""
    definition = response.version.definition
    answers = {a.code: a for a in response.answers.all()}
    rows = []
    for question in definition.answerable:
        answer = answers.get(question.name)
        if answer is None:
            continue
        row = {"answer": answer, "label": question.label(language), "free_text": False}
        if question.type == "text":
            if not answer.text:
                continue
            released = answer.released_at is not None
            row.update(
                free_text=True,
                released=released,
                value=answer.text if every_text or released else None,
            )
        elif question.is_choice:
            row["value"] = ", ".join(
                definition.choice_label(question, code, language) for code in answer.value.split()
            )
        else:
            row["value"] = answer.value
        rows.append(row)
    return rows


def release(user, answer: Answer, released: bool) -> None:
    """Release a free-text answer to evaluators, or take the release back."""
    answer.released_by = user if released else None
    answer.released_at = timezone.now() if released else None
    answer.save(update_fields=["released_by", "released_at"])
