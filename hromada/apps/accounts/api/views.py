from typing import Any, cast

from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import permissions, serializers
from rest_framework.authtoken.serializers import AuthTokenSerializer
from rest_framework.authtoken.views import ObtainAuthToken
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from hromada.apps.accounts import actions, limits
from hromada.apps.accounts.models import StaffRole, User
from hromada.core.ratelimit import RateLimited


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


class TokenOutput(serializers.Serializer):
    token = serializers.CharField()


class TokenErrorItem(serializers.Serializer):
    code = serializers.CharField()
    message = serializers.CharField()
    field = serializers.CharField(allow_null=True)


class TokenErrors(serializers.Serializer):
    """The platform's error envelope (hromada.core.api.errors)."""

    errors = TokenErrorItem(many=True)  # type: ignore[assignment]  # the envelope's key; shadows Serializer.errors


class ObtainToken(ObtainAuthToken):
    """Exchange e-mail (as `username`) and password for an API token.

    The token works for `API_TOKEN_TTL_DAYS` days from when it was issued; an expired one is replaced.
    Wrong passwords are limited per account and per address, as on the web (`rate_limited`, 429)."""

    @extend_schema(request=AuthTokenSerializer, responses={
        200: TokenOutput, 400: OpenApiResponse(TokenErrors, description="Wrong e-mail or password."),
        429: OpenApiResponse(TokenErrors, description="`rate_limited`: too many wrong passwords."),
    })
    def post(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        data = request.data
        email = data.get("username", "") if hasattr(data, "get") else ""
        if limits.sign_in_refused(request, email):
            raise RateLimited(limits.sign_in_message())
        serializer = self.get_serializer(data=data)
        serializer.is_valid(raise_exception=True)
        token = actions.api_token_issue(user=serializer.validated_data["user"])
        return Response({"token": token.key})
