//! `ctrl_c`: the portable way to wait for an interrupt.

use std::io;

/// Completes on the first ctrl-c (`SIGINT`) delivered after the returned future is
/// first polled: polling it registers the listener.
///
/// # Caveats
///
/// The first listener for `SIGINT` replaces the default action (terminating the
/// process) **for the rest of the process**: even after this future completes or is
/// dropped, later ctrl-c presses are caught, not fatal. Listen for ctrl-c only in
/// a program that handles it from then on.
///
/// # Errors
///
/// If the handler cannot be installed (see [`unix::signal`](super::unix::signal)).
///
/// # Panics
///
/// When first polled outside a runtime, or on one without I/O, with tokio's
/// messages.
///
/// ```no_run
/// # async fn run() {
/// avx::spawn(async {
///     avx::signal::ctrl_c().await.expect("listening for ctrl-c");
///     println!("shutting down");
/// });
/// # }
/// ```
pub async fn ctrl_c() -> io::Result<()> {
    super::unix::ctrl_c()?.recv().await;
    Ok(())
}
