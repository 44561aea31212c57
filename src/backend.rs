//! Which backend runs a runtime, and which runtime the current thread is in.
//!
//! Dispatch rule: an operation goes to the runtime current on this thread, tried
//! native first, then tokio. Entering a tokio-backed runtime through avx suspends
//! the native context for as long as it is entered, so the innermost runtime wins.

use std::fmt;
use std::io;
use std::str::FromStr;

/// The environment variable that picks the default backend.
pub const BACKEND_ENV: &str = "AVX_BACKEND";

/// A runtime backend.
///
/// Every backend offers the same API with the same documented behaviour; they
/// differ in how they are built and how fast they are.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum Backend {
    /// avx's own runtime: epoll reactor, timer wheel, work-stealing scheduler.
    Native,
    /// tokio, under avx's API (the `tokio` feature).
    Tokio,
}

impl Backend {
    /// The backend's name, as `AVX_BACKEND` spells it.
    pub fn name(self) -> &'static str {
        match self {
            Backend::Native => "native",
            Backend::Tokio => "tokio",
        }
    }

    /// Whether this build includes the backend.
    pub fn is_compiled(self) -> bool {
        match self {
            Backend::Native => cfg!(feature = "native"),
            Backend::Tokio => cfg!(feature = "tokio"),
        }
    }

    /// The backend a runtime gets when its builder names none: `AVX_BACKEND` if it
    /// is set, else native if compiled, else tokio.
    ///
    /// # Errors
    ///
    /// `InvalidInput` if `AVX_BACKEND` names no backend, `Unsupported` if it names
    /// one this build does not include.
    pub fn from_env() -> io::Result<Backend> {
        match std::env::var(BACKEND_ENV) {
            Ok(value) if !value.is_empty() => value.parse::<Backend>()?.ensure_compiled(),
            Err(std::env::VarError::NotUnicode(_)) => Err(io::Error::new(
                io::ErrorKind::InvalidInput,
                format!("{BACKEND_ENV} is not valid UTF-8; expected `native` or `tokio`"),
            )),
            _ => Ok(if cfg!(feature = "native") {
                Backend::Native
            } else {
                Backend::Tokio
            }),
        }
    }

    pub(crate) fn ensure_compiled(self) -> io::Result<Backend> {
        if self.is_compiled() {
            Ok(self)
        } else {
            Err(io::Error::new(
                io::ErrorKind::Unsupported,
                format!(
                    "the {} backend is not compiled in; enable avx's `{}` feature",
                    self.name(),
                    self.name()
                ),
            ))
        }
    }
}

impl fmt::Display for Backend {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

impl FromStr for Backend {
    type Err = io::Error;

    fn from_str(s: &str) -> io::Result<Backend> {
        match s.trim().to_ascii_lowercase().as_str() {
            "native" => Ok(Backend::Native),
            "tokio" => Ok(Backend::Tokio),
            other => Err(io::Error::new(
                io::ErrorKind::InvalidInput,
                format!("unknown avx backend {other:?}; expected `native` or `tokio`"),
            )),
        }
    }
}

/// Whether this thread drives a runtime of any backend right now: inside a
/// `block_on` or running a task. Blocking here would stall other tasks.
#[cfg(feature = "rt")]
pub(crate) fn is_driving() -> bool {
    if avx_native::runtime::is_driving() {
        return true;
    }
    #[cfg(feature = "tokio")]
    if tokio_driving::get() || ::tokio::task::try_id().is_some() {
        return true;
    }
    false
}

/// tokio offers no public way to ask whether a thread is inside its `block_on`;
/// avx wraps every tokio `block_on` it starts and marks the thread itself.
#[cfg(feature = "tokio")]
pub(crate) mod tokio_driving {
    use std::cell::Cell;

    thread_local! {
        static DRIVING: Cell<bool> = const { Cell::new(false) };
    }

    pub(crate) fn get() -> bool {
        DRIVING.try_with(Cell::get).unwrap_or(false)
    }

    /// Marks this thread as inside a tokio `block_on` until the guard drops.
    pub(crate) fn enter() -> Guard {
        Guard(DRIVING.with(|d| d.replace(true)))
    }

    pub(crate) struct Guard(bool);

    impl Drop for Guard {
        fn drop(&mut self) {
            let _ = DRIVING.try_with(|d| d.set(self.0));
        }
    }
}

/// tokio's message for an operation that needs a runtime outside of one.
#[cfg(feature = "rt")]
pub(crate) const CONTEXT_MISSING_ERROR: &str =
    "there is no reactor running, must be called from the context of a Tokio 1.x runtime";

/// Stands in for a type of a backend this build leaves out: it has no values, so
/// code that handles it can never run. Used where a pinned enum needs a variant per
/// backend (`pin-project-lite` does not take `#[cfg]` on variants).
#[derive(Debug)]
#[cfg_attr(feature = "tokio", allow(dead_code))]
pub(crate) enum Unavailable {}
