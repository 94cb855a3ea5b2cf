"""URLs of the episodes app (namespace ``episodes``): shows, the editor, the live show, the API."""

from django.urls import path

import showrunner.converters  # noqa: F401 - registers <id:...>

from . import api
from .views import after, editor, live, overlays, pages, screens, sheets, shows, transfer, upcoming

ITEM = "<str:kind>/<id:item_pk>"  # kind: segments, questions or news

app_name = "episodes"

urlpatterns = [
    path("", pages.home, name="home"),
    path("shows/new/", shows.new_show, name="new_show"),
    path("shows/<slug:slug>/", pages.show_detail, name="show_detail"),
    path("shows/<slug:slug>/settings/", shows.show_settings, name="show_settings"),
    path("shows/<slug:slug>/archive/", shows.archive_show, name="archive_show"),
    path("shows/<slug:slug>/team/", shows.show_team, name="show_team"),
    path("shows/<slug:slug>/team/invite/", shows.invite, name="invite"),
    path(
        "shows/<slug:slug>/team/invitations/<id:invitation_pk>/withdraw/",
        shows.withdraw_invitation,
        name="withdraw_invitation",
    ),
    path("shows/<slug:slug>/team/roles/<id:role_pk>/", shows.change_role, name="change_role"),
    path("shows/<slug:slug>/team/members/<id:user_pk>/add/", shows.add_role, name="add_role"),
    path(
        "shows/<slug:slug>/deleted/<id:episode_pk>/restore/",
        shows.restore_episode,
        name="restore_episode",
    ),
    path("invitations/<str:token>/", shows.accept_invitation, name="accept_invitation"),
    path("shows/<slug:slug>/new/", editor.new_episode, name="new_episode"),
    path("shows/<slug:slug>/template/", editor.edit_template, name="edit_template"),
    path("shows/<slug:slug>/import/", transfer.import_preview, name="import_preview"),
    path("shows/<slug:slug>/import/save/", transfer.import_save, name="import_save"),
    path("shows/<slug:slug>/import/sheet/", sheets.import_sheet, name="import_sheet"),
    path("shows/<slug:slug>/report/", after.show_report, name="show_report"),
    path("shows/<slug:slug>/report.csv", after.show_report_csv, name="show_report_csv"),
    path("shows/<slug:slug>/upcoming/", upcoming.upcoming, name="show_upcoming"),
    path("shows/<slug:slug>/upcoming.ics", upcoming.show_calendar, name="show_calendar"),
    path("episodes/<id:pk>/", pages.episode_runsheet, name="episode_runsheet"),
    path("episodes/<id:pk>/print/", pages.episode_print, name="episode_print"),
    path("episodes/<id:pk>/export.md", transfer.export_markdown, name="export_markdown"),
    path("episodes/<id:pk>/export.json", transfer.export_json, name="export_json"),
    path("episodes/<id:pk>/export.csv", sheets.export_csv, name="export_csv"),
    path("episodes/<id:pk>/export.xlsx", sheets.export_xlsx, name="export_xlsx"),
    path("episodes/<id:pk>/report/", after.episode_report, name="episode_report"),
    path("episodes/<id:pk>/report.csv", after.episode_report_csv, name="episode_report_csv"),
    path("episodes/<id:pk>/chapters/", after.episode_chapters, name="episode_chapters"),
    path("episodes/<id:pk>/recap/", after.episode_recap, name="episode_recap"),
    path("episodes/<id:pk>/duplicate/", editor.duplicate_episode, name="duplicate_episode"),
    path("episodes/<id:pk>/archive/", shows.archive_episode, name="archive_episode"),
    path("episodes/<id:pk>/delete/", shows.delete_episode, name="delete_episode"),
    # The editor
    path("episodes/<id:pk>/edit/", editor.editor, name="episode_editor"),
    path("episodes/<id:pk>/edit/revision/", editor.revision, name="editor_revision"),
    path("episodes/<id:pk>/edit/undo/", editor.undo, name="editor_undo"),
    path("episodes/<id:pk>/edit/header/", editor.edit_header, name="edit_header"),
    path("episodes/<id:pk>/edit/segments/add/", editor.add_segment, name="add_segment"),
    path(
        "episodes/<id:pk>/edit/segments/<id:segment_pk>/",
        editor.edit_segment,
        name="edit_segment",
    ),
    path(
        "episodes/<id:pk>/edit/segments/<id:segment_pk>/duplicate/",
        editor.duplicate_segment,
        name="duplicate_segment",
    ),
    path(
        "episodes/<id:pk>/edit/segments/<id:segment_pk>/questions/add/",
        editor.add_question,
        name="add_question",
    ),
    path(
        "episodes/<id:pk>/edit/questions/<id:question_pk>/",
        editor.edit_question,
        name="edit_question",
    ),
    path("episodes/<id:pk>/edit/news/add/", editor.add_news, name="add_news"),
    path("episodes/<id:pk>/edit/news/<id:news_pk>/", editor.edit_news, name="edit_news"),
    path("episodes/<id:pk>/edit/guests/search/", editor.search_speakers, name="search_speakers"),
    path("episodes/<id:pk>/edit/guests/add/", editor.add_guest, name="add_guest"),
    path(
        "episodes/<id:pk>/edit/guests/<id:appearance_pk>/",
        editor.edit_appearance,
        name="edit_appearance",
    ),
    path(
        "episodes/<id:pk>/edit/guests/<id:appearance_pk>/contact/",
        editor.edit_contact,
        name="edit_contact",
    ),
    path(
        "episodes/<id:pk>/edit/guests/<id:appearance_pk>/link/",
        editor.guest_link,
        name="guest_link",
    ),
    path(
        "episodes/<id:pk>/edit/guests/<id:appearance_pk>/remove/",
        editor.remove_guest,
        name="remove_guest",
    ),
    path(f"episodes/<id:pk>/edit/{ITEM}/delete/", editor.delete_item, name="delete_item"),
    # Stream graphics (OBS browser sources): keyed addresses, no login
    path("overlays/<slug:slug>/state/", overlays.overlay_state, name="overlay_state"),
    path("overlays/<slug:slug>/looks.css", overlays.overlay_looks_css, name="overlay_looks_css"),
    path("overlays/<slug:slug>/<str:page>/", overlays.overlay_page, name="overlay_page"),
    path("shows/<slug:slug>/overlay-key/", overlays.new_overlay_key, name="new_overlay_key"),
    path("shows/<slug:slug>/overlay-looks/", shows.overlay_looks, name="overlay_looks"),
    path("episodes/<id:pk>/live/graphics-state/", overlays.caller_graphics, name="live_graphics"),
    # The live show
    path("episodes/<id:pk>/live/caller/", live.caller, name="live_caller"),
    path("episodes/<id:pk>/live/host/", live.host, name="live_host"),
    path("episodes/<id:pk>/live/state/", live.state, name="live_state"),
    path("episodes/<id:pk>/live/rehearsal/", live.rehearsal, name="live_rehearsal"),
    path("episodes/<id:pk>/live/read/", live.message_read, name="live_message_read"),
    path(
        "episodes/<id:pk>/live/questions/<id:question_pk>/",
        live.question_status,
        name="live_question",
    ),
    # The studio clock and the screens open on the episode (views/screens.py)
    path("episodes/<id:pk>/live/studio/", screens.studio, name="live_studio"),
    path("episodes/<id:pk>/screens/", screens.listing, name="live_screens"),
    path("episodes/<id:pk>/screens/heartbeat/", screens.heartbeat, name="live_screen_heartbeat"),
    path("episodes/<id:pk>/screens/<id:screen_pk>/name/", screens.rename, name="live_screen_name"),
    path(
        "episodes/<id:pk>/screens/<id:screen_pk>/command/",
        screens.command,
        name="live_screen_command",
    ),
    path("episodes/<id:pk>/live/<str:action>/", live.command, name="live_command"),
    # The HTTP API (docs/api.md)
    path("api/episodes/", api.episodes, name="api_episodes"),
    path("api/episodes/<id:pk>/live", api.live_state, name="api_live_state"),
    path("api/episodes/<id:pk>/live/<str:action>", api.live_command, name="api_live_command"),
    path(f"episodes/<id:pk>/edit/{ITEM}/move/", editor.move_item, name="move_item"),
]
