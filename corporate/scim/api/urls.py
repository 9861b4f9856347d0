"""Mounted at /scim/v2/ by portal/urls.py; every path with or without a trailing
slash."""

from django.urls import re_path

from . import views

app_name = "scim"

_ID = r"(?P<scim_id>[^/]+)"

urlpatterns = [
    re_path(r"^Users/?$", views.UsersView.as_view(), name="users"),
    re_path(r"^Users/\.search/?$", views.UsersSearchView.as_view()),
    re_path(rf"^Users/{_ID}/?$", views.UserView.as_view(), name="user"),
    re_path(r"^Groups/?$", views.GroupsView.as_view(), name="groups"),
    re_path(r"^Groups/\.search/?$", views.GroupsSearchView.as_view()),
    re_path(rf"^Groups/{_ID}/?$", views.GroupView.as_view(), name="group"),
    re_path(
        r"^ServiceProviderConfig/?$",
        views.ServiceProviderConfigView.as_view(),
        name="service-provider-config",
    ),
    re_path(
        r"^ResourceTypes/?$", views.ResourceTypesView.as_view(), name="resource-types"
    ),
    re_path(
        r"^ResourceTypes/(?P<name>[^/]+)/?$",
        views.ResourceTypesView.as_view(),
        name="resource-type",
    ),
    re_path(r"^Schemas/?$", views.SchemasView.as_view(), name="schemas"),
    re_path(
        r"^Schemas/(?P<schema_id>[^/]+)/?$", views.SchemasView.as_view(), name="schema"
    ),
    re_path(r"^\.search/?$", views.RootSearchView.as_view()),
    re_path(r"", views.UnknownView.as_view()),
]
