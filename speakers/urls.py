"""URLs of the speakers app (namespace ``speakers``): the guest portal behind private links."""

from django.urls import path

import showrunner.converters  # noqa: F401 - registers <id:...>

from . import lost_link, views

app_name = "speakers"

urlpatterns = [
    path("guest/lost-link/", lost_link.lost_link, name="guest_lost_link"),
    path("guest/<str:token>/", views.portal, name="guest_portal"),
    path("guest/<str:token>/calendar.ics", views.feed, name="guest_feed"),
    path("guest/<str:token>/profile/", views.profile, name="guest_profile"),
    path("guest/<str:token>/time-zone/", views.set_time_zone, name="guest_time_zone"),
    path("guest/<str:token>/episodes/<id:pk>/", views.episode, name="guest_episode"),
    path(
        "guest/<str:token>/episodes/<id:pk>/calendar.ics",
        views.episode_calendar,
        name="guest_episode_calendar",
    ),
    path("guest/<str:token>/episodes/<id:pk>/live/", views.live_state, name="guest_live_state"),
    path("guest/<str:token>/episodes/<id:pk>/live/read/", views.live_read, name="guest_live_read"),
    path(
        "guest/<str:token>/episodes/<id:pk>/live/screen/",
        views.live_screen,
        name="guest_live_screen",
    ),
]
