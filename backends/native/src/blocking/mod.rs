//! The blocking pool: threads spawned on demand for work that blocks.
