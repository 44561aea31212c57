//! The runtime: configuration, the driver that parks a thread, the thread-local
//! context.
