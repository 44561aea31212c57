//! Child processes: std's [`Command`] with asynchronous `spawn`, `status` and
//! `output`, a [`Child`] whose exit can be awaited, and its standard streams as
//! `AsyncWrite`/`AsyncRead`.
//!
//! ```no_run
//! use avx::io::{AsyncReadExt, AsyncWriteExt};
//! use avx::process::Command;
//! use std::process::Stdio;
//!
//! # async fn run() -> std::io::Result<()> {
//! let mut cat = Command::new("cat")
//!     .stdin(Stdio::piped())
//!     .stdout(Stdio::piped())
//!     .spawn()?;
//! let mut stdin = cat.stdin.take().expect("piped");
//! stdin.write_all(b"hello").await?;
//! drop(stdin); // end-of-file for cat
//! let mut echoed = Vec::new();
//! cat.stdout.take().expect("piped").read_to_end(&mut echoed).await?;
//! assert_eq!(echoed, b"hello");
//! assert!(cat.wait().await?.success());
//! # Ok(())
//! # }
//! ```
//!
//! # Dropping and reaping
//!
//! As with std, dropping a [`Child`] leaves the process running (unless
//! [`Command::kill_on_drop`] is set). An exited process stays a zombie until its
//! parent collects its status; avx collects it in the background, best-effort, once
//! it exits, so dropped children do not pile up as zombies. Wait for a child
//! (`child.wait().await`) where a guarantee is needed.
//!
//! # How exits are noticed
//!
//! On the tokio backend, by tokio (a pidfd per child where Linux has them, else
//! `SIGCHLD`). On the native backend, by `SIGCHLD`: every waiting child listens
//! for it through the [`signal`](crate::signal) machinery and checks itself with a
//! non-blocking `try_wait` when it arrives; no thread per child, and no
//! `waitpid(-1)` that could steal another library's child.
//!
//! # Differences from tokio
//!
//! * `Command::pre_exec` is missing: it is an `unsafe fn`, and avx's facade has no
//!   unsafe code. Call it on the std command: `unsafe {
//!   cmd.as_std_mut().pre_exec(f) }` (std's `CommandExt`), which is the same thing.
//! * Windows' `raw_arg`, `creation_flags` and `raw_handle` do not exist: avx runs
//!   on Unix only.

mod child;
mod command;
mod orphan;
mod reaper;
mod stdio;

pub use child::Child;
pub use command::Command;
pub use stdio::{ChildStderr, ChildStdin, ChildStdout};

/// Reaps every orphaned child that has exited (native backend); the signal
/// dispatcher calls this on `SIGCHLD`.
pub(crate) fn reap_orphans() {
    orphan::reap();
}
