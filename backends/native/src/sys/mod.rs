//! The OS readiness primitives: epoll on Linux, kqueue on macOS and the BSDs.
