from django.urls import path

from .views import unsubscribe_view

app_name = "notifications"

urlpatterns = [
    path("unsubscribe/<str:token>/", unsubscribe_view, name="unsubscribe"),
]
