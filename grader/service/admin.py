"""The Django admin (at /academy/admin/): people, cohorts, tracks, submissions, and
requests for erasure. A learner's self-study records and "who looked at my work" are not
here: nobody but the person reads them."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import admin, messages
from django.contrib.auth.admin import UserAdmin
from django.core.exceptions import ValidationError
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse

from grader.service import access, access_log, erasure, invitations
from grader.service.grading import regrade
from grader.service.models import (
    AccessKind,
    ApiToken,
    Cohort,
    ErasureRequest,
    ErasureStatus,
    Exercise,
    Grade,
    Ksb,
    Mark,
    MarkEvent,
    Standard,
    Submission,
    Track,
    TrackExercise,
    User,
)


@admin.register(User)
class AcademyUserAdmin(UserAdmin):
    list_display = ("username", "email", "first_name", "last_name", "role", "is_active")
    list_filter = ("role", "is_active", "is_staff")
    fieldsets = (*(UserAdmin.fieldsets or ()), ("Academy", {"fields": (
        "role", "directorate", "service", "left_cohorts_at", "keeps_progress_since")}))
    add_fieldsets = (*(UserAdmin.add_fieldsets or ()), ("Academy", {"fields": ("email", "role")}))
    readonly_fields = ("left_cohorts_at", "keeps_progress_since")
    actions = ("send_invitation",)

    @admin.action(description="Send an invitation to set a password (again)")
    def send_invitation(self, request: HttpRequest, queryset: QuerySet[User]) -> None:
        sent, failed = invitations.send_many(list(queryset.filter(is_active=True)))
        self.message_user(request, f"{len(sent)} invitation(s) sent.", messages.INFO)
        if failed:
            self.message_user(request, "Not sent (the mail server refused): "
                              + ", ".join(u.email for u in failed), messages.ERROR)


@admin.register(Cohort)
class CohortAdmin(admin.ModelAdmin):
    list_display = ("name", "slug", "created_at", "ended_on")
    prepopulated_fields = {"slug": ("name",)}
    filter_horizontal = ("tracks", "learners", "managers", "tutors")
    search_fields = ("name", "slug")


class TrackExerciseInline(admin.TabularInline):
    model = TrackExercise
    extra = 0
    readonly_fields = ("exercise", "position", "module_title", "lesson_id", "lesson_title")
    can_delete = False


@admin.register(Track)
class TrackAdmin(admin.ModelAdmin):
    list_display = ("title", "id", "graded", "active")
    inlines = (TrackExerciseInline,)
    readonly_fields = ("id", "title", "graded", "standard")


@admin.register(Exercise)
class ExerciseAdmin(admin.ModelAdmin):
    list_display = ("title", "id", "active")
    readonly_fields = ("id", "title", "notebook", "ksbs")


admin.site.register(Standard)
admin.site.register(Ksb)


class GradeInline(admin.StackedInline):
    model = Grade
    extra = 0
    can_delete = False
    exclude = ("feedback_html",)
    readonly_fields = ("status", "score", "max_score", "needs_manual_grading", "flags", "reason",
                       "cells", "duration_seconds", "attempt", "graded_at")


class ReadOnlyInline(admin.TabularInline):
    """Marks change only through the marking pages and API (which keep the history and the
    totals right); the admin shows them."""

    extra = 0
    can_delete = False

    def has_add_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False


class MarkInline(ReadOnlyInline):
    model = Mark
    fields = ("grade_id", "score", "comment", "marked_by", "marked_at")


class MarkEventInline(ReadOnlyInline):
    model = MarkEvent
    verbose_name_plural = "marking history (append-only)"
    fields = ("at", "by", "grade_id", "old_score", "new_score", "comment", "kind")


@admin.register(Submission)
class SubmissionAdmin(admin.ModelAdmin):
    list_display = ("exercise", "learner", "status", "total_score", "awaiting_marking",
                    "created_at")
    list_filter = ("status", "awaiting_marking", "exercise")
    search_fields = ("learner__email", "exercise__id")
    exclude = ("notebook",)
    readonly_fields = ("id", "learner", "exercise", "filename", "size_bytes", "sha256", "source",
                       "status", "attempts", "attempt_token", "worker", "created_at",
                       "queued_at", "started_at", "finished_at", "total_score",
                       "awaiting_marking", "written_answers")
    inlines = (GradeInline, MarkInline, MarkEventInline)
    actions = ("grade_again",)

    def change_view(self, request: HttpRequest, object_id: str, form_url: str = "",
                    extra_context: dict[str, Any] | None = None) -> HttpResponse:
        """Opening a learner's submission here is recorded, as on the academy's pages."""
        sub = Submission.objects.filter(pk=object_id).select_related("exercise").first()
        if sub is not None and request.method == "GET" and self.has_view_permission(request, sub):
            access_log.record_submission(access.signed_in(request), sub, AccessKind.SUBMISSION)
        return super().change_view(request, object_id, form_url, extra_context)

    @admin.action(description="Grade again (tutors' marks are kept)")
    def grade_again(self, request: HttpRequest, queryset: QuerySet[Submission]) -> None:
        queued = sum(regrade(pk) for pk in queryset.values_list("pk", flat=True))
        self.message_user(request, f"{queued} submission(s) queued to be graded again; "
                          "unfinished ones were left alone.", messages.INFO)


@admin.register(ApiToken)
class ApiTokenAdmin(admin.ModelAdmin):
    list_display = ("prefix", "user", "label", "created_at", "last_used_at")
    readonly_fields = ("digest", "prefix", "created_at", "last_used_at")


class ErasureDecisionForm(forms.ModelForm):
    decision = forms.ChoiceField(
        choices=(("", "Not decided yet"), ("approve", "Approve: erase this person now"),
                 ("refuse", "Refuse, with the reason below")), required=False)

    class Meta:
        model = ErasureRequest
        fields = ("refusal_reason",)

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("decision") == "refuse" and not (data.get("refusal_reason") or "").strip():
            raise ValidationError("Give the reason for refusing: the learner will read it. If "
                                  "apprenticeship evidence must be kept, say what and until when.")
        return data


@admin.register(ErasureRequest)
class ErasureRequestAdmin(admin.ModelAdmin):
    """Pending requests are decided here; a decided one is the record and cannot change."""

    form = ErasureDecisionForm
    list_display = ("__str__", "status", "requested_at", "decided_at")
    list_filter = ("status",)
    readonly_fields = ("learner", "status", "requested_at", "note", "decided_at", "decided_by",
                       "erased_counts")

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return super().has_change_permission(request, obj) and (
            obj is None or obj.status == ErasureStatus.PENDING)

    def get_fields(self, request: HttpRequest, obj: Any = None) -> list[Any]:
        fields = ["learner", "status", "requested_at", "note", "decided_at", "decided_by",
                  "erased_counts", "refusal_reason"]
        return [*fields, "decision"] if obj is not None and obj.status == "pending" else fields

    def save_model(self, request: HttpRequest, obj: ErasureRequest, form: Any,
                   change: bool) -> None:
        decision = form.cleaned_data.get("decision")
        if decision == "approve":
            erasure.approve(obj, by=access.signed_in(request))
        elif decision == "refuse":
            erasure.refuse(obj, by=access.signed_in(request),
                           reason=form.cleaned_data["refusal_reason"])
        else:
            super().save_model(request, obj, form, change)
