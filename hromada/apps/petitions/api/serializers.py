"""Input and output serializers of the petitions API, apart."""

from __future__ import annotations

from drf_spectacular.utils import extend_schema_field, inline_serializer
from rest_framework import serializers

from hromada.apps.petitions.models import Petition, PetitionStatus


class PetitionErrorItem(serializers.Serializer):
    code = serializers.CharField(help_text="Stable error code, e.g. already_signed, identity_not_verified.")
    message = serializers.CharField(help_text="Explanation in the request's language.")
    field = serializers.CharField(allow_null=True)


# The shared error envelope {"errors": [...]} (a field named `errors` would clash with Serializer.errors).
PetitionErrors = inline_serializer(name="PetitionErrors", fields={"errors": PetitionErrorItem(many=True)})


STATUS_HELP = "One of: " + ", ".join(PetitionStatus.values) + "."


class PetitionListOutput(serializers.ModelSerializer):
    # A plain string (values listed) rather than an enum component, whose name would clash with
    # the `status` enums of other modules in the shared schema.
    status = serializers.CharField(help_text=STATUS_HELP)
    status_name = serializers.CharField(source="get_status_display")
    category = serializers.SerializerMethodField()
    author_name = serializers.CharField(source="author.full_name")
    url = serializers.CharField(source="get_absolute_url")

    class Meta:
        model = Petition
        fields = ["id", "title", "status", "status_name", "category", "author_name", "signature_count", "threshold",
                  "published_at", "collection_ends_at", "threshold_reached_at", "consideration_due_at",
                  "answered_at", "url"]

    def get_category(self, obj: Petition) -> str | None:
        return obj.category.name if obj.category else None


class DocumentOutput(serializers.Serializer):
    title = serializers.CharField()
    url = serializers.CharField()


class ResponseOutput(serializers.Serializer):
    decision = serializers.CharField()
    decision_name = serializers.CharField()
    text = serializers.CharField()
    published_at = serializers.DateTimeField()
    documents = DocumentOutput(many=True)


class PetitionDetailOutput(PetitionListOutput):
    response = serializers.SerializerMethodField()

    class Meta(PetitionListOutput.Meta):
        fields = [*PetitionListOutput.Meta.fields, "text", "rejection_reason", "appeal_reference", "response"]

    @extend_schema_field(ResponseOutput(allow_null=True))
    def get_response(self, obj: Petition) -> dict | None:
        response = getattr(obj, "response", None) if obj.answered_at else None
        if response is None:
            return None
        return ResponseOutput({
            "decision": response.decision, "decision_name": response.get_decision_display(), "text": response.text,
            "published_at": response.published_at,
            "documents": [{"title": d.title, "url": d.file.url} for d in obj.documents.all()],
        }).data


class SignInput(serializers.Serializer):
    notify_on_answer = serializers.BooleanField(default=True, help_text="E-mail me when the council answers.")


class SignatureOutput(serializers.Serializer):
    signed = serializers.BooleanField()
    count = serializers.IntegerField(help_text="The petition's signature count after this change.")
    status = serializers.CharField(help_text=STATUS_HELP)


class CountOutput(serializers.Serializer):
    id = serializers.IntegerField()
    count = serializers.IntegerField()
    threshold = serializers.IntegerField()
    status = serializers.CharField(help_text=STATUS_HELP)
    collection_ends_at = serializers.DateTimeField(allow_null=True)
    open = serializers.BooleanField(help_text="Signatures are accepted now.")
    as_of = serializers.DateTimeField(help_text="When the figure was read (it is cached for one second).")


class SignatoryOutput(serializers.Serializer):
    name = serializers.CharField()
    signed_at = serializers.DateTimeField()
