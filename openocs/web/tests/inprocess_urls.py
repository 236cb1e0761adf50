"""A tiny URLconf for the in-process transport tests."""

from __future__ import annotations

from django.contrib.auth import get_user_model
from django.http import Http404, HttpRequest, JsonResponse
from django.urls import path
from rest_framework.permissions import IsAuthenticated
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView


class WhoAmI(APIView):
    permission_classes = [IsAuthenticated]

    def get(self, request: Request) -> Response:
        return Response({"username": request.user.get_username()})


class Users(APIView):
    permission_classes: list[type] = []

    def get(self, request: Request) -> Response:
        names = list(
            get_user_model().objects.order_by("username").values_list("username", flat=True)
        )
        return Response({"usernames": names, "query": request.query_params.getlist("q")})

    def post(self, request: Request) -> Response:
        data: dict[str, str] = dict(request.data)
        user = get_user_model().objects.create_user(username=data["username"])
        return Response({"id": user.pk, "host": request.get_host()}, status=201)


def echo(request: HttpRequest, name: str, number: int) -> JsonResponse:
    return JsonResponse({"name": name, "number": number, "method": request.method})


def missing(request: HttpRequest) -> JsonResponse:
    raise Http404("nothing here")


urlpatterns = [
    path("svc/whoami/", WhoAmI.as_view()),
    path("svc/users/", Users.as_view()),
    path("svc/missing/", missing),
    path("svc/echo/<str:name>/<int:number>/", echo),
]
