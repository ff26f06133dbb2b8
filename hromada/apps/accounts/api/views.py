from typing import cast

from drf_spectacular.utils import extend_schema
from rest_framework import permissions, serializers
from rest_framework.authtoken.views import ObtainAuthToken
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from hromada.apps.accounts.models import StaffRole, User


class MeOutput(serializers.Serializer):
    id = serializers.IntegerField()
    email = serializers.EmailField()
    full_name = serializers.CharField()
    identity_level = serializers.IntegerField()
    identity_level_name = serializers.CharField()
    roles = serializers.ListField(child=serializers.CharField())


class Me(APIView):
    """The signed-in person and their staff roles in this community."""

    permission_classes = [permissions.IsAuthenticated]

    @extend_schema(responses=MeOutput)
    def get(self, request: Request) -> Response:
        user = cast(User, request.user)  # IsAuthenticated ran first
        roles = sorted(set(StaffRole.objects.filter(user=user).values_list("role", flat=True)))
        data = {
            "id": user.pk, "email": user.email, "full_name": user.full_name,
            "identity_level": user.identity_level,
            "identity_level_name": user.get_identity_level_display(), "roles": roles,
        }
        return Response(MeOutput(data).data)


class ObtainToken(ObtainAuthToken):
    """Exchange e-mail (as `username`) and password for an API token."""
