from drf_spectacular.utils import extend_schema
from rest_framework import generics, serializers
from rest_framework.response import Response
from rest_framework.views import APIView

from hromada.apps.communities.models import Department, District
from hromada.core.http import ApiRequest


class CommunityOutput(serializers.Serializer):
    slug = serializers.CharField()
    name_uk = serializers.CharField()
    name_en = serializers.CharField()
    kind = serializers.CharField()
    edrpou = serializers.CharField()
    email = serializers.CharField(help_text="E-mail address; empty when the community has none.")
    phone = serializers.CharField()
    address = serializers.CharField()
    website = serializers.CharField()
    petition_threshold = serializers.IntegerField()
    petition_period_days = serializers.IntegerField()
    budget_max_votes = serializers.IntegerField()
    martial_law_mode = serializers.BooleanField()


class CommunityDetail(APIView):
    """The community this API belongs to, with its public policy settings."""

    permission_classes: list = []

    @extend_schema(responses=CommunityOutput)
    def get(self, request: ApiRequest) -> Response:
        return Response(CommunityOutput(request.community).data)


class DistrictOutput(serializers.ModelSerializer):
    class Meta:
        model = District
        fields = ["id", "name_uk", "name_en", "code", "boundary"]


class DistrictList(generics.ListAPIView):
    """Districts with their GeoJSON boundaries."""

    serializer_class = DistrictOutput
    permission_classes: list = []

    def get_queryset(self):
        return District.objects.order_by("name_uk")


class DepartmentOutput(serializers.ModelSerializer):
    email = serializers.CharField(read_only=True, help_text="E-mail address; empty when the department has none.")

    class Meta:
        model = Department
        fields = ["id", "name_uk", "name_en", "code", "email", "phone"]


class DepartmentList(generics.ListAPIView):
    """Departments of the council's executive bodies."""

    serializer_class = DepartmentOutput
    permission_classes: list = []

    def get_queryset(self):
        return Department.objects.order_by("name_uk")
