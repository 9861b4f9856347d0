from django.urls import path

from . import views

urlpatterns = [
    path(
        "community/discord/unlink/",
        views.discord_unlink,
        name="community-discord-unlink",
    ),
]
