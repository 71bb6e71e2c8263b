"""Django admin for peer communities: tags are edited here; everything else is read-only.

Groups are created and changed on the practice admin's page (peers.views_moderation) so the
service can embed the description and refresh matching; posts are moderated on the
moderator's page so every step is recorded. Memberships never show the patient here: linking
a pseudonym to a patient is for the care team, through the audited look-up.
"""

from django.contrib import admin

from tether.peers.models import (
    BelongingCheck,
    IdentityTag,
    Membership,
    ModerationAction,
    PeerGroup,
    Post,
    PostReport,
)


class ReadOnlyAdmin(admin.ModelAdmin):
    def has_add_permission(self, request, obj=None) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False


@admin.register(IdentityTag)
class IdentityTagAdmin(admin.ModelAdmin):
    list_display = ("label", "kind")
    list_filter = ("kind",)
    search_fields = ("label",)


@admin.register(PeerGroup)
class PeerGroupAdmin(ReadOnlyAdmin):
    list_display = ("name", "practice", "moderator", "is_open", "created_at")
    list_filter = ("practice", "is_open")
    search_fields = ("name",)
    fields = ("name", "practice", "who_for", "tags", "moderator", "is_open", "created_at")


@admin.register(Membership)
class MembershipAdmin(ReadOnlyAdmin):
    list_display = ("pseudonym", "group", "status", "joined_at", "last_visited_at")
    list_filter = ("status", "group__practice")
    fields = (
        "pseudonym",
        "group",
        "status",
        "match_reason",
        "joined_at",
        "left_at",
        "last_visited_at",
        "belonging_due_at",
    )


class ModerationInline(admin.TabularInline):
    model = ModerationAction
    extra = 0
    can_delete = False
    readonly_fields = ("kind", "actor", "note", "at")

    def has_add_permission(self, request, obj=None) -> bool:
        return False


@admin.register(Post)
class PostAdmin(ReadOnlyAdmin):
    list_display = ("created_at", "group", "author", "status", "crisis_language", "needs_review")
    list_filter = ("status", "crisis_language", "needs_review", "group__practice")
    # Not the risk alert: it names the patient, and would link the pseudonym to them.
    fields = (
        "group",
        "author",
        "parent",
        "body",
        "created_at",
        "status",
        "crisis_language",
        "crisis_reason",
        "needs_review",
        "reviewed_at",
    )
    inlines = [ModerationInline]


@admin.register(PostReport)
class PostReportAdmin(ReadOnlyAdmin):
    list_display = ("created_at", "post", "reason")


@admin.register(BelongingCheck)
class BelongingCheckAdmin(ReadOnlyAdmin):
    list_display = ("membership", "asked_at", "answered_at", "score", "tell_supporter")
    list_filter = ("tell_supporter",)
