from __future__ import annotations

from typing import Any

from rest_framework import serializers

from hromada.apps.appeals.models import PUBLIC_ANSWER_MAX, TEXT_MAX, Appeal, AppealEvent, AppealType
from hromada.core.text import PlainTextInput


class AppealInput(serializers.Serializer):
    type = serializers.ChoiceField(choices=AppealType.choices, default=AppealType.APPLICATION)
    category = serializers.CharField(required=False, allow_blank=True, help_text="Category id or code.")
    text = PlainTextInput(max_length=TEXT_MAX)
    address = PlainTextInput(max_length=300, single_line=True,
                             help_text="The author's place of residence (not public).")
    location_text = PlainTextInput(max_length=300, required=False, allow_blank=True, single_line=True)
    latitude = serializers.FloatField(required=False, allow_null=True)
    longitude = serializers.FloatField(required=False, allow_null=True)
    description_public = serializers.BooleanField(
        default=False, help_text="The author agrees that `text` is published with the problem (the map, open data, "
                                 "Open311) when its category is public. Default false: the text is not published.")


class ActionInput(serializers.Serializer):
    action = serializers.ChoiceField(choices=["route", "take", "forward", "extend", "answer", "close", "return",
                                              "not_consider", "request_details"])
    department = serializers.IntegerField(required=False)
    reason = PlainTextInput(required=False, allow_blank=True, max_length=2000)
    answer = PlainTextInput(required=False, allow_blank=True, max_length=20000,
                            help_text="`answer`: the letter to the resident; never published.")
    public_answer = PlainTextInput(
        required=False, allow_blank=True, max_length=PUBLIC_ANSWER_MAX,
        help_text="`answer`: the public summary, published with the problem apart from the letter (no names, "
                  "addresses or phone numbers).")
    until = serializers.DateField(required=False)


class RateInput(serializers.Serializer):
    rating = serializers.IntegerField(min_value=1, max_value=5)
    comment = PlainTextInput(required=False, allow_blank=True, max_length=2000)


class EventOutput(serializers.ModelSerializer):
    class Meta:
        model = AppealEvent
        fields = ["at", "kind", "actor_role", "from_status", "to_status", "note"]


class AppealOutput(serializers.ModelSerializer):
    category: Any = serializers.SlugRelatedField(slug_field="code", read_only=True, allow_null=True)
    department: Any = serializers.PrimaryKeyRelatedField(read_only=True, allow_null=True)

    class Meta:
        model = Appeal
        fields = ["id", "number", "type", "channel", "status", "category", "department", "text",
                  "description_public", "location_text", "latitude", "longitude", "registered_at", "due_date",
                  "answer_text", "public_answer", "answered_at", "rating"]


class AppealDetailOutput(AppealOutput):
    events = EventOutput(many=True, read_only=True)

    class Meta(AppealOutput.Meta):
        fields = [*AppealOutput.Meta.fields, "events"]


class ErrorItem(serializers.Serializer):
    code = serializers.CharField()
    message = serializers.CharField()
    field = serializers.CharField(allow_null=True)


class AppealErrors(serializers.Serializer):
    errors = ErrorItem(many=True)  # type: ignore[assignment]
