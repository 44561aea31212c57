//! A server under test as a child process: started (pinned to a CPU with `taskset`
//! or free), waited for until it says `ready PORT`, killed when dropped.

use std::io::{self, BufRead, BufReader};
use std::net::SocketAddr;
use std::process::{Child, ChildStdout, Command, Stdio};
use std::sync::mpsc;
use std::time::Duration;

use crate::servers::ServerKind;

/// How long a server has to bind and say so.
const START_TIMEOUT: Duration = Duration::from_secs(20);

/// A running server process.
#[derive(Debug)]
pub struct ServerProcess {
    child: Child,
    // Held open so a late write by the server never meets a closed pipe.
    _stdout: ChildStdout,
    addr: SocketAddr,
}

impl ServerProcess {
    /// Starts `kind` on a free loopback port, on CPU `cpu` alone if given, and waits
    /// until it is listening.
    pub fn start(kind: ServerKind, cpu: Option<usize>) -> io::Result<ServerProcess> {
        let (program, args) = server_command(kind)?;
        let mut command = match cpu {
            Some(cpu) => {
                // taskset execs the server: the child's pid is the server's.
                let mut command = Command::new("taskset");
                command.arg("-c").arg(cpu.to_string()).arg(&program);
                command
            }
            None => Command::new(&program),
        };
        let mut child = command
            .args(&args)
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(Stdio::inherit())
            .spawn()
            .map_err(|e| io::Error::new(e.kind(), format!("starting {program}: {e}")))?;
        let stdout = child.stdout.take().expect("stdout was piped");
        match read_ready_line(stdout) {
            Ok((port, stdout)) => Ok(ServerProcess {
                child,
                _stdout: stdout,
                addr: SocketAddr::from(([127, 0, 0, 1], port)),
            }),
            Err(e) => {
                let _ = child.kill();
                let _ = child.wait();
                Err(io::Error::new(e.kind(), format!("{}: {e}", kind.name())))
            }
        }
    }

    /// The address it listens on.
    pub fn addr(&self) -> SocketAddr {
        self.addr
    }

    /// Its process id.
    pub fn pid(&self) -> u32 {
        self.child.id()
    }

    /// Whether it is still running.
    pub fn is_running(&mut self) -> bool {
        matches!(self.child.try_wait(), Ok(None))
    }
}

impl Drop for ServerProcess {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// The program and arguments that serve `kind` on a free port.
fn server_command(kind: ServerKind) -> io::Result<(String, Vec<String>)> {
    if kind == ServerKind::CEpoll {
        let binary = env!("EPOLL_SERVER");
        if binary.is_empty() {
            return Err(io::Error::new(
                io::ErrorKind::NotFound,
                "the C server was not built (no C compiler when this crate was built)",
            ));
        }
        return Ok((binary.to_owned(), vec!["0".to_owned()]));
    }
    let exe = std::env::current_exe()?.to_string_lossy().into_owned();
    Ok((exe, vec!["serve".into(), kind.name().into(), "0".into()]))
}

/// Reads the child's `ready PORT` line, giving up after [`START_TIMEOUT`].
fn read_ready_line(stdout: ChildStdout) -> io::Result<(u16, ChildStdout)> {
    let (sender, receiver) = mpsc::channel();
    std::thread::spawn(move || {
        let mut reader = BufReader::new(stdout);
        let mut line = String::new();
        let read = reader.read_line(&mut line).map(|_| line);
        let _ = sender.send((read, reader.into_inner()));
    });
    let (line, stdout) = receiver
        .recv_timeout(START_TIMEOUT)
        .map_err(|_| io::Error::new(io::ErrorKind::TimedOut, "no `ready PORT` line within 20 s"))?;
    let line = line?;
    let port = line
        .trim()
        .strip_prefix("ready ")
        .and_then(|port| port.parse::<u16>().ok())
        .ok_or_else(|| {
            io::Error::new(
                io::ErrorKind::InvalidData,
                format!("expected `ready PORT`, got {line:?}"),
            )
        })?;
    Ok((port, stdout))
}
