"""The assessment loop end to end in real Chromium (issue 9), as one chain:

1. an apprentice submits an exercise with two written answers;
2. the tutor marks both answers from the keyboard;
3. the apprentice sees the marks, the comments and the total;
4. the manager sees `passed` in the grid and on the KSB page;
5. the portfolio zip's `manifest.json` lists the evidence.

`grader serve` runs for real (web server, one worker, the real autograder in its sandbox)
on the test database, serving a site built from the fixture catalogue. Every request must
stay on 127.0.0.1. One learner answer tries to run script: it must not run on the tutor's
page even with the page's Content Security Policy switched off (the sanitiser alone must
hold), and axe-core must find no violation of any impact on the marking pages.
"""

from __future__ import annotations

import json
import zipfile
from pathlib import Path
from typing import Any

import pytest
from academy_helpers import PASSWORD, REPORT, written
from test_browser_submit import (  # noqa: F401 (fixtures)
    AXE_JS,
    CHROMIUM_ARGS,
    GRADE_TIMEOUT_MS,
    PAGE_TIMEOUT_MS,
    browser,
)

pytestmark = [pytest.mark.browser, pytest.mark.slow, pytest.mark.django_db(transaction=True)]

WCAG_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"]
HOSTILE = ("<script>window.pwned = 'script'</script>"
           "<img src=\"https://example.org/x.png\" onerror=\"window.pwned = 'img'\">"
           "<a href=\"javascript:window.pwned = 'link'\">a link</a>")
ANSWER_WHY = "The busiest street is where the team should look first. " + HOSTILE
ANSWER_LIMITS = "- A long street has more room for fines.\n- Fines are not all bad parking."


@pytest.fixture
def service(tutors: dict[str, Any], site_dir: Path, start_service: Any) -> str:  # noqa: F811
    """`grader serve` on the test database; Ann, Tess (tutor) and Meg (manager) can sign in."""
    from django.contrib.auth.hashers import PBKDF2PasswordHasher

    hasher = PBKDF2PasswordHasher()  # the server has the real settings, not the tests' hasher
    for who in ("ann", "tess", "meg"):
        tutors[who].password = hasher.encode(PASSWORD, hasher.salt())
        tutors[who].save()
    return start_service(site_dir=site_dir, workers=1)


def open_page(browser: Any, url: str, problems: list[str], *, bypass_csp: bool = False  # noqa: F811
              ) -> Any:
    """A page in a new context that records any request to another host and any dialog."""
    context = browser.new_context(accept_downloads=True, bypass_csp=bypass_csp)
    context.set_default_timeout(PAGE_TIMEOUT_MS)
    page = context.new_page()

    def on_request(request: Any) -> None:
        if not request.url.startswith((url, "data:", "blob:")):
            problems.append(f"request to another host: {request.url}")

    def on_dialog(dialog: Any) -> None:
        problems.append(f"dialog: {dialog.message}")
        dialog.dismiss()

    page.on("request", on_request)
    page.on("dialog", on_dialog)
    return page


def sign_in(page: Any, url: str, email: str, next_path: str) -> None:
    page.goto(f"{url}/academy/login/?next={next_path}")
    page.get_by_label("Email address").fill(email)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_url(f"{url}{next_path}")


def axe_violations(page: Any) -> list[str]:
    """Every axe-core violation of the WCAG 2.2 A and AA rules, whatever its impact."""
    page.add_script_tag(path=str(AXE_JS))
    result = page.evaluate(
        """async (tags) => await axe.run(document, {
            runOnly: {type: "tag", values: tags}, resultTypes: ["violations"]})""", WCAG_TAGS)
    return [f"{v['id']} ({v['impact']}): {v['help']}" for v in result["violations"]]


def test_apprentice_submits_tutor_marks_from_the_keyboard_learner_sees_the_marks(
    service: str, browser: Any, tutors: dict[str, Any], tmp_path: Path,  # noqa: F811
) -> None:
    problems: list[str] = []
    axe: dict[str, list[str]] = {}

    # --- Step 1: the apprentice submits, from the exercise page. --------------------------
    learner = open_page(browser, service, problems)
    sign_in(learner, service, tutors["ann"].email, f"/exercises/{REPORT}/")
    learner.locator("#academy-submit[data-ready='yes']").wait_for()
    learner.get_by_text("Or upload a notebook file you downloaded").click()
    learner.get_by_label("Notebook file (.ipynb)").set_input_files(files=[{
        "name": f"{REPORT}.ipynb", "mimeType": "application/x-ipynb+json",
        "buffer": written(answer_why=ANSWER_WHY, answer_limits=ANSWER_LIMITS)}])
    learner.get_by_role("button", name="Upload and submit").click()
    score = learner.locator("[data-academy='score']")
    score.wait_for(timeout=GRADE_TIMEOUT_MS)
    assert score.inner_text() == "Score: 1 out of 6 (17%)"
    assert "marked by a person" in learner.locator("#academy-submit").inner_text()
    sub_id = learner.request.get(f"{service}/api/v1/submissions").json()["submissions"][0]["id"]

    # --- Step 2: the tutor marks both answers from the keyboard. --------------------------
    # The tutor's context has the page's CSP switched off: the sanitiser alone must stop the
    # learner's script (and axe is injected as an inline script).
    tutor = open_page(browser, service, problems, bypass_csp=True)
    sign_in(tutor, service, tutors["tess"].email, "/academy/marking/")
    axe["marking home"] = axe_violations(tutor)
    tutor.get_by_role("link", name="Report on fines (Alpha cohort)").click()
    assert "2 answers still to mark" in tutor.locator("main").inner_text()
    axe["exercise"] = axe_violations(tutor)
    tutor.get_by_role("link", name="Question 1 (answer-why, 2 points)").click()
    tutor.wait_for_url(f"**/{sub_id}/answer-why/?by=question")
    answer = tutor.locator(".answer-text")
    assert "The busiest street is where the team should look first." in answer.inner_text()
    assert "where the team may look first" in tutor.locator(".mark-scheme").inner_text()
    # Nothing of the hostile markup survived, and nothing ran.
    assert answer.locator("script, img, iframe, [onerror], [href^='javascript']").count() == 0
    assert tutor.evaluate("window.pwned") is None
    axe["answer"] = axe_violations(tutor)

    # The score box has the focus, visibly.
    focus = tutor.evaluate("""() => {
        const el = document.activeElement;
        const style = getComputedStyle(el);
        return [el.id, style.outlineStyle, style.outlineWidth];
    }""")
    assert focus[0] == "id_score" and focus[1] != "none" and focus[2] != "0px", focus
    # A score that is not a number: a clear message, the focus can go back to the field.
    tutor.keyboard.type("lots")
    tutor.keyboard.press("Enter")
    tutor.locator(".error-summary").wait_for()
    assert "The score must be a number" in tutor.locator(".error-summary").inner_text()
    axe["answer with an error"] = axe_violations(tutor)
    tutor.get_by_label("Score, from 0 to 2").focus()
    tutor.keyboard.press("Control+a")
    tutor.keyboard.type("2")
    tutor.keyboard.press("Tab")
    tutor.keyboard.type("Clear and to the point.")
    tutor.keyboard.press("Control+Enter")  # save, then the next answer
    tutor.wait_for_url(f"**/{sub_id}/answer-limits/?by=question")
    assert "Saved the mark for Ann Learner, question 1." in tutor.locator("main").inner_text()
    assert tutor.evaluate("document.activeElement.id") == "id_score"
    tutor.keyboard.type("2.5")
    tutor.keyboard.press("Tab")
    tutor.keyboard.type("Two sound limits.")
    tutor.keyboard.press("Shift+Tab")
    tutor.keyboard.press("Enter")  # Enter in the score box saves too; this was the last one
    tutor.wait_for_url(f"**/academy/marking/alpha/{REPORT}/")
    main = tutor.locator("main").inner_text()
    assert "That was the last answer." in main and "Every answer is marked." in main
    tutor.goto(f"{service}/academy/submissions/{sub_id}/history/")
    history = tutor.locator("table").inner_text()
    assert "Clear and to the point." in history and "Two sound limits." in history
    axe["history"] = axe_violations(tutor)

    # --- Step 3: the apprentice sees the marks, the comments and the total. ---------------
    learner.goto(f"{service}/academy/submissions/{sub_id}/")
    marks = learner.locator("section[aria-labelledby='marks-title']").inner_text()
    assert "Clear and to the point." in marks and "Two sound limits." in marks
    assert "Total: 5.5 out of 6" in marks
    feedback = learner.frame_locator("iframe.feedback").locator("body")
    assert "Two sound limits." in feedback.inner_text()
    learner.goto(f"{service}/exercises/{REPORT}/")
    assert learner.locator("[data-academy='score']").inner_text() == "Score: 5.5 out of 6 (92%)"
    audit = open_page(browser, service, problems, bypass_csp=True)  # axe runs inline script
    sign_in(audit, service, tutors["ann"].email, f"/academy/submissions/{sub_id}/")
    axe["learner's submission with marks"] = axe_violations(audit)

    # --- Step 4: the manager sees `passed` in the grid and on the KSB page. ---------------
    ann_id = tutors["ann"].pk
    manager = open_page(browser, service, problems, bypass_csp=True)  # axe runs inline script
    sign_in(manager, service, tutors["meg"].email, "/academy/cohorts/alpha/")
    column = [h.strip() for h in manager.locator("table.grid thead th").all_inner_texts()]
    report = next(i for i, h in enumerate(column) if h.startswith("Report on fines"))
    ann_row = manager.locator("table.grid tbody tr", has_text="Ann Learner")
    assert ann_row.locator("th, td").nth(report).inner_text().startswith("Passed")
    assert "best 92%" in ann_row.locator("th, td").nth(report).inner_text()
    axe["cohort grid"] = axe_violations(manager)
    manager.get_by_role("link", name="KSB evidence for this cohort").click()
    manager.wait_for_url("**/academy/cohorts/alpha/ksbs/")
    axe["KSB heatmap"] = axe_violations(manager)
    manager.goto(f"{service}/academy/learners/{ann_id}/")
    axe["learner's progress, for the manager"] = axe_violations(manager)
    manager.get_by_role("link", name="See the knowledge, skills and behaviours").click()
    manager.wait_for_url(f"**/academy/learners/{ann_id}/ksbs/")
    s2 = manager.locator(".ksb-list > li", has_text="S2:").inner_text()
    assert "Evidence" in s2 and "Report on fines" in s2 and "Clear and to the point." in s2
    axe["KSB page"] = axe_violations(manager)

    # --- Step 5: the portfolio's manifest.json lists the evidence. ------------------------
    with manager.expect_download() as download:
        manager.get_by_role("link", name="Download the portfolio (zip)").click()
    portfolio = tmp_path / "portfolio"
    with zipfile.ZipFile(download.value.path()) as zf:
        zf.extractall(portfolio)
    manifest = json.loads((portfolio / "manifest.json").read_text())
    (evidence,) = manifest["ksbs"]["S2"]["evidence"]
    assert evidence["exercise"] == REPORT and evidence["submission"] == sub_id
    assert evidence["score"] == 5.5 and evidence["max_score"] == 6
    assert {m["comment"] for m in evidence["marks"]} == {
        "Clear and to the point.", "Two sound limits."}
    # The portfolio reads offline: opened from disk, it asks nothing of any host.
    offline = browser.new_context(bypass_csp=True).new_page()
    offline.on("request", lambda r: r.url.startswith("file://") or problems.append(r.url))
    offline.goto((portfolio / "index.html").as_uri())
    assert "Report on fines" in offline.locator("main").inner_text()
    axe["portfolio index"] = axe_violations(offline)
    offline.get_by_role("link", name="Report on fines").first.click()
    assert "Two sound limits." in offline.locator("main").inner_text()
    assert offline.evaluate("window.pwned") is None

    assert axe == {name: [] for name in axe}
    assert problems == []
