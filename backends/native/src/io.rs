//! Readiness for a raw file descriptor: the I/O half of the backend seam.
