from django.urls import path

from tether.peers import views_groups, views_home, views_member, views_moderation, views_staff

urlpatterns = [
    # The patient's own (/me/peers/...)
    path("me/peers/", views_member.my_groups, name="my_groups"),
    path("me/peers/experience/", views_member.my_experience, name="my_experience"),
    path("me/peers/suggestions/", views_member.group_suggestions, name="group_suggestions"),
    path("me/peers/groups/<uuid:group_id>/join/", views_member.join, name="join_group"),
    path("me/peers/groups/<uuid:group_id>/", views_member.group_page, name="group_page"),
    path("me/peers/groups/<uuid:group_id>/post/", views_member.post, name="create_post"),
    path("me/peers/groups/<uuid:group_id>/leave/", views_member.leave, name="leave_group"),
    path("me/peers/posts/<uuid:post_id>/report/", views_member.report, name="report_post"),
    path("me/peers/posts/<uuid:post_id>/support/", views_member.post_support, name="post_support"),
    path("me/peers/belonging/<int:check_id>/", views_member.belonging, name="belonging_check"),
    # The peer supporter's start page
    path("peers/", views_home.peer_home, name="peer_home"),
    # Peer supporters (their groups) and admins (all groups)
    path("peers/moderation/", views_moderation.queue, name="moderation_queue"),
    path(
        "peers/moderation/posts/<uuid:post_id>/",
        views_moderation.moderate_post,
        name="moderate_post",
    ),
    path("peers/groups/", views_moderation.group_list, name="peer_group_list"),
    path("peers/groups/<uuid:group_id>/", views_moderation.group_detail, name="peer_group_detail"),
    # The practice admin manages the practice's groups
    path("peers/groups/new/", views_groups.group_form, name="peer_group_new"),
    path("peers/groups/<uuid:group_id>/edit/", views_groups.group_form, name="peer_group_edit"),
    path(
        "peers/groups/<uuid:group_id>/archive/",
        views_groups.group_archive,
        name="peer_group_archive",
    ),
    path(
        "peers/groups/<uuid:group_id>/meetings/", views_groups.meeting_add, name="peer_meeting_add"
    ),
    path(
        "peers/groups/<uuid:group_id>/meetings/<int:meeting_id>/remove/",
        views_groups.meeting_remove,
        name="peer_meeting_remove",
    ),
    # The care team
    path(
        "staff/peers/memberships/<uuid:membership_id>/reveal/",
        views_staff.reveal,
        name="reveal_member",
    ),
]
