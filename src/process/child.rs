//! [`Child`]: a spawned process, its exit status and its standard streams.
//!
//! ```text
//! Running(Native(Reaper) | Tokio(tokio Child)) ── wait / try_wait saw the exit ──> Done(status)
//! ```
//!
//! Once `Done`, the process is reaped: `id` is `None` (the pid may be reused),
//! `wait` and `try_wait` return the same status again, and `start_kill` does
//! nothing.

use std::fmt;
use std::future::poll_fn;
use std::io;
use std::pin::Pin;
use std::process::{Child as StdChild, Command as StdCommand, ExitStatus, Output};
use std::task::{Context, Poll, ready};

use super::reaper::Reaper;
use super::{ChildStderr, ChildStdin, ChildStdout};
use crate::io::{AsyncRead, ReadBuf};

/// A child process spawned by [`Command`](super::Command).
///
/// As with std, and unlike most futures, dropping a `Child` does not stop the
/// process: it keeps running, and avx reaps it in the background when it exits.
/// [`Command::kill_on_drop`](super::Command::kill_on_drop) makes the drop kill it
/// first.
pub struct Child {
    child: FusedChild,

    /// The child's standard input, if it was piped (`Stdio::piped()`). Take it
    /// (`child.stdin.take()`) to write while still calling methods on the child.
    pub stdin: Option<ChildStdin>,

    /// The child's standard output, if it was piped.
    pub stdout: Option<ChildStdout>,

    /// The child's standard error, if it was piped.
    pub stderr: Option<ChildStderr>,
}

enum FusedChild {
    Running(Running),
    Done(ExitStatus),
}

enum Running {
    Native(Reaper),
    #[cfg(feature = "tokio")]
    Tokio(::tokio::process::Child),
}

impl Child {
    /// Spawns `command` on the current native runtime.
    #[track_caller]
    pub(super) fn spawn_native(command: &mut StdCommand, kill_on_drop: bool) -> io::Result<Child> {
        super::reap_orphans();
        // Listening before the spawn: a child that exits at once is still seen, and
        // a failure here leaves no process behind.
        let sigchld = crate::signal::dispatch::listen(avx_native::signal::SIGCHLD)?;
        let mut child: StdChild = command.spawn()?;
        let (stdin, stdout, stderr) =
            (child.stdin.take(), child.stdout.take(), child.stderr.take());
        // From here an early return drops the reaper, which kills the child (with
        // `kill_on_drop`) and queues it to be reaped.
        let reaper = Reaper::new(child, sigchld, kill_on_drop);
        let stdin = stdin.map(ChildStdin::from_std).transpose()?;
        let stdout = stdout.map(ChildStdout::from_std).transpose()?;
        let stderr = stderr.map(ChildStderr::from_std).transpose()?;
        Ok(Child {
            child: FusedChild::Running(Running::Native(reaper)),
            stdin,
            stdout,
            stderr,
        })
    }

    /// Spawns `command` through tokio, on the current tokio runtime.
    #[cfg(feature = "tokio")]
    #[track_caller]
    pub(super) fn spawn_tokio(command: &mut StdCommand, kill_on_drop: bool) -> io::Result<Child> {
        // tokio's spawn panics outside a runtime; panic before `command` is lent.
        if let Err(e) = ::tokio::runtime::Handle::try_current() {
            panic!("{e}");
        }
        let mut tokio_command =
            ::tokio::process::Command::from(std::mem::replace(command, StdCommand::new("")));
        tokio_command.kill_on_drop(kill_on_drop);
        let spawned = tokio_command.spawn();
        *command = tokio_command.into_std();
        let mut child = spawned?;
        Ok(Child {
            stdin: child.stdin.take().map(ChildStdin::from_tokio),
            stdout: child.stdout.take().map(ChildStdout::from_tokio),
            stderr: child.stderr.take().map(ChildStderr::from_tokio),
            child: FusedChild::Running(Running::Tokio(child)),
        })
    }

    /// The child's process id while it runs; `None` once it has been waited for
    /// (the id may then belong to another process).
    pub fn id(&self) -> Option<u32> {
        match &self.child {
            FusedChild::Running(Running::Native(reaper)) => Some(reaper.id()),
            #[cfg(feature = "tokio")]
            FusedChild::Running(Running::Tokio(child)) => child.id(),
            FusedChild::Done(_) => None,
        }
    }

    /// Asks the child to exit (`SIGKILL`) without waiting for it. The child stays
    /// a zombie until [`wait`](Child::wait) or [`try_wait`](Child::try_wait)
    /// reaps it (or the `Child` is dropped and avx reaps it).
    ///
    /// # Errors
    ///
    /// If the signal cannot be sent. Killing a child already waited for is `Ok`.
    pub fn start_kill(&mut self) -> io::Result<()> {
        match &mut self.child {
            FusedChild::Running(Running::Native(reaper)) => reaper.kill(),
            #[cfg(feature = "tokio")]
            FusedChild::Running(Running::Tokio(child)) => child.start_kill(),
            FusedChild::Done(_) => Ok(()),
        }
    }

    /// Kills the child (`SIGKILL`) and waits for it to exit. Unlike std's `kill`,
    /// this waits; [`start_kill`](Child::start_kill) does not.
    ///
    /// # Errors
    ///
    /// Those of `start_kill` and `wait`.
    pub async fn kill(&mut self) -> io::Result<()> {
        self.start_kill()?;
        self.wait().await?;
        Ok(())
    }

    /// Waits for the child to exit and returns its status; later calls return the
    /// same status.
    ///
    /// The child's stdin, if still held, is closed first, so a child reading its
    /// input to the end cannot deadlock with a parent waiting for it.
    ///
    /// # Cancel safety
    ///
    /// Cancel-safe.
    ///
    /// # Errors
    ///
    /// If collecting the status fails.
    pub async fn wait(&mut self) -> io::Result<ExitStatus> {
        drop(self.stdin.take());
        let status = match &mut self.child {
            FusedChild::Done(status) => return Ok(*status),
            FusedChild::Running(Running::Native(reaper)) => {
                poll_fn(|cx| reaper.poll_wait(cx)).await?
            }
            #[cfg(feature = "tokio")]
            FusedChild::Running(Running::Tokio(child)) => child.wait().await?,
        };
        self.child = FusedChild::Done(status);
        Ok(status)
    }

    /// The exit status if the child has exited (reaping it), `None` if it still
    /// runs. Does not close stdin and does not wake the task when the child exits.
    ///
    /// # Errors
    ///
    /// If collecting the status fails.
    pub fn try_wait(&mut self) -> io::Result<Option<ExitStatus>> {
        let status = match &mut self.child {
            FusedChild::Done(status) => return Ok(Some(*status)),
            FusedChild::Running(Running::Native(reaper)) => reaper.try_wait()?,
            #[cfg(feature = "tokio")]
            FusedChild::Running(Running::Tokio(child)) => child.try_wait()?,
        };
        if let Some(status) = status {
            self.child = FusedChild::Done(status);
        }
        Ok(status)
    }

    /// Waits for the child to exit while reading all of its stdout and stderr (those
    /// that are piped; the others come back empty). Stdin is closed first.
    ///
    /// # Errors
    ///
    /// The first error from waiting or reading.
    pub async fn wait_with_output(mut self) -> io::Result<Output> {
        let mut stdout_pipe = self.stdout.take();
        let mut stderr_pipe = self.stderr.take();
        let (mut stdout, mut stderr) = (Vec::new(), Vec::new());
        let (mut stdout_done, mut stderr_done) = (stdout_pipe.is_none(), stderr_pipe.is_none());
        let mut status = None;
        {
            let mut wait = std::pin::pin!(self.wait());
            poll_fn(|cx| {
                if status.is_none() {
                    if let Poll::Ready(result) = wait.as_mut().poll(cx) {
                        status = Some(result?);
                    }
                }
                if !stdout_done {
                    if let Poll::Ready(result) = poll_read_to_end(&mut stdout_pipe, &mut stdout, cx)
                    {
                        result?;
                        stdout_done = true;
                    }
                }
                if !stderr_done {
                    if let Poll::Ready(result) = poll_read_to_end(&mut stderr_pipe, &mut stderr, cx)
                    {
                        result?;
                        stderr_done = true;
                    }
                }
                if status.is_some() && stdout_done && stderr_done {
                    Poll::Ready(Ok::<(), io::Error>(()))
                } else {
                    Poll::Pending
                }
            })
            .await?;
        }
        Ok(Output {
            status: status.expect("set before the loop ends"),
            stdout,
            stderr,
        })
    }
}

/// Reads `reader` (if any) to end-of-file, appending to `out`.
fn poll_read_to_end<R: AsyncRead + Unpin>(
    reader: &mut Option<R>,
    out: &mut Vec<u8>,
    cx: &mut Context<'_>,
) -> Poll<io::Result<()>> {
    let Some(reader) = reader else {
        return Poll::Ready(Ok(()));
    };
    let mut chunk = [0u8; 8 * 1024];
    loop {
        let mut buf = ReadBuf::new(&mut chunk);
        ready!(Pin::new(&mut *reader).poll_read(cx, &mut buf))?;
        if buf.filled().is_empty() {
            return Poll::Ready(Ok(()));
        }
        out.extend_from_slice(buf.filled());
    }
}

impl fmt::Debug for Child {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let mut s = f.debug_struct("Child");
        match &self.child {
            FusedChild::Running(Running::Native(reaper)) => s.field("child", reaper),
            #[cfg(feature = "tokio")]
            FusedChild::Running(Running::Tokio(child)) => s.field("child", child),
            FusedChild::Done(status) => s.field("status", status),
        };
        s.field("stdin", &self.stdin)
            .field("stdout", &self.stdout)
            .field("stderr", &self.stderr)
            .finish()
    }
}
