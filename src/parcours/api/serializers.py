"""The shapes of the API's bodies, for the answers and for the OpenAPI document. Input bodies are
checked for their types here and for everything else by the same Django forms and services as
the pages (``views``): the rules are written once."""

from rest_framework import serializers

from parcours.api.models import Scope
from parcours.cases.choices import (
    FamilyStatus,
    PersonRole,
    ReferralRoute,
    Sex,
    StatusAtEntry,
)
from parcours.casework.choices import AccompanimentTo, ActionActor, ActionStatus, ContactKind
from parcours.instruments.models import InstrumentCode
from parcours.notify.webhooks import EventType


class _JsonTyped:
    """DRF turns 0 into "0" and "true" into True; a JSON API says what type it takes and
    refuses others, so a client's mistake is named instead of stored."""

    json_types: tuple = ()

    def to_internal_value(self, data):
        if not isinstance(data, self.json_types) or (
            isinstance(data, bool) and bool not in self.json_types
        ):
            self.fail("wrong_type")
        return super().to_internal_value(data)


_WRONG = {"wrong_type": "Not the type this field takes."}


class Text(_JsonTyped, serializers.CharField):
    json_types = (str,)
    default_error_messages = _WRONG


class Slug(_JsonTyped, serializers.SlugField):
    json_types = (str,)
    default_error_messages = _WRONG


class Flag(_JsonTyped, serializers.BooleanField):
    json_types = (bool,)
    default_error_messages = _WRONG


class Number(_JsonTyped, serializers.IntegerField):
    json_types = (int,)
    default_error_messages = _WRONG


class Id(_JsonTyped, serializers.UUIDField):
    json_types = (str,)
    default_error_messages = _WRONG


class Choice(_JsonTyped, serializers.ChoiceField):
    json_types = (str,)
    default_error_messages = _WRONG


class Day(_JsonTyped, serializers.DateField):
    json_types = (str,)
    default_error_messages = _WRONG


class Link(_JsonTyped, serializers.URLField):
    json_types = (str,)
    default_error_messages = _WRONG


class ProblemErrorSerializer(serializers.Serializer):
    field = serializers.CharField(help_text="The wrong field, as the request named it.")
    detail = serializers.CharField()


class ProblemSerializer(serializers.Serializer):
    """RFC 9457 problem details."""

    type = serializers.CharField()
    title = serializers.CharField()
    status = serializers.IntegerField()
    detail = serializers.CharField()
    errors = ProblemErrorSerializer(many=True, required=False)


class ProjectSerializer(serializers.Serializer):
    slug = serializers.CharField()
    name = serializers.CharField()
    role = serializers.CharField(help_text="The token owner's role in the project.")


class CaseManagerSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    username = serializers.CharField()


class FamilyListSerializer(serializers.Serializer):
    id = serializers.UUIDField()
    project = serializers.CharField(source="project.slug")
    case_number = serializers.CharField()
    status = serializers.ChoiceField(choices=FamilyStatus.choices)
    referred_on = serializers.DateField()
    admitted_on = serializers.DateField(allow_null=True)
    closed_on = serializers.DateField(allow_null=True)
    updated_at = serializers.DateTimeField()
    version = serializers.IntegerField()


class MemberSerializer(serializers.Serializer):
    id = Id(read_only=True)
    role = Choice(choices=PersonRole.choices)
    given_name = Text(max_length=100)
    family_name = Text(max_length=100)
    birth_date = Text(
        allow_null=True, required=False, help_text="YYYY-MM-DD, or the year alone as YYYY."
    )
    sex = Choice(choices=Sex.choices, required=False)
    nationality = Text(
        max_length=2, allow_blank=True, required=False, help_text="ISO 3166 alpha-2."
    )
    country_of_birth = Text(max_length=2, allow_blank=True, required=False)
    minority = Text(max_length=100, allow_blank=True, required=False)
    arrival_date = Day(allow_null=True, required=False)


class FamilySerializer(FamilyListSerializer):
    previous_referral = serializers.UUIDField(source="previous_referral_id", allow_null=True)
    case_managers = CaseManagerSerializer(many=True)
    referral_route = serializers.CharField()
    resolution = serializers.CharField()
    languages = serializers.CharField()
    interpreter_needed = serializers.BooleanField()
    address = serializers.CharField()
    phone = serializers.CharField()
    email = serializers.CharField()
    status_at_entry = serializers.CharField()
    procedure_status = serializers.CharField()
    members = MemberSerializer(many=True, source="household")


class ReferralSerializer(serializers.Serializer):
    """A referral from another system: the referral page's fields and the household."""

    project = Slug(help_text="The project's short name.")
    referred_on = Day()
    referral_route = Choice(choices=ReferralRoute.choices)
    referring_organisation = Text(max_length=200, allow_blank=True, required=False)
    referrer_name = Text(max_length=200, allow_blank=True, required=False)
    referrer_contact = Text(max_length=200, allow_blank=True, required=False)
    referral_notes = Text(max_length=4000, allow_blank=True, required=False)
    languages = Text(max_length=200, allow_blank=True, required=False)
    interpreter_needed = Flag(required=False, default=False)
    address = Text(max_length=500, allow_blank=True, required=False)
    phone = Text(max_length=40, allow_blank=True, required=False)
    status_at_entry = Choice(choices=StatusAtEntry.choices, allow_blank=True, required=False)
    members = MemberSerializer(many=True, allow_empty=False, max_length=30)


class ReferralCreatedSerializer(FamilyListSerializer):
    possible_earlier_files = serializers.IntegerField(
        help_text="Earlier files of the project this family may be (settled on the family page)."
    )


class ContactSerializer(serializers.Serializer):
    id = Id(read_only=True)
    kind = Choice(choices=ContactKind.choices)
    accompanied_to = Choice(choices=AccompanimentTo.choices, allow_blank=True, required=False)
    on = Day()
    minutes = Number(allow_null=True, required=False, min_value=1)
    present = serializers.ListField(
        child=Id(), required=False, help_text="Ids of the members present."
    )
    interpreter = Flag(required=False, default=False)
    note = Text(max_length=4000, allow_blank=True, required=False)
    created_at = serializers.DateTimeField(read_only=True)


class ActionSerializer(serializers.Serializer):
    id = serializers.UUIDField(read_only=True)
    family = serializers.UUIDField(source="family_id", read_only=True)
    description = serializers.CharField(max_length=1000)
    actor = serializers.ChoiceField(choices=ActionActor.choices)
    concerns = serializers.UUIDField(source="concerns_id", allow_null=True, required=False)
    due_on = serializers.DateField(allow_null=True, required=False)
    status = serializers.ChoiceField(choices=ActionStatus.choices)
    outcome = serializers.CharField(max_length=4000, allow_blank=True, required=False)
    completed_on = serializers.DateField(allow_null=True, read_only=True)
    version = serializers.IntegerField(read_only=True)


class ActionPatchSerializer(serializers.Serializer):
    """The fields to change; the others keep their value."""

    description = Text(max_length=1000, required=False)
    actor = Choice(choices=ActionActor.choices, required=False)
    concerns = Id(allow_null=True, required=False)
    due_on = Day(allow_null=True, required=False)
    status = Choice(choices=ActionStatus.choices, required=False)
    outcome = Text(max_length=4000, allow_blank=True, required=False)


class AnswerSerializer(serializers.Serializer):
    code = serializers.CharField()
    value = serializers.JSONField(help_text="A code, a number, a date, text, or a list of codes.")
    label = serializers.JSONField(help_text="The label of the chosen choice(s), if coded.")


class SheetSerializer(serializers.Serializer):
    id = serializers.UUIDField()
    instrument = serializers.ChoiceField(choices=InstrumentCode.choices)
    version = serializers.CharField()
    family = serializers.UUIDField(allow_null=True, help_text="Null for a pseudonymised sheet.")
    case_number = serializers.CharField(allow_blank=True)
    pseudonym = serializers.CharField()
    instance_id = serializers.CharField(allow_blank=True)
    submitted_at = serializers.DateTimeField()
    answers = AnswerSerializer(many=True)


class SheetSubmitSerializer(serializers.Serializer):
    instrument = Choice(choices=InstrumentCode.choices)
    version = Text(required=False, help_text="The form version; the one in use when left out.")
    family = Id(required=False, help_text="The family's id; or give both:")
    project = Slug(required=False, help_text="The project's short name…")
    case_number = Text(required=False, max_length=32, help_text="…and the file's case number.")
    instance_id = Text(
        max_length=80, help_text="A unique id of this sheet (uuid:…): a resend stores nothing."
    )
    answers = serializers.DictField(
        child=serializers.JSONField(), help_text="Answers by question code."
    )

    def validate(self, data):
        if "family" not in data and not ("project" in data and "case_number" in data):
            raise serializers.ValidationError(
                {"family": "Give the family's id, or the project and the case number."}
            )
        return data


class SheetStoredSerializer(serializers.Serializer):
    id = serializers.UUIDField()
    instance_id = serializers.CharField()
    created = serializers.BooleanField(help_text="False when this sheet was here already.")


class WebhookSerializer(serializers.Serializer):
    id = Id(read_only=True)
    project = Slug()
    url = Link(max_length=500)
    events = serializers.ListField(child=Choice(choices=EventType.choices), allow_empty=False)
    deadline_days = Number(
        min_value=1,
        max_value=90,
        required=False,
        default=7,
        help_text="For deadline.approaching: how many days ahead.",
    )
    active = Flag(read_only=True)
    paused_at = serializers.DateTimeField(read_only=True, allow_null=True)
    created_at = serializers.DateTimeField(read_only=True)


class WebhookCreatedSerializer(WebhookSerializer):
    secret = serializers.CharField(help_text="whsec_…: shown once, keep it to verify signatures.")


def page_of(item, name: str):
    """A cursor page of ``item``: what the list endpoints answer."""
    return type(
        name,
        (serializers.Serializer,),
        {
            "next": serializers.URLField(allow_null=True, help_text="The next page, or null."),
            "previous": serializers.URLField(allow_null=True),
            "results": item(many=True),
            "__doc__": f"A page of {item.__name__.removesuffix('Serializer')}s.",
        },
    )


class ScopesSerializer(serializers.Serializer):
    scopes = serializers.ListField(child=serializers.ChoiceField(choices=Scope.choices))
