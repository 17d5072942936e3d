"""What a lesson asks the learner to do, and for whom: levels, activities and quizzes.

A lesson in track.yml may say its `level` (as the civil service's One Big Thing did in 2023:
awareness, working, practitioner) and list its `activities`, each with the minutes it takes
beyond reading: a worked example to follow, a quiz, a reflection on the learner's own service.
Exercises keep their own `estimated_minutes` in exercises.yml. `grader.content.timing` adds
these up with the reading time to check the lesson's stated time.
"""

from __future__ import annotations

from enum import StrEnum
from typing import Annotated, Literal

from pydantic import Field, model_validator

from grader.content.fields import Minutes, Slug, Strict, Text

__all__ = [
    "Activity", "Choice", "ChoiceQuestion", "Level", "NumberMistake", "NumberQuestion",
    "Question", "Quiz", "Reflection", "WorkedExample",
]


class Level(StrEnum):
    """Who a lesson is for, in the levels of the Government Digital and Data framework."""

    AWARENESS = "awareness"
    WORKING = "working"
    PRACTITIONER = "practitioner"

    @property
    def rank(self) -> int:
        """0 for awareness, 1 for working, 2 for practitioner: a route takes every lower rank."""
        return list(Level).index(self)


class Choice(Strict):
    """One answer of a multiple choice question."""

    text: Text = Field(description="The answer as the learner reads it.")
    correct: bool = Field(default=False, description="True for the one right answer.")
    feedback: Text = Field(
        description="Shown when the learner picks this answer: why it is right or wrong."
    )


class ChoiceQuestion(Strict):
    """A multiple choice question with exactly one right answer."""

    kind: Literal["choice"]
    id: Slug = Field(description="Unique within the lesson; part of the progress key.")
    prompt: Text
    choices: tuple[Choice, ...] = Field(min_length=2, max_length=6)

    @model_validator(mode="after")
    def _one_right_answer(self) -> ChoiceQuestion:
        right = sum(c.correct for c in self.choices)
        if right != 1:
            raise ValueError(f"question '{self.id}' must have exactly one choice with "
                             f"correct: true, not {right}")
        return self


class NumberMistake(Strict):
    """A wrong number learners often give, with feedback that says what went wrong."""

    value: float
    feedback: Text


class NumberQuestion(Strict):
    """A question answered with a number, right when within `tolerance` of `answer`."""

    kind: Literal["number"]
    id: Slug = Field(description="Unique within the lesson; part of the progress key.")
    prompt: Text
    answer: float
    tolerance: float = Field(default=0, ge=0, description="How far from `answer` is still right.")
    unit: Text | None = Field(default=None, description="Shown after the box, e.g. trees.")
    feedback: Text = Field(description="Shown when the answer is right: how to get it.")
    wrong_feedback: Text = Field(description="Shown for any other wrong answer: a hint.")
    mistakes: tuple[NumberMistake, ...] = Field(
        default=(), description="Common wrong answers, each with its own feedback."
    )

    @model_validator(mode="after")
    def _mistakes_are_wrong(self) -> NumberQuestion:
        for m in self.mistakes:
            if abs(m.value - self.answer) <= self.tolerance:
                raise ValueError(f"question '{self.id}': the mistake {m.value:g} would be "
                                 "marked right; move it outside the tolerance")
        return self


Question = Annotated[ChoiceQuestion | NumberQuestion, Field(discriminator="kind")]


class WorkedExample(Strict):
    """A worked example in the lesson body, under the heading `Worked example: <title>`."""

    kind: Literal["worked-example"]
    minutes: Minutes = Field(description="Time to follow it through, beyond reading it.")
    title: Text = Field(description="Its heading in the lesson, after 'Worked example: '.")


class Quiz(Strict):
    """A short formative quiz, shown at the end of the lesson; needs no account."""

    kind: Literal["quiz"]
    minutes: Minutes = Field(description="Time to read and answer the questions.")
    questions: tuple[Question, ...] = Field(min_length=1, max_length=8)

    @model_validator(mode="after")
    def _unique_ids(self) -> Quiz:
        ids = [q.id for q in self.questions]
        dups = sorted({i for i in ids if ids.count(i) > 1})
        if dups:
            raise ValueError(f"question id '{dups[0]}' is used more than once")
        return self


class Reflection(Strict):
    """A prompt to think about the learner's own service, shown near the end of the lesson."""

    kind: Literal["reflection"]
    minutes: Minutes = Field(description="Time to think and make a note.")
    prompt: Text = Field(description="The question to reflect on, about the learner's service.")


Activity = Annotated[WorkedExample | Quiz | Reflection, Field(discriminator="kind")]
