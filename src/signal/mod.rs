//! Asynchronous signal handling: [`ctrl_c`], and any Unix signal through
//! [`unix::signal`].
//!
//! ```no_run
//! # async fn run() -> std::io::Result<()> {
//! avx::signal::ctrl_c().await?;
//! println!("ctrl-c received");
//! # Ok(())
//! # }
//! ```
//!
//! On the tokio backend these are tokio's own. On the native backend, a
//! process-wide handler (in `avx-native`) records each signal and writes a byte to a
//! self-pipe; each runtime with listeners runs a dispatcher task that reads that
//! pipe through its reactor and notifies the listeners. `process` uses the same
//! machinery for `SIGCHLD`, which is why this module exists (privately) with the
//! `process` feature alone.
//!
//! # Differences from tokio
//!
//! * Windows' `signal::windows` module does not exist: avx runs on Unix only.
//! * On the native backend a runtime starts dispatching when the first listener or
//!   child process is created on it, not when it is built: a listener created on
//!   one runtime and then polled only on another, after the first was dropped, is
//!   not notified until the second runtime creates a listener of its own.

#[cfg(feature = "signal")]
mod ctrl_c;
#[cfg(feature = "signal")]
pub mod unix;

pub(crate) mod dispatch;
pub(crate) mod registry;

#[cfg(feature = "signal")]
pub use ctrl_c::ctrl_c;
