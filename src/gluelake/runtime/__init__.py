"""Running a stage as a job: arguments, session, Glue integration, exit codes."""
