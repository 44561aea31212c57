//! Crate-internal macros.

/// Calls a libc function and turns its `-1` failure into `io::Error::last_os_error()`.
///
/// Every raw syscall in the crate goes through here, so errno is read in one place,
/// right after the call that set it.
macro_rules! syscall {
    ($fn:ident ( $($arg:expr),* $(,)? )) => {{
        #[allow(unused_unsafe)]
        // SAFETY: each caller passes arguments that satisfy the named libc function's
        // contract and says why at the call site.
        let res = unsafe { libc::$fn($($arg),*) };
        if res == -1 {
            Err(std::io::Error::last_os_error())
        } else {
            Ok(res)
        }
    }};
}
