"""The controls on an exercise page: "Try it in your browser" and the "Submit" container.

`docs/assets/js/tryit.js` brings the Try it control to life (an iframe of JupyterLite's
single-notebook UI, loaded on click); the academy service's `docs/assets/js/submit.js` fills
the submit container on graded tracks. The data attributes here are their contract.
"""

from __future__ import annotations

from grader.content.catalogue import Exercise
from grader.lite.jupyterlite import START_FILES
from grader.sitebuild.templating import render

LITE_DIR = "lite"
"""Where the JupyterLite build sits in the built site."""
LITE_NOTEBOOK_APP = "notebooks/index.html"
"""JupyterLite's light single-notebook UI, fit for an iframe."""
START_SECONDS = 15
"""What the exercise pages and the staff guide say a first start of Python takes ("about N
seconds"): the median cold click of `bench/lite_bench.py` (click to the first output of
`import pandas` on a fresh browser profile), rounded up to 5 s; the bench prints it as
`start_seconds_to_say` and warns when it differs from this. Measure on a quiet machine:
the figure scales with the load (docs/architecture.md, "Speed of the first start")."""


def notebook_lite_path(exercise: Exercise) -> str:
    """Path of the student notebook inside the JupyterLite contents."""
    return f"{exercise.id}/{exercise.notebook}"


def exercise_key(exercise_id: str) -> str:
    """Progress key of an exercise (docs/assets/js/progress.js)."""
    return f"exercise:{exercise_id}"


def tryit_html(exercise: Exercise, root: str, storage_name: str) -> str:
    """The "Try it in your browser" control (templates/tryit.html); `docs/assets/js/tryit.js`
    brings it to life."""
    nb_path = notebook_lite_path(exercise)
    url = f"{root}{LITE_DIR}/{LITE_NOTEBOOK_APP}?path={nb_path}"
    attrs = {
        "data-lite-url": url,
        "data-exercise-id": exercise.id,
        "data-notebook-path": nb_path,
        "data-storage-name": storage_name,
        "data-progress-key": exercise_key(exercise.id),
        "data-title": exercise.title,
        "data-start-seconds": str(START_SECONDS),
        "data-start-files": f"{root}{LITE_DIR}/{START_FILES}",
    }
    return render("tryit.html", attrs=attrs, url=url).rstrip("\n")


def submit_html(exercise: Exercise, storage_name: str) -> str:
    """Container for the academy service's "Submit for grading" control (graded tracks)."""
    return render("submit.html", exercise_id=exercise.id,
                  notebook_path=notebook_lite_path(exercise),
                  storage_name=storage_name).rstrip("\n")
