"""Endpoints that exist only in tests, to drive every error class through the real
renderer, exception handler and pagination. Mounted in front of the real URLs."""

from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.http import Http404
from django.urls import include, re_path
from drf_spectacular.utils import extend_schema
from rest_framework import generics, serializers
from rest_framework.permissions import AllowAny, IsAuthenticated
from rest_framework.response import Response
from rest_framework.views import APIView

from portal.errors import DomainError
from portal.urls import urlpatterns as portal_urlpatterns


class EchoInput(serializers.Serializer):
    name = serializers.CharField(max_length=10)
    count = serializers.IntegerField(min_value=0, max_value=1000)
    level = serializers.ChoiceField(choices=["beginner", "expert"], required=False)


class EchoView(APIView):
    permission_classes = [AllowAny]
    authentication_classes: list = []

    @extend_schema(request=EchoInput, responses={201: EchoInput})
    def post(self, request, *args, **kwargs):
        data = EchoInput(data=request.data)
        data.is_valid(raise_exception=True)
        return Response(data.validated_data, status=201)


class UserOutput(serializers.Serializer):
    id = serializers.IntegerField()
    email = serializers.EmailField()


class UserListView(generics.ListAPIView):
    permission_classes = [AllowAny]
    authentication_classes: list = []
    serializer_class = UserOutput

    def get_queryset(self):
        return get_user_model().objects.order_by("id")


class PrivateView(APIView):
    permission_classes = [IsAuthenticated]

    def get(self, request, *args, **kwargs):
        return Response({"user": request.user.pk})


class ForbiddenView(APIView):
    permission_classes = [AllowAny]

    def get(self, request, *args, **kwargs):
        raise DjangoPermissionDenied("secret reason")


class MissingView(APIView):
    permission_classes = [AllowAny]

    def get(self, request, *args, **kwargs):
        raise Http404("no such thing")


class DomainErrorView(APIView):
    permission_classes = [AllowAny]

    def post(self, request, *args, **kwargs):
        raise DomainError("The course is full.", code="COURSE_FULL")


class BoomView(APIView):
    permission_classes = [AllowAny]

    def get(self, request, *args, **kwargs):
        raise RuntimeError("SELECT password FROM secrets -- internal detail")


def plain_django_boom(request, *args, **kwargs):
    raise RuntimeError("outside DRF: internal detail")


test_api = [
    re_path(r"^echo/?$", EchoView.as_view()),
    re_path(r"^users/?$", UserListView.as_view()),
    re_path(r"^private/?$", PrivateView.as_view()),
    re_path(r"^forbidden/?$", ForbiddenView.as_view()),
    re_path(r"^missing/?$", MissingView.as_view()),
    re_path(r"^conflict/?$", DomainErrorView.as_view()),
    re_path(r"^boom/?$", BoomView.as_view()),
    re_path(r"^plain-boom/?$", plain_django_boom),
]

urlpatterns = [
    re_path(r"^api/(?P<version>v1)/_test/", include(test_api)),
    *portal_urlpatterns,
]
handler400 = "portal.api.views.bad_request"
handler403 = "portal.api.views.permission_denied"
handler404 = "portal.api.views.page_not_found"
handler500 = "portal.api.views.server_error"
