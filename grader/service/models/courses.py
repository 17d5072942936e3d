"""The course catalogue as the database sees it, synced from courses/ by `sync_catalogue`."""

from __future__ import annotations

from django.db import models

from grader.content.catalogue import DEFAULT_PASS_PERCENT


class Standard(models.Model):
    """An apprenticeship standard, e.g. ST0118 Data Analyst level 4."""

    id = models.CharField(primary_key=True, max_length=10)
    title = models.CharField(max_length=200)
    level = models.PositiveSmallIntegerField()

    def __str__(self) -> str:
        return f"{self.id} {self.title}"


class Ksb(models.Model):
    """A knowledge, skill or behaviour of a standard: passed exercises give evidence for it,
    unless only the apprentice's workplace can (`workplace_only`, with the reason)."""

    standard = models.ForeignKey(Standard, on_delete=models.CASCADE, related_name="ksbs")
    code = models.CharField(max_length=4)
    title = models.CharField(max_length=300)
    workplace_only = models.BooleanField(default=False)
    workplace_reason = models.TextField(blank=True)

    class Meta:
        constraints = [models.UniqueConstraint("standard", "code", name="unique_ksb_code")]
        ordering = ["standard", "code"]

    def __str__(self) -> str:
        return f"{self.standard_id} {self.code}"


class Exercise(models.Model):
    """An nbgrader exercise; its instructor notebook stays in exercises/<id>/ on the server."""

    id = models.SlugField(primary_key=True, max_length=100)
    title = models.CharField(max_length=200)
    notebook = models.CharField(max_length=200, help_text="File name in exercises/<id>/.")
    ksbs = models.ManyToManyField(Ksb, blank=True, related_name="exercises")
    active = models.BooleanField(default=True, help_text="False once removed from courses/.")
    pass_percent = models.PositiveSmallIntegerField(
        default=DEFAULT_PASS_PERCENT,
        help_text="Percent of the whole score, tutors' marks included, needed to pass.")

    class Meta:
        ordering = ["id"]

    def __str__(self) -> str:
        return self.title

    @property
    def student_notebook_path(self) -> str:
        """Path of the learner's copy inside JupyterLite, as the site publishes it."""
        return f"{self.id}/{self.notebook}"


class Track(models.Model):
    """A learning track; only graded tracks take submissions."""

    id = models.SlugField(primary_key=True, max_length=100)
    title = models.CharField(max_length=200)
    graded = models.BooleanField(default=False)
    standard = models.ForeignKey(Standard, null=True, blank=True, on_delete=models.SET_NULL)
    exercises: models.ManyToManyField[Exercise, TrackExercise] = models.ManyToManyField(
        Exercise, through="TrackExercise", related_name="tracks")
    active = models.BooleanField(default=True)

    class Meta:
        ordering = ["title"]

    def __str__(self) -> str:
        return self.title


class TrackExercise(models.Model):
    """An exercise's place in a track: the order learners meet it, and its lesson."""

    track = models.ForeignKey(Track, on_delete=models.CASCADE)
    exercise = models.ForeignKey(Exercise, on_delete=models.CASCADE)
    position = models.PositiveIntegerField()
    module_title = models.CharField(max_length=200)
    lesson_id = models.SlugField(max_length=100)
    lesson_title = models.CharField(max_length=200)

    class Meta:
        constraints = [
            models.UniqueConstraint("track", "exercise", name="unique_track_exercise")
        ]
        ordering = ["track", "position"]
