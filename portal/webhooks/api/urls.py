from django.urls import re_path

from . import views

ID = r"[1-9][0-9]{0,17}"  # a positive id of at most 18 digits

urlpatterns = [
    re_path(r"^webhook-endpoints/?$", views.EndpointListView.as_view()),
    re_path(
        rf"^webhook-endpoints/(?P<endpoint_id>{ID})/?$",
        views.EndpointDetailView.as_view(),
    ),
    re_path(
        rf"^webhook-endpoints/(?P<endpoint_id>{ID})/deliveries/?$",
        views.DeliveryListView.as_view(),
    ),
]
