"""The Django admin (at /academy/admin/): people, cohorts, tracks, submissions."""

from __future__ import annotations

from django.contrib import admin
from django.contrib.auth.admin import UserAdmin

from grader.service.models import (
    ApiToken,
    Cohort,
    Exercise,
    Grade,
    Ksb,
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
    fieldsets = (*(UserAdmin.fieldsets or ()), ("Academy", {"fields": ("role",)}))
    add_fieldsets = (*UserAdmin.add_fieldsets, ("Academy", {"fields": ("email", "role")}))


@admin.register(Cohort)
class CohortAdmin(admin.ModelAdmin):
    list_display = ("name", "slug", "created_at")
    prepopulated_fields = {"slug": ("name",)}
    filter_horizontal = ("tracks", "learners", "managers")
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


@admin.register(Submission)
class SubmissionAdmin(admin.ModelAdmin):
    list_display = ("exercise", "learner", "status", "attempts", "created_at")
    list_filter = ("status", "exercise")
    search_fields = ("learner__email", "exercise__id")
    exclude = ("notebook",)
    readonly_fields = ("id", "learner", "exercise", "filename", "size_bytes", "sha256", "source",
                       "status", "attempts", "attempt_token", "worker", "created_at",
                       "queued_at", "started_at", "finished_at")
    inlines = (GradeInline,)


@admin.register(ApiToken)
class ApiTokenAdmin(admin.ModelAdmin):
    list_display = ("prefix", "user", "label", "created_at", "last_used_at")
    readonly_fields = ("digest", "prefix", "created_at", "last_used_at")
