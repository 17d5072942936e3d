"""`grader check`: every problem with courses/ and exercises/, and the cache of passed exercises."""
