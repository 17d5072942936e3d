"""Course content as data: the catalogue models, reading courses/, problems, and
nbgrader's cell vocabulary."""
