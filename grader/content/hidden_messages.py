"""Learner-safe messages for hidden checks: how an author writes them and how they are found.

A hidden test never reaches the learner, so when it fails the learner needs a hint that
says what to look at again without giving the test away. The author writes that hint in
the hidden region itself, on a comment line that starts with `# Message:`:

    assert len(shares) == 20, "shares should have one value per ward"
    ### BEGIN HIDDEN TESTS
    # Message: Check which rows your share is out of.
    _ref = ...
    assert np.isclose(share, _ref, atol=0.0005)
    # Message: Count each notice once, after removing the repeated rows.
    assert ...
    ### END HIDDEN TESTS

Each message covers the lines after it, up to the next message or the end of the region.
Every hidden region starts with a message, and nothing but blank lines and comments may
follow the last region (`problems` says so), so a failure is always in a visible line,
which the learner can read, or under a message. nbgrader removes the whole region, messages
included, from the learner's copy: a message is shown only in the feedback on a failure.
"""

from __future__ import annotations

from dataclasses import dataclass

from grader.content.notebook import BEGIN_HIDDEN_TESTS, END_HIDDEN_TESTS

MESSAGE_PREFIX = "# Message:"
"""Start of a message line inside a hidden-tests region (after any indentation)."""
MAX_MESSAGE_LENGTH = 200
"""A message is a hint of one or two short sentences, not an explanation of the test."""


@dataclass(frozen=True)
class HiddenBlock:
    """The lines of one hidden region that one message covers."""

    message: str
    """The author's learner-safe message, without the prefix."""
    first_line: int
    """1-based line number of the message line in the cell."""
    last_line: int
    """1-based line number of the last line the message covers."""


@dataclass(frozen=True)
class HiddenRegion:
    """One `### BEGIN HIDDEN TESTS` ... `### END HIDDEN TESTS` region of a test cell."""

    begin_line: int
    """1-based line number of the BEGIN marker."""
    end_line: int
    """1-based line number of the END marker (the last line when it is unclosed)."""
    blocks: tuple[HiddenBlock, ...]
    code_before_message: bool
    """True when a line of code comes before the region's first message."""


def message_text(line: str) -> str | None:
    """The message on a `# Message:` line, or None for any other line."""
    stripped = line.strip()
    if not stripped.startswith(MESSAGE_PREFIX):
        return None
    return stripped.removeprefix(MESSAGE_PREFIX).strip()


def _is_code(line: str) -> bool:
    stripped = line.strip()
    return bool(stripped) and not stripped.startswith("#")


def hidden_regions(source: str) -> tuple[HiddenRegion, ...]:
    """Every hidden region of a test cell's source, with its messages, in order."""
    lines = source.splitlines()
    regions: list[HiddenRegion] = []
    index = 0
    while index < len(lines):
        if BEGIN_HIDDEN_TESTS not in lines[index]:
            index += 1
            continue
        begin = index + 1
        end = next((j + 1 for j in range(index + 1, len(lines))
                    if END_HIDDEN_TESTS in lines[j]), len(lines))
        blocks: list[HiddenBlock] = []
        code_first = False
        for number in range(begin + 1, end):
            text = message_text(lines[number - 1])
            if text is not None:
                if blocks:
                    blocks[-1] = HiddenBlock(blocks[-1].message, blocks[-1].first_line,
                                             number - 1)
                blocks.append(HiddenBlock(text, number, end - 1))
            elif not blocks and _is_code(lines[number - 1]):
                code_first = True
        regions.append(HiddenRegion(begin, end, tuple(blocks), code_first))
        index = end
    return tuple(regions)


def message_for_line(source: str, line: int | None) -> str | None:
    """The message covering 1-based `line` of a test cell, or None when the line is not in
    a hidden region. With no line (the failure could not be placed), the cell's first
    message: never visible output that might have been forged."""
    regions = hidden_regions(source)
    if line is None:
        return first_message(source)
    for region in regions:
        if region.begin_line <= line <= region.end_line:
            for block in reversed(region.blocks):
                if block.first_line <= line:
                    return block.message
            return region.blocks[0].message if region.blocks else None
    return None


def first_message(source: str) -> str | None:
    """The first message of the cell, used when a failure cannot be placed on a line."""
    for region in hidden_regions(source):
        if region.blocks:
            return region.blocks[0].message
    return None


def problems(source: str) -> list[str]:
    """What is wrong with the hidden messages of one test cell, in plain sentences."""
    found: list[str] = []
    regions = hidden_regions(source)
    lines = source.splitlines()
    for number, region in enumerate(regions, start=1):
        where = f"hidden region {number} (line {region.begin_line})"
        if not region.blocks:
            found.append(f"{where} has no '{MESSAGE_PREFIX}' line: write a hint for the "
                         "learner that does not give the test away")
        elif region.code_before_message:
            found.append(f"{where} has code before its first '{MESSAGE_PREFIX}' line")
        for block in region.blocks:
            if not block.message:
                found.append(f"{where}: the message on line {block.first_line} is empty")
            elif len(block.message) > MAX_MESSAGE_LENGTH:
                found.append(f"{where}: the message on line {block.first_line} is longer "
                             f"than {MAX_MESSAGE_LENGTH} characters")
    if regions and any(_is_code(line) for line in lines[regions[-1].end_line:]):
        found.append("code follows the last hidden region: put visible checks before "
                     f"'### {BEGIN_HIDDEN_TESTS}'")
    return found
