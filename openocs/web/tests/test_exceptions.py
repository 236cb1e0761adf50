"""Missing credentials: 401 with a challenge by default, the reference 403 when configured."""

import pytest
from django.test import override_settings
from rest_framework.permissions import IsAuthenticated
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.test import APIRequestFactory
from rest_framework.views import APIView


class ProtectedView(APIView):
    permission_classes = [IsAuthenticated]

    def get(self, request: Request) -> Response:
        return Response({"ok": True})


@pytest.mark.django_db
def test_missing_credentials_get_401_with_a_token_challenge() -> None:
    response = ProtectedView.as_view()(APIRequestFactory().get("/x/"))
    assert response.status_code == 401
    assert response["WWW-Authenticate"] == "Token"
    assert response.data == {"detail": "Authentication credentials were not provided."}


@pytest.mark.django_db
def test_an_invalid_token_gets_401_invalid_token() -> None:
    request = APIRequestFactory().get("/x/", HTTP_AUTHORIZATION="Token nope")
    response = ProtectedView.as_view()(request)
    assert response.status_code == 401
    assert response.data == {"detail": "Invalid token."}


@pytest.mark.django_db
def test_token_keyword_is_case_insensitive() -> None:
    from django.contrib.auth.models import User
    from rest_framework.authtoken.models import Token

    token = Token.objects.create(user=User.objects.create_user("ann"))
    request = APIRequestFactory().get("/x/", HTTP_AUTHORIZATION=f"token {token.key}")
    assert ProtectedView.as_view()(request).status_code == 200


@pytest.mark.django_db
@override_settings(OCS_UNAUTHENTICATED_STATUS=403)
def test_reference_status_403_can_be_restored() -> None:
    response = ProtectedView.as_view()(APIRequestFactory().get("/x/"))
    assert response.status_code == 403
    assert "WWW-Authenticate" not in response
    assert response.data == {"detail": "Authentication credentials were not provided."}


def test_errors_of_list_items_are_a_list_with_empty_objects_for_valid_items() -> None:
    from rest_framework import serializers

    from openocs.web.exceptions import compatible_errors

    class Item(serializers.Serializer[dict[str, int]]):
        count = serializers.IntegerField(min_value=1)

    class Body(serializers.Serializer[dict[str, object]]):
        items = Item(many=True)

    body = Body(data={"items": [{"count": 1}, {"count": 0}, {"count": 2}, {"count": "x"}]})
    assert not body.is_valid()
    assert compatible_errors(body.errors) == {
        "items": [
            {},
            {"count": ["Ensure this value is greater than or equal to 1."]},
            {},
            {"count": ["A valid integer is required."]},
        ]
    }


def test_list_errors_keep_one_entry_per_input_item() -> None:
    from openocs.web.exceptions import compatible_errors

    detail = {"configurations": {0: {"non_field_errors": ["bad"]}}}
    data = {"configurations": [{"type": "BIAS"}, {"type": "EXPOSE"}]}
    assert compatible_errors(detail, data) == {
        "configurations": [{"non_field_errors": ["bad"]}, {}]
    }
    assert compatible_errors(detail) == {"configurations": [{"non_field_errors": ["bad"]}]}
