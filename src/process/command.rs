//! [`Command`]: std's process builder, with asynchronous `spawn`, `status` and
//! `output`.

use std::ffi::OsStr;
use std::future::Future;
use std::io;
use std::os::unix::process::CommandExt;
use std::path::Path;
use std::process::{Command as StdCommand, ExitStatus, Output, Stdio};

use super::Child;

/// A process builder: std's [`Command`](std::process::Command), whose `spawn`,
/// `status` and `output` give asynchronous results.
///
/// ```no_run
/// use avx::process::Command;
///
/// # async fn run() -> std::io::Result<()> {
/// let output = Command::new("echo").arg("hello").output().await?;
/// assert!(output.status.success());
/// assert_eq!(output.stdout, b"hello\n");
/// # Ok(())
/// # }
/// ```
#[derive(Debug)]
pub struct Command {
    std: StdCommand,
    kill_on_drop: bool,
}

impl Command {
    /// A command to run `program`, with no arguments, the parent's environment and
    /// working directory, and inherited stdio (`output` pipes stdout and stderr).
    /// A `program` that is not a path is looked up in `PATH`.
    pub fn new<S: AsRef<OsStr>>(program: S) -> Command {
        Command::from(StdCommand::new(program))
    }

    /// The std command inside.
    pub fn as_std(&self) -> &StdCommand {
        &self.std
    }

    /// The std command inside, mutably (for builder methods avx does not mirror,
    /// such as the unsafe `pre_exec`).
    pub fn as_std_mut(&mut self) -> &mut StdCommand {
        &mut self.std
    }

    /// The std command inside; the avx-only setting (`kill_on_drop`) is lost.
    pub fn into_std(self) -> StdCommand {
        self.std
    }

    /// Adds an argument.
    pub fn arg<S: AsRef<OsStr>>(&mut self, arg: S) -> &mut Command {
        self.std.arg(arg);
        self
    }

    /// Adds several arguments.
    pub fn args<I, S>(&mut self, args: I) -> &mut Command
    where
        I: IntoIterator<Item = S>,
        S: AsRef<OsStr>,
    {
        self.std.args(args);
        self
    }

    /// Sets an environment variable for the child.
    pub fn env<K, V>(&mut self, key: K, val: V) -> &mut Command
    where
        K: AsRef<OsStr>,
        V: AsRef<OsStr>,
    {
        self.std.env(key, val);
        self
    }

    /// Sets several environment variables for the child.
    pub fn envs<I, K, V>(&mut self, vars: I) -> &mut Command
    where
        I: IntoIterator<Item = (K, V)>,
        K: AsRef<OsStr>,
        V: AsRef<OsStr>,
    {
        self.std.envs(vars);
        self
    }

    /// Removes an environment variable from the child's environment.
    pub fn env_remove<K: AsRef<OsStr>>(&mut self, key: K) -> &mut Command {
        self.std.env_remove(key);
        self
    }

    /// Clears the child's environment, including what `env` set before.
    pub fn env_clear(&mut self) -> &mut Command {
        self.std.env_clear();
        self
    }

    /// Sets the child's working directory.
    pub fn current_dir<P: AsRef<Path>>(&mut self, dir: P) -> &mut Command {
        self.std.current_dir(dir);
        self
    }

    /// Configures the child's stdin (`Stdio::piped()` gives [`Child::stdin`]).
    pub fn stdin<T: Into<Stdio>>(&mut self, cfg: T) -> &mut Command {
        self.std.stdin(cfg);
        self
    }

    /// Configures the child's stdout (`Stdio::piped()` gives [`Child::stdout`]).
    pub fn stdout<T: Into<Stdio>>(&mut self, cfg: T) -> &mut Command {
        self.std.stdout(cfg);
        self
    }

    /// Configures the child's stderr (`Stdio::piped()` gives [`Child::stderr`]).
    pub fn stderr<T: Into<Stdio>>(&mut self, cfg: T) -> &mut Command {
        self.std.stderr(cfg);
        self
    }

    /// Whether dropping the [`Child`] (or the future of `status`/`output`) before
    /// the process exits kills it with `SIGKILL`. Off by default, as in std.
    ///
    /// The killed process is reaped in the background, on a best-effort basis:
    /// wait for it (`child.kill().await`) where a guarantee is needed.
    pub fn kill_on_drop(&mut self, kill_on_drop: bool) -> &mut Command {
        self.kill_on_drop = kill_on_drop;
        self
    }

    /// The child's user id (`setuid` in the child; a failure fails the spawn).
    pub fn uid(&mut self, id: u32) -> &mut Command {
        self.std.uid(id);
        self
    }

    /// The child's group id, as [`uid`](Command::uid).
    pub fn gid(&mut self, id: u32) -> &mut Command {
        self.std.gid(id);
        self
    }

    /// The child's `argv[0]`, instead of the program path.
    pub fn arg0<S>(&mut self, arg: S) -> &mut Command
    where
        S: AsRef<OsStr>,
    {
        self.std.arg0(arg);
        self
    }

    /// The child's process group (`setpgid`); 0 makes a new group led by the child.
    pub fn process_group(&mut self, pgroup: i32) -> &mut Command {
        self.std.process_group(pgroup);
        self
    }

    /// Starts the process on the current runtime.
    ///
    /// # Errors
    ///
    /// If the process cannot be started: `NotFound` for a program that does not
    /// exist, `WouldBlock` when the system's process limit is reached, or an error
    /// registering its pipes.
    ///
    /// # Panics
    ///
    /// Outside a runtime, or on one without I/O, with tokio's messages.
    #[track_caller]
    pub fn spawn(&mut self) -> io::Result<Child> {
        #[cfg(feature = "tokio")]
        if !avx_native::runtime::has_current() {
            return Child::spawn_tokio(&mut self.std, self.kill_on_drop);
        }
        Child::spawn_native(&mut self.std, self.kill_on_drop)
    }

    /// Runs the process to completion and returns its exit status. Stdio is
    /// inherited unless configured; piped handles are closed at once.
    ///
    /// The process starts when this is called, not when the future is first
    /// polled. Dropping the future early kills the process if
    /// [`kill_on_drop`](Command::kill_on_drop) is set.
    ///
    /// # Errors
    ///
    /// Those of [`spawn`](Command::spawn) and [`Child::wait`].
    #[track_caller]
    pub fn status(&mut self) -> impl Future<Output = io::Result<ExitStatus>> + use<> {
        let child = self.spawn();
        async move {
            let mut child = child?;
            // Closing our ends of any pipes, so the child cannot block on them.
            child.stdin.take();
            child.stdout.take();
            child.stderr.take();
            child.wait().await
        }
    }

    /// Runs the process to completion, collecting its stdout and stderr (always
    /// piped, whatever was configured; unlike std) and its exit status.
    ///
    /// The process starts when this is called. Dropping the future early kills the
    /// process if [`kill_on_drop`](Command::kill_on_drop) is set.
    ///
    /// # Errors
    ///
    /// Those of [`spawn`](Command::spawn) and [`Child::wait_with_output`].
    #[track_caller]
    pub fn output(&mut self) -> impl Future<Output = io::Result<Output>> + use<> {
        self.std.stdout(Stdio::piped());
        self.std.stderr(Stdio::piped());
        let child = self.spawn();
        async move { child?.wait_with_output().await }
    }

    /// The value set by [`kill_on_drop`](Command::kill_on_drop) (`false` unless set).
    pub fn get_kill_on_drop(&self) -> bool {
        self.kill_on_drop
    }
}

impl From<StdCommand> for Command {
    fn from(std: StdCommand) -> Command {
        Command {
            std,
            kill_on_drop: false,
        }
    }
}
