//! The reactor: registrations for raw file descriptors, their readiness, and the
//! wakers of the tasks waiting on them.
