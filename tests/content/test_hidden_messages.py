"""Hidden-check messages: how they are read from a test cell and which one a failure gets."""

from __future__ import annotations

from grader.content.hidden_messages import (
    first_message,
    hidden_regions,
    message_for_line,
    problems,
)

CELL = """assert isinstance(share, float), "share should be a number"
### BEGIN HIDDEN TESTS
# Message: Check which rows your share is out of.
_ref = 0.25
assert abs(share - _ref) < 0.0005
# Message: Count each notice once.
assert n == 3
### END HIDDEN TESTS"""


def test_regions_and_blocks_are_read_with_their_lines() -> None:
    [region] = hidden_regions(CELL)
    assert (region.begin_line, region.end_line) == (2, 8)
    assert [(b.message, b.first_line, b.last_line) for b in region.blocks] == [
        ("Check which rows your share is out of.", 3, 5),
        ("Count each notice once.", 6, 7),
    ]


def test_each_line_gets_the_message_above_it() -> None:
    assert message_for_line(CELL, 1) is None  # a visible line: its own message is shown
    assert message_for_line(CELL, 4) == "Check which rows your share is out of."
    assert message_for_line(CELL, 5) == "Check which rows your share is out of."
    assert message_for_line(CELL, 7) == "Count each notice once."


def test_a_failure_that_cannot_be_placed_gets_the_first_message() -> None:
    assert message_for_line(CELL, None) == "Check which rows your share is out of."
    assert first_message("assert x") is None


def test_a_good_cell_has_no_problems() -> None:
    assert problems(CELL) == []
    assert problems("assert x == 1") == []


def test_problems_name_the_region_and_line() -> None:
    assert problems("### BEGIN HIDDEN TESTS\nassert x\n### END HIDDEN TESTS") == [
        "hidden region 1 (line 1) has no '# Message:' line: write a hint for the learner "
        "that does not give the test away",
    ]
    assert problems("### BEGIN HIDDEN TESTS\n# Message:\nassert x\n### END HIDDEN TESTS") == [
        "hidden region 1 (line 1): the message on line 2 is empty",
    ]
    long = "x" * 201
    assert problems(f"### BEGIN HIDDEN TESTS\n# Message: {long}\nassert x\n"
                    "### END HIDDEN TESTS") == [
        "hidden region 1 (line 1): the message on line 2 is longer than 200 characters",
    ]
    assert problems(CELL + "\n# a comment is fine\n\n") == []
    assert problems(CELL + "\nassert y") == [
        "code follows the last hidden region: put visible checks before "
        "'### BEGIN HIDDEN TESTS'",
    ]
