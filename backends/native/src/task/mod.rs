//! Tasks: one allocation holding the header, the future and its output.
