"""The release stage: student versions of exercises, made by nbgrader."""
