"""The controls on an exercise page: "Try it in your browser" and the "Submit" container.

`docs/assets/js/tryit.js` brings the Try it control to life (an iframe of JupyterLite's
single-notebook UI, loaded on click); the academy service's `docs/assets/js/submit.js` fills
the submit container on graded tracks. The data attributes here are their contract.
"""

from __future__ import annotations

import html

from grader.content.catalogue import Exercise

LITE_DIR = "lite"
"""Where the JupyterLite build sits in the built site."""
LITE_NOTEBOOK_APP = "notebooks/index.html"
"""JupyterLite's light single-notebook UI, fit for an iframe."""
START_SECONDS = 20
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
    """The "Try it in your browser" control; `docs/assets/js/tryit.js` brings it to life."""
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
    }
    attr_text = " ".join(f'{k}="{html.escape(v)}"' for k, v in attrs.items())
    return "\n".join(
        [
            f'<div class="cda-tryit" {attr_text}>',
            '<p class="cda-tryit__actions">',
            '<button type="button" class="md-button md-button--primary cda-tryit__button">'
            "Try it in your browser</button>",
            f'<a class="md-button cda-tryit__newtab" href="{html.escape(url)}" target="_blank" '
            'rel="noopener">Open in a new tab<span class="cda-visually-hidden"> '
            "(opens in a new tab)</span></a>",
            "</p>",
            '<p class="cda-tryit__status" role="status" aria-live="polite"></p>',
            '<div class="cda-tryit__frame"></div>',
            "</div>",
        ]
    )


def submit_html(exercise: Exercise, storage_name: str) -> str:
    """Container for the academy service's "Submit for grading" control (graded tracks)."""
    return (
        f'<div id="academy-submit" data-exercise-id="{html.escape(exercise.id)}" '
        f'data-notebook-path="{html.escape(notebook_lite_path(exercise))}" '
        f'data-storage-name="{html.escape(storage_name)}"></div>'
    )
