"""Forms of the family file. Every check names its field; nothing is saved on error."""

from html import escape

from django import forms
from django.db.models import Count, Q
from django.forms.utils import flatatt
from django.urls import reverse
from django.utils.html import format_html
from django.utils.safestring import mark_safe
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from parcours.accounts.models import Role, User
from parcours.cases.choices import (
    Assessment,
    EngagementAtClosure,
    FamilyStatus,
    ReferralRoute,
    Resolution,
)
from parcours.cases.figures import Attention
from parcours.cases.lifecycle import get_transition
from parcours.cases.models import Approval, Cover, Family, Flag, Person, today
from parcours.cases.services import case_managers_named, eligible_case_managers
from parcours.labels import label_field
from parcours.projects.models import FlagReason, Project
from parcours.textlimits import NOTE, LimitedCharField
from parcours.versioning import VersionedForm

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


def limit_to_members(form, family, *names) -> None:
    """Person choices of ``names`` are this family's members only, shown by name."""
    for name in names:
        form.fields[name].queryset = family.members.order_by("created_at")
        form.fields[name].label_from_instance = lambda p: p.full_name


def not_in_future(form, field: str) -> None:
    value = form.cleaned_data.get(field)
    if value and value > today():
        form.add_error(field, _("This date is in the future."))


_REFERRAL_FIELDS = [
    "referred_on",
    "referral_route",
    "referring_organisation",
    "referrer_name",
    "referrer_contact",
    "referral_notes",
    "languages",
    "interpreter_needed",
    "address",
    "phone",
    "status_at_entry",
]
_WIDGETS = {
    "referred_on": DATE,
    "referral_notes": forms.Textarea(attrs={"rows": 3}),
    "address": forms.Textarea(attrs={"rows": 2}),
    "support_network": forms.Textarea(attrs={"rows": 2}),
}


class _FamilyFormBase(VersionedForm):
    def clean(self):
        data = super().clean()
        not_in_future(self, "referred_on")
        if data.get("referral_route") == ReferralRoute.REFERRED_BY_ORGANISATION and not data.get(
            "referring_organisation"
        ):
            self.add_error("referring_organisation", _("Name the organisation that referred."))
        return data


class ReferralForm(_FamilyFormBase):
    """A new referral: how the family came, who referred it, first household details."""

    class Meta:
        model = Family
        fields = ["project", *_REFERRAL_FIELDS]
        widgets = _WIDGETS

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        ids = user.project_ids(Role.CASE_MANAGER, Role.COORDINATOR)
        projects = Project.objects.filter(pk__in=ids, network=False)
        self.fields["project"].queryset = projects
        self.fields["project"].empty_label = None
        if len(projects) == 1:
            self.fields["project"].initial = projects[0].pk
            self.fields["project"].widget = forms.HiddenInput()
        self.fields["referred_on"].initial = today


class FamilyForm(_FamilyFormBase):
    """Everything about the household that a case manager keeps up to date."""

    class Meta:
        model = Family
        fields = [
            *_REFERRAL_FIELDS,
            "email",
            "housing_kind",
            "housing_stability",
            "livelihood",
            "support_network",
            "procedure_status",
        ]
        widgets = _WIDGETS


class PersonForm(VersionedForm):
    class Meta:
        model = Person
        fields = Person.RECORDED_FIELDS
        widgets = {"arrival_date": DATE}

    def clean(self):
        data = super().clean()
        birth = data.get("birth_date")
        if birth:
            if (birth.exact and birth.exact > today()) or birth.year > today().year:
                self.add_error("birth_date", _("This date is in the future."))
            elif birth.year < today().year - 120:
                self.add_error("birth_date", _("This date is more than 120 years ago."))
        not_in_future(self, "arrival_date")
        arrival = data.get("arrival_date")
        before_birth = (
            birth
            and arrival
            and (arrival.year < birth.year or (birth.exact and arrival < birth.exact))
        )
        if before_birth and "birth_date" not in self.errors:
            self.add_error("arrival_date", _("The arrival cannot come before the birth."))
        return data


# The first member row is required; further rows are added with htmx and may stay empty.
class MembersOfAFamily(forms.BaseFormSet):
    default_error_messages = {
        **forms.BaseFormSet.default_error_messages,
        "too_few_forms": _("Add at least one member of the family."),
    }


MemberFormSet = forms.formset_factory(
    PersonForm, formset=MembersOfAFamily, extra=0, min_num=1, validate_min=True
)


class ScreeningForm(forms.Form):
    """One row per active criterion: met / not met / unclear, with a note."""

    def __init__(self, *args, criteria, assessments, **kwargs):
        super().__init__(*args, **kwargs)
        self.criteria = list(criteria)
        for criterion in self.criteria:
            current = assessments.get(criterion.pk)
            self.fields[f"c{criterion.pk}"] = forms.ChoiceField(
                label=criterion.label,
                choices=Assessment.choices,
                widget=forms.RadioSelect,
                required=False,
                initial=current.result if current else None,
            )
            self.fields[f"c{criterion.pk}_note"] = LimitedCharField(
                label=_("Note"),
                max_length=NOTE,
                required=False,
                widget=forms.Textarea(attrs={"rows": 2}),
                initial=current.note if current else "",
            )

    def rows(self):
        for criterion in self.criteria:
            yield criterion, self[f"c{criterion.pk}"], self[f"c{criterion.pk}_note"]

    def results(self):
        """(criterion, result, note) for every criterion that was given a result."""
        return [
            (c, self.cleaned_data[f"c{c.pk}"], self.cleaned_data[f"c{c.pk}_note"])
            for c in self.criteria
            if self.cleaned_data.get(f"c{c.pk}")
        ]

    def clean(self):
        data = super().clean()
        for criterion in self.criteria:
            if data.get(f"c{criterion.pk}_note") and not data.get(f"c{criterion.pk}"):
                self.add_error(f"c{criterion.pk}", _("Choose met, not met or unclear."))
        if not self.errors and not self.results():
            raise forms.ValidationError(_("Assess at least one criterion."))
        return data


class ReasonForm(forms.Form):
    reason = LimitedCharField(
        label=_("Reason"), max_length=NOTE, widget=forms.Textarea(attrs={"rows": 3})
    )

    def __init__(self, *args, transition, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["reason"].required = transition.reason_required
        if not transition.reason_required:
            self.fields["reason"].label = _("Note (optional)")


class CaseManagersField(forms.ModelMultipleChoiceField):
    """Case managers to tick, each with their open files, so that the load can be shared."""

    def __init__(self, **kwargs):
        super().__init__(queryset=None, widget=forms.CheckboxSelectMultiple, **kwargs)

    def of_project(self, project_id):
        self.queryset = eligible_case_managers(project_id).annotate(
            open_files=Count(
                "caseload",
                filter=Q(caseload__status__in=(FamilyStatus.ACTIVE, FamilyStatus.PAUSED)),
                distinct=True,
            )
        )

    def label_from_instance(self, user):
        return ngettext(
            "%(name)s · %(n)s open file", "%(name)s · %(n)s open files", user.open_files
        ) % {"name": user, "n": user.open_files}


class AdmitForm(ReasonForm):
    admitted_on = forms.DateField(label=_("Admitted on"), widget=DATE)
    case_managers = CaseManagersField(
        label=_("Case managers"),
        help_text=_("One or two."),
    )

    field_order = ["admitted_on", "case_managers", "reason"]

    def __init__(self, *args, family, **kwargs):
        super().__init__(*args, **kwargs)
        self.family = family
        self.fields["admitted_on"].initial = today
        self.fields["case_managers"].of_project(family.project_id)
        self.fields["case_managers"].initial = list(family.case_managers.all())

    def clean_admitted_on(self):
        value = self.cleaned_data["admitted_on"]
        if value > today():
            raise forms.ValidationError(_("This date is in the future."))
        if value < self.family.referred_on:
            raise forms.ValidationError(_("The admission cannot come before the referral."))
        return value

    def clean_case_managers(self):
        value = self.cleaned_data["case_managers"]
        if len(value) > 2:
            raise forms.ValidationError(_("A family has at most two case managers."))
        return value


class CloseForm(ReasonForm):
    closed_on = forms.DateField(label=_("Closed on"), widget=DATE)
    resolution = forms.ChoiceField(label=_("Resolution"), choices=Resolution.choices)
    engagement_at_closure = forms.ChoiceField(
        label=_("Engagement at closure"), choices=EngagementAtClosure.choices
    )

    field_order = ["closed_on", "resolution", "engagement_at_closure", "reason"]

    def __init__(self, *args, family, **kwargs):
        super().__init__(*args, **kwargs)
        self.family = family
        self.fields["closed_on"].initial = today

    def clean_closed_on(self):
        value = self.cleaned_data["closed_on"]
        if value > today():
            raise forms.ValidationError(_("This date is in the future."))
        if self.family.admitted_on and value < self.family.admitted_on:
            raise forms.ValidationError(_("The closure cannot come before the admission."))
        return value


class ReferAgainForm(forms.Form):
    referred_on = forms.DateField(label=_("Referred again on"), widget=DATE, initial=today)

    def clean_referred_on(self):
        value = self.cleaned_data["referred_on"]
        if value > today():
            raise forms.ValidationError(_("This date is in the future."))
        return value


class PlainSelect(forms.Select):
    """A select of plain choices (no groups), written in one pass: Django's widget renders
    each option through its own template (90 ms for 2 500 case managers) and ``format_html``
    escapes each part separately (8 ms); this takes about one."""

    def render(self, name, value, attrs=None, renderer=None):
        chosen = {str(v) for v in self.format_value(value)}
        options = "".join(
            f'<option value="{escape(str(v))}"{" selected" if str(v) in chosen else ""}>'
            f"{escape(str(label))}</option>"
            for v, label in self.choices
        )
        attributes = flatatt(self.build_attrs(self.attrs, {**(attrs or {}), "name": name}))
        return format_html("<select{}>{}</select>", attributes, mark_safe(options))


class PlainInput:
    """An input written in one pass, as ``PlainSelect`` writes a select: through Django's two
    widget templates each field of the case list's filter cost a quarter of a millisecond."""

    def render(self, name, value, attrs=None, renderer=None):
        widget = self.get_context(name, value, attrs)["widget"]
        shown = "" if widget["value"] is None else format_html(' value="{}"', widget["value"])
        return format_html(
            '<input type="{}" name="{}"{}{}>', widget["type"], name, shown, flatatt(widget["attrs"])
        )


class PlainTextInput(PlainInput, forms.TextInput):
    pass


class PlainHiddenInput(PlainInput, forms.HiddenInput):
    pass


class CaseManagerPicker(PlainInput, forms.TextInput):
    """A search field that offers the matching case managers' names as one types (a datalist
    the server fills, ``cases:case_manager_names``): the browser's own suggestions, by keyboard
    and on a phone, and a plain text field without scripts."""

    input_type = "search"

    def render(self, name, value, attrs=None, renderer=None):
        attrs = {**(attrs or {})}
        choices = f"{attrs.get('id', 'id_' + name)}_choices"
        attrs.update(
            {
                "list": choices,
                "autocomplete": "off",
                "placeholder": _("anyone"),
                "hx-get": reverse("cases:case_manager_names"),
                "hx-trigger": "focus once, input changed delay:200ms",
                "hx-target": f"#{choices}",
                "hx-sync": "this:replace",
            }
        )
        return format_html(
            '{}<datalist id="{}"></datalist>', super().render(name, value, attrs), choices
        )


class CaseListFilter(forms.Form):
    q = forms.CharField(
        label=_("Search"),
        required=False,
        max_length=100,
        widget=PlainTextInput(attrs={"type": "search", "placeholder": _("Case number or a name")}),
    )
    OPEN = "open"
    status = forms.ChoiceField(
        label=_("Status"),
        required=False,
        widget=PlainSelect,
        choices=[
            ("", _("any status")),
            (OPEN, _("open (active or paused)")),
            *FamilyStatus.choices,
        ],
    )
    # A case manager is named by their number in a link (the dashboard's), or by name as
    # typed: a team of a thousand is not a list to scroll, nor a select to send each time.
    case_manager = forms.IntegerField(required=False, min_value=1, widget=PlainHiddenInput)
    case_manager_name = forms.CharField(
        label=_("Case manager"), required=False, max_length=150, widget=CaseManagerPicker
    )
    flag = forms.ChoiceField(label=_("Flag"), required=False, widget=PlainSelect)
    attention = forms.ChoiceField(
        label=_("Needs attention"),
        required=False,
        widget=PlainSelect,
        choices=[
            ("", _("anything or nothing")),
            (Attention.OVERDUE_ACTIONS, _("actions overdue")),
            (Attention.REVIEW_OVERDUE, _("review overdue")),
            (Attention.QUIET, _("no contact for too long")),
            (Attention.DEADLINE, _("a legal deadline soon")),
            (Attention.SHEETS_DUE, _("a sheet due")),
            (Attention.FLAGGED, _("a flag")),
            (Attention.APPROVAL, _("an approval")),
        ],
    )
    # Days ahead for "a legal deadline soon" (the dashboard's links say 14).
    within = forms.IntegerField(required=False, min_value=0, max_value=365, widget=PlainHiddenInput)

    ANY_FLAG = "any"

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        projects = user.project_ids(Role.COORDINATOR, Role.CASE_MANAGER)
        reasons = {}  # by code: projects that share a code share the filter
        active = FlagReason.objects.filter(project_id__in=projects, active=True)
        for code, label, english in active.values_list("code", label_field(), "label_en"):
            reasons.setdefault(code, label or english)
        self.fields["flag"].choices = [
            ("", _("flagged or not")),
            (self.ANY_FLAG, _("any flag")),
            *reasons.items(),
        ]
        self.user, self.projects = user, projects

    def clean(self):
        """``case_managers``: the ids of the case managers whose files are asked for, or None
        for anyone's. A number from a link stands while the field still shows that person's
        name (and fills it in when the link gave none); a name typed instead names whoever
        is called so (``services.case_managers_named``: no one, perhaps)."""
        data = super().clean()
        number, typed = data.get("case_manager"), data.get("case_manager_name", "")
        data["case_managers"] = None
        if number:
            person = self._may_name(number)
            if person is None:
                self.add_error(
                    "case_manager_name", _("No case manager of your projects has this number.")
                )
                return data
            if "case_manager_name" not in self.data:  # a link: the field shows whom it names
                self.data = self.data.copy()
                self.data["case_manager_name"] = typed = str(person)
            if " ".join(typed.split()) == " ".join(str(person).split()):
                data["case_managers"] = [person.pk]
                return data
        if typed.strip():
            data["case_managers"] = case_managers_named(typed, *self.projects)
        return data

    def _may_name(self, number: int):
        """The user ``number`` if the filter may name them: a case manager of the projects,
        or one who left the team and still holds a file the user sees (the dashboard has a
        line for them); else None, whoever they are."""
        named = ("first_name", "last_name", "username")
        serving = eligible_case_managers(*self.projects).filter(pk=number).only(*named)
        serving = serving.order_by()[:1]  # one person: no order to ask for
        if serving:  # as almost always: one query
            return serving[0]
        holds = Family.objects.visible_to(self.user).filter(case_managers=number)
        return User.objects.filter(pk=number).only(*named).first() if holds.exists() else None


class ReassignForm(forms.Form):
    case_managers = CaseManagersField(
        label=_("Case managers"),
        help_text=_("One or two. Those you untick no longer see the file."),
    )
    note = LimitedCharField(label=_("Note (optional)"), max_length=200, required=False)

    def __init__(self, *args, family, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["case_managers"].of_project(family.project_id)
        self.fields["case_managers"].initial = list(family.case_managers.all())

    def clean_case_managers(self):
        value = self.cleaned_data["case_managers"]
        if len(value) > 2:
            raise forms.ValidationError(_("A family has at most two case managers."))
        return value


class CoverForm(forms.ModelForm):
    class Meta:
        model = Cover
        fields = ["user", "starts_on", "ends_on", "reason"]
        widgets = {"starts_on": DATE, "ends_on": DATE}
        help_texts = {"ends_on": _("The last day the colleague sees the file.")}

    def __init__(self, *args, family, **kwargs):
        super().__init__(*args, **kwargs)
        self.instance.family = family
        self.fields["user"].queryset = eligible_case_managers(family.project_id).exclude(
            pk__in=family.case_managers.values("pk")
        )
        self.fields["starts_on"].initial = today

    def clean(self):
        data = super().clean()
        starts, ends = data.get("starts_on"), data.get("ends_on")
        if ends and ends < today():
            self.add_error("ends_on", _("This date is in the past."))
        elif starts and ends and ends < starts:
            self.add_error("ends_on", _("The cover cannot end before it starts."))
        elif starts and ends and (ends - starts).days > 366:
            self.add_error("ends_on", _("Cover lasts a year at most; reassign the file instead."))
        return data


class FlagForm(forms.ModelForm):
    class Meta:
        model = Flag
        fields = ["reason", "note", "ends_on"]
        widgets = {
            "reason": forms.RadioSelect,
            "note": forms.Textarea(attrs={"rows": 3}),
            "ends_on": DATE,
        }
        help_texts = {"note": _("Seen by whoever may see the file; kept encrypted.")}

    def __init__(self, *args, family, **kwargs):
        super().__init__(*args, **kwargs)
        self.instance.family = family
        reasons = self.fields["reason"]
        reasons.queryset = family.project.flag_reasons.filter(active=True)
        reasons.label_from_instance = lambda reason: reason.label
        reasons.empty_label = None

    def clean_ends_on(self):
        ends_on = self.cleaned_data["ends_on"]
        if ends_on is not None and ends_on < today():
            raise forms.ValidationError(_("A flag cannot end before today."))
        return ends_on

    def clean_reason(self):
        reason = self.cleaned_data["reason"]
        if self.instance.family.flags.current().filter(reason=reason).exists():
            raise forms.ValidationError(_("The file is already flagged for this reason."))
        return reason


class RemoveFlagForm(forms.Form):
    why = LimitedCharField(
        label=_("Why is the flag removed?"),
        max_length=200,
        widget=forms.TextInput(attrs={"autocomplete": "off"}),
    )


class ApprovalNoteForm(forms.Form):
    note = LimitedCharField(
        label=_("Note for the coordinator (optional)"),
        max_length=NOTE,
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )


class ClosureRequestForm(CloseForm):
    """The closure's values, kept with the request until a coordinator approves it."""

    def __init__(self, *args, family, **kwargs):
        super().__init__(*args, family=family, transition=get_transition("close"), **kwargs)
        self.fields["reason"].label = _("Note for the coordinator (optional)")


class DecisionForm(forms.Form):
    decision = forms.ChoiceField(choices=Approval.Decision.choices)
    comment = LimitedCharField(
        label=_("Comment"),
        max_length=NOTE,
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("Needed when you return the request."),
    )
