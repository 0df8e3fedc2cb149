"""No lost updates: every edited record carries a version; a save over a newer one is refused.

An edit form carries, in a hidden field, the version the person read. If someone else saved
in between, the form does not save: it shows both versions side by side, keeps what the person
typed, and takes the newer version, so saving again is a choice made with both in view. The
model checks once more inside the save (under a row lock), for two saves in the same instant.
"""

from django import forms
from django.db import models, transaction
from django.db.models import F
from django.utils.translation import gettext_lazy as _


class StaleEdit(Exception):
    """The record was saved by someone else after this edit began."""


class Versioned(models.Model):
    version = models.PositiveIntegerField(default=1, editable=False)

    class Meta:
        abstract = True

    def save(self, *args, **kwargs):
        if self._state.adding:
            return super().save(*args, **kwargs)
        update_fields = kwargs.get("update_fields")
        if update_fields is not None:
            kwargs["update_fields"] = {*update_fields, "version"}
        expected = self.__dict__.pop("read_version", None)
        if expected is None:  # not an edit form: count the change without a check
            self.version = F("version") + 1
            saved = super().save(*args, **kwargs)
            del self.__dict__["version"]  # read again from the database when next asked
            return saved
        with transaction.atomic():
            current = (
                type(self)
                ._base_manager.select_for_update()
                .filter(pk=self.pk)
                .values_list("version", flat=True)
                .first()
            )
            if current is not None and current != expected:
                raise StaleEdit(self)
            self.version = expected + 1
            return super().save(*args, **kwargs)


class VersionedForm(forms.ModelForm):
    """A ModelForm for a ``Versioned`` model that refuses to save over a newer version."""

    version = forms.IntegerField(widget=forms.HiddenInput, required=False)

    conflict_message = _(
        "Someone else saved this while you were editing it. Their version and yours are "
        "side by side below; what you typed is still in the form. Save again to keep yours."
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.conflict: list[dict] = []
        self.editing = not self.instance._state.adding
        if self.editing:
            self.fields["version"].initial = self.instance.version

    def clean(self):
        data = super().clean()
        read = data.get("version")
        if self.editing and read is not None and read != self.instance.version:
            self.conflict = self._differences()
            # The next save is made knowing the newer version.
            self.data = self.data.copy()
            self.data[self.add_prefix("version")] = self.instance.version
            raise forms.ValidationError(self.conflict_message, code="conflict")
        return data

    def _post_clean(self):
        super()._post_clean()
        if self.editing and self.cleaned_data.get("version") is not None:
            self.instance.read_version = self.cleaned_data["version"]

    def _differences(self) -> list[dict]:
        """(label, saved, typed) of each field where what was typed differs from what is saved."""
        rows = []
        for name, field in self.fields.items():
            if name == "version" or name not in self.cleaned_data:
                continue
            saved = _display(field, self.initial.get(name))
            typed = _display(field, self.cleaned_data[name])
            if saved != typed:
                rows.append({"label": field.label, "saved": saved, "typed": typed})
        return rows


def _display(field, value) -> str:
    """A value as the person reads it: choice labels, not codes."""
    if value in (None, "", []):
        return "—"
    if isinstance(value, bool):
        return str(_("yes") if value else _("no"))
    if isinstance(value, list | tuple | set | models.QuerySet):
        return ", ".join(_display(field, v) for v in value)
    key = value.pk if isinstance(value, models.Model) else value
    choices = dict(getattr(field, "choices", None) or [])
    label = choices.get(key, choices.get(str(key)))
    return str(label if label is not None else value)


class StaleEditMiddleware:
    """Two saves of one record in the same instant: the second is answered with what it sent,
    so nothing typed is lost (the form's own check catches every slower case)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_exception(self, request, exception):
        if not isinstance(exception, StaleEdit):
            return None
        from django.shortcuts import render

        sent = [
            value
            for key, values in request.POST.lists()
            if key not in ("csrfmiddlewaretoken", "version")
            for value in values
            if value.strip()
        ]
        return render(request, "stale_edit.html", {"sent": sent}, status=409)
