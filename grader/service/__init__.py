"""The academy service: a Django project for graded submissions, learner and manager views.

Everything runs from one origin: the static course site at `/`, the service's pages under
`/academy/` and the JSON API under `/api/v1/`. Submissions are stored first, then graded by
django-q2 workers through `grader.autograde.autograde`.
"""
