"""Views: the learner's and manager's pages (`pages`), feedback (`feedback`), the API (`api`)."""
