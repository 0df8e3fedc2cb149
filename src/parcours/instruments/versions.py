"""New versions of an instrument: checked, compared with the one in use, then activated.

A code never changes meaning (INSTRUMENTS.md): a question that keeps its code but changes its
type or its list of choice codes is refused; it needs a new code. Labels may change freely.
"""

from django.db import transaction
from django.utils.translation import gettext as _

from parcours.instruments.models import InstrumentVersion
from parcours.instruments.xforms import to_xform
from parcours.instruments.xlsform import Definition, XLSFormError, read
from parcours.privacy.audit import Actor, record
from parcours.privacy.models import AuditAction


class VersionError(Exception):
    def __init__(self, problems: list[str]):
        super().__init__("; ".join(problems))
        self.problems = problems


def _text(expression) -> str:
    return expression.text if expression else ""


def compare(old: Definition, new: Definition, language: str = "en") -> dict:
    """Questions added, removed and relabelled; and the changes of meaning that are refused."""
    before = {q.name: q for q in old.answerable}
    after = {q.name: q for q in new.answerable}
    changed, refused = [], []
    for name in before.keys() & after.keys():
        a, b = before[name], after[name]
        if a.type != b.type:
            refused.append(
                _("%(code)s: the type changes from %(a)s to %(b)s; use a new code.")
                % {"code": name, "a": a.type, "b": b.type}
            )
        elif a.is_choice and old.choice_codes(a) != new.choice_codes(b):
            refused.append(
                _("%(code)s: its choices change from %(a)s to %(b)s; use a new code.")
                % {
                    "code": name,
                    "a": " ".join(old.choice_codes(a)),
                    "b": " ".join(new.choice_codes(b)),
                }
            )
        elif a.labels != b.labels or _text(a.relevant) != _text(b.relevant):
            changed.append((name, a.label(language), b.label(language)))
    return {
        "added": [(n, after[n].label(language)) for n in after if n not in before],
        "removed": [(n, before[n].label(language)) for n in before if n not in after],
        "changed": sorted(changed),
        "refused": sorted(refused),
    }


@transaction.atomic
def upload(actor: Actor, code: str, data: bytes) -> InstrumentVersion:
    """Store a checked new version, not yet in use."""
    try:
        xform = to_xform(data)  # ODK's own converter first: what Collect and Kobo would load
        definition = read(data)  # then what Parcours' web form can show
    except XLSFormError as error:
        raise VersionError(error.problems) from None
    current = InstrumentVersion.objects.active(code)  # installs the shipped one if need be
    problems = []
    if definition.form_id != code:
        problems.append(
            _("settings: form_id is %(found)r, expected %(code)r.")
            % {"found": definition.form_id, "code": code}
        )
    if InstrumentVersion.objects.filter(instrument=code, version=definition.version).exists():
        problems.append(
            _("settings: version %(v)s exists already; give the new one its own.")
            % {"v": definition.version}
        )
    problems += compare(current.definition, definition)["refused"]
    if problems:
        raise VersionError(problems)
    version = InstrumentVersion.objects.create(
        instrument=code,
        version=definition.version,
        title=definition.title,
        xlsx=data,
        xform=xform,
        active=False,
        uploaded_by=actor.user,
    )
    record(actor, AuditAction.CREATE, version)
    return version


@transaction.atomic
def activate(actor: Actor, version: InstrumentVersion) -> None:
    """From now on new sheets use ``version``; sheets already made keep theirs."""
    InstrumentVersion.objects.filter(instrument=version.instrument, active=True).update(
        active=False
    )
    version.active = True
    version.save(update_fields=["active"])
    record(actor, AuditAction.UPDATE, version)


@transaction.atomic
def choose(actor: Actor, project, version: InstrumentVersion) -> None:
    """From now on the project's new sheets use ``version`` (other projects keep theirs)."""
    from parcours.instruments.models import ProjectInstrument

    choice, _created = ProjectInstrument.objects.update_or_create(
        project=project, instrument=version.instrument, defaults={"version": version}
    )
    record(actor, AuditAction.UPDATE, choice)
