//! `avx::process`: spawning, waiting, killing, reaping, and the child's pipes.
//!
//! Zombie checks read `/proc/<pid>/stat` (Linux): a child that was reaped has no
//! entry, or the pid already belongs to a process that is not ours.

use std::io::ErrorKind;
use std::os::unix::process::ExitStatusExt;
use std::process::{ExitStatus, Stdio};
use std::time::{Duration, Instant};

use avx::io::{AsyncReadExt, AsyncWriteExt};
use avx::process::{Child, Command};

/// A command for `sh -c script`.
fn sh(script: &str) -> Command {
    let mut command = Command::new("sh");
    command.arg("-c").arg(script);
    command
}

/// A child that runs until killed: killed on drop, so that a failing test leaves
/// no process behind (one would hold the test harness's output pipe open).
fn sleeper() -> Command {
    let mut command = Command::new("sleep");
    command.arg("1000").kill_on_drop(true);
    command
}

/// The state letter and parent pid of `pid`, from `/proc`; `None` if there is no
/// such process.
fn proc_stat(pid: u32) -> Option<(char, u32)> {
    let stat = std::fs::read_to_string(format!("/proc/{pid}/stat")).ok()?;
    // "pid (comm) S ppid ...": comm may hold spaces and parentheses.
    let rest = &stat[stat.rfind(')')? + 1..];
    let mut fields = rest.split_whitespace();
    let state = fields.next()?.chars().next()?;
    let ppid = fields.next()?.parse().ok()?;
    Some((state, ppid))
}

/// Whether `pid` is still a child of this process, running or a zombie.
fn is_our_child(pid: u32) -> bool {
    proc_stat(pid).is_some_and(|(_, ppid)| ppid == std::process::id())
}

/// Whether `pid` is a child of ours that is running (not a zombie).
fn is_running_child(pid: u32) -> bool {
    proc_stat(pid).is_some_and(|(state, ppid)| ppid == std::process::id() && state != 'Z')
}

/// Polls `condition` until it holds, failing after a generous deadline. For
/// outcomes that happen in the background (reaping an orphan) and have no event
/// a test could wait on.
async fn eventually(what: &str, mut condition: impl FnMut() -> bool) {
    let deadline = Instant::now() + Duration::from_secs(20);
    while !condition() {
        assert!(Instant::now() < deadline, "timed out waiting until {what}");
        avx::time::sleep(Duration::from_millis(2)).await;
    }
}

/// `wait`, bounded so that a lost wake-up fails the test instead of hanging it.
async fn wait(child: &mut Child) -> ExitStatus {
    avx::time::timeout(Duration::from_secs(20), child.wait())
        .await
        .expect("the child exits")
        .expect("wait succeeds")
}

rt_test! {
    async fn spawn_echo_and_wait() {
        let mut child = Command::new("echo").arg("hi").stdout(Stdio::null()).spawn().unwrap();
        assert!(child.id().is_some());
        let status = wait(&mut child).await;
        assert!(status.success());
        assert_eq!(status.code(), Some(0));
        assert_eq!(child.id(), None, "no pid once reaped");
        // Waiting again returns the same status.
        assert_eq!(wait(&mut child).await, status);
    }
}

rt_test! {
    async fn output_collects_stdout_stderr_and_the_exit_code() {
        let output = sh("echo out; echo err >&2; exit 3").output().await.unwrap();
        assert_eq!(output.stdout, b"out\n");
        assert_eq!(output.stderr, b"err\n");
        assert_eq!(output.status.code(), Some(3));
        assert!(!output.status.success());
    }
}

rt_test! {
    async fn status_returns_the_exit_code_and_closes_piped_stdin() {
        assert_eq!(sh("exit 42").status().await.unwrap().code(), Some(42));
        // The futures borrow nothing from the command and are Send: spawnable.
        let mut command = sh("exit 5");
        let status = avx::spawn(command.status());
        let output = avx::spawn(command.output());
        drop(command);
        assert_eq!(status.await.unwrap().unwrap().code(), Some(5));
        assert_eq!(output.await.unwrap().unwrap().status.code(), Some(5));
        // `cat` exits only once its stdin closes: `status` must not hold the pipe.
        let status = Command::new("cat")
            .stdin(Stdio::piped())
            .stdout(Stdio::null())
            .status()
            .await
            .unwrap();
        assert!(status.success());
    }
}

rt_test! {
    async fn cat_round_trips_more_than_a_pipe_buffer() {
        let mut cat = Command::new("cat")
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .spawn()
            .unwrap();
        let mut stdin = cat.stdin.take().unwrap();
        let mut stdout = cat.stdout.take().unwrap();
        // Several times a pipe's 64 KiB capacity, so both sides must wait for the
        // other: the writer for space, the reader for data.
        let sent: Vec<u8> = (0..1024 * 1024u32).map(|i| (i % 251) as u8).collect();
        let expected = sent.clone();
        let writer = avx::spawn(async move {
            stdin.write_all(&sent).await.unwrap();
            stdin.flush().await.unwrap();
            // Dropping stdin is cat's end-of-file.
        });
        let mut echoed = Vec::new();
        stdout.read_to_end(&mut echoed).await.unwrap();
        writer.await.unwrap();
        assert_eq!(echoed.len(), expected.len());
        assert!(echoed == expected, "cat echoed the bytes in order");
        assert!(wait(&mut cat).await.success());
    }
}

rt_test! {
    async fn wait_with_output_reads_both_pipes_while_waiting() {
        let mut child = sh("cat; echo done >&2")
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap();
        child.stdin.as_mut().unwrap().write_all(b"through cat").await.unwrap();
        // wait_with_output closes stdin itself.
        let output = child.wait_with_output().await.unwrap();
        assert!(output.status.success());
        assert_eq!(output.stdout, b"through cat");
        assert_eq!(output.stderr, b"done\n");

        // A child with no pipes gives empty output.
        let child = Command::new("true").spawn().unwrap();
        let output = child.wait_with_output().await.unwrap();
        assert!(output.status.success() && output.stdout.is_empty() && output.stderr.is_empty());
    }
}

rt_test! {
    async fn exit_status_reports_a_terminating_signal() {
        let status = sh("kill -TERM $$").status().await.unwrap();
        assert_eq!(status.signal(), Some(15));
        assert_eq!(status.code(), None);
        assert!(!status.success());
    }
}

rt_test! {
    async fn kill_waits_for_the_child() {
        let mut child = sleeper().spawn().unwrap();
        assert_eq!(child.try_wait().unwrap(), None);
        child.kill().await.unwrap();
        let status = child.try_wait().unwrap().expect("reaped by kill");
        assert_eq!(status.signal(), Some(9));
        assert_eq!(child.id(), None);
        // Killing what is already reaped is not an error.
        child.start_kill().unwrap();
        child.kill().await.unwrap();
    }
}

rt_test! {
    async fn start_kill_then_wait() {
        let mut child = sleeper().spawn().unwrap();
        let pid = child.id().unwrap();
        child.start_kill().unwrap();
        let status = wait(&mut child).await;
        assert_eq!(status.signal(), Some(9));
        #[cfg(target_os = "linux")]
        assert!(!is_our_child(pid), "wait reaped it");
        let _ = pid;
    }
}

rt_test! {
    async fn try_wait_before_and_after_exit() {
        // `cat` runs until its stdin closes, so it is certainly running here.
        let mut child = Command::new("cat")
            .stdin(Stdio::piped())
            .stdout(Stdio::null())
            .spawn()
            .unwrap();
        assert_eq!(child.try_wait().unwrap(), None);
        assert!(child.id().is_some());
        drop(child.stdin.take());
        // try_wait alone never blocks: poll it until cat has exited.
        let mut status = None;
        eventually("cat exits", || {
            status = child.try_wait().unwrap();
            status.is_some()
        })
        .await;
        let status = status.unwrap();
        assert!(status.success());
        assert_eq!(child.id(), None);
        assert_eq!(child.try_wait().unwrap(), Some(status), "the same status again");
        assert_eq!(wait(&mut child).await, status);
    }
}

rt_test! {
    async fn a_missing_program_is_not_found() {
        let missing = "/nonexistent/avx-no-such-program";
        let err = Command::new(missing).spawn().unwrap_err();
        assert_eq!(err.kind(), ErrorKind::NotFound);
        assert_eq!(Command::new(missing).status().await.unwrap_err().kind(), ErrorKind::NotFound);
        assert_eq!(Command::new(missing).output().await.unwrap_err().kind(), ErrorKind::NotFound);
        // The command stays usable after a failed spawn.
        let mut command = Command::new(missing);
        assert!(command.spawn().is_err());
        assert_eq!(command.as_std().get_program(), missing);
    }
}

rt_test! {
    async fn builder_methods_reach_the_child() {
        let output = sh("echo \"$AVX_A $AVX_B\"; pwd")
            .env("AVX_A", "one")
            .envs([("AVX_B", "two")])
            .current_dir("/")
            .output()
            .await
            .unwrap();
        assert_eq!(output.stdout, b"one two\n/\n");

        let output = Command::new("env")
            .env_clear()
            .env("AVX_ONLY", "1")
            .env("AVX_GONE", "x")
            .env_remove("AVX_GONE")
            .output()
            .await
            .unwrap();
        assert_eq!(output.stdout, b"AVX_ONLY=1\n");

        let mut command = Command::new("true");
        assert!(!command.get_kill_on_drop());
        command.kill_on_drop(true);
        assert!(command.get_kill_on_drop());
        command.as_std_mut().arg("ignored");
        assert_eq!(command.as_std().get_args().count(), 1);
        let std = Command::from(std::process::Command::new("true")).into_std();
        assert_eq!(std.get_program(), "true");
    }
}

#[cfg(target_os = "linux")]
rt_test! {
    async fn unix_builder_methods_reach_the_child() {
        use std::os::unix::fs::MetadataExt;

        // A group of its own, led by the child: its pgid is its pid. setpgid runs
        // before exec, and spawn returns after the exec started.
        let mut child = sleeper().process_group(0).spawn().unwrap();
        let pid = child.id().unwrap();
        let stat = std::fs::read_to_string(format!("/proc/{pid}/stat")).unwrap();
        let pgid: u32 = stat[stat.rfind(')').unwrap() + 1..]
            .split_whitespace()
            .nth(2)
            .unwrap()
            .parse()
            .unwrap();
        child.kill().await.unwrap();
        assert_eq!(pgid, pid);

        // argv[0], read by the child itself (from outside, /proc may still show
        // the pre-exec command line for a moment after spawn returns).
        let output = Command::new("sh")
            .arg0("avx-renamed")
            .args(["-c", "cat /proc/$$/cmdline"])
            .output()
            .await
            .unwrap();
        assert!(output.stdout.starts_with(b"avx-renamed\0-c\0"), "{:?}", output.stdout);

        // uid/gid: our own ids, which any user may set.
        let me = std::fs::metadata("/proc/self").unwrap();
        let output = sh("id -u; id -g").uid(me.uid()).gid(me.gid()).output().await.unwrap();
        assert_eq!(output.stdout, format!("{}\n{}\n", me.uid(), me.gid()).into_bytes());
    }
}

rt_test! {
    async fn one_childs_stdout_becomes_anothers_stdin() {
        let mut echo = Command::new("echo")
            .arg("hello world")
            .stdout(Stdio::piped())
            .spawn()
            .unwrap();
        let pipe: Stdio = echo.stdout.take().unwrap().try_into().unwrap();
        let tr = Command::new("tr")
            .args(["a-z", "A-Z"])
            .stdin(pipe)
            .stdout(Stdio::piped())
            .spawn()
            .unwrap();
        let output = tr.wait_with_output().await.unwrap();
        assert_eq!(output.stdout, b"HELLO WORLD\n");
        assert!(wait(&mut echo).await.success());
    }
}

rt_test! {
    async fn into_owned_fd_hands_back_a_blocking_pipe() {
        use std::io::Read;

        let mut child = Command::new("echo").arg("raw").stdout(Stdio::piped()).spawn().unwrap();
        let fd = child.stdout.take().unwrap().into_owned_fd().unwrap();
        // A blocking read: it waits for echo instead of failing with WouldBlock.
        let mut text = String::new();
        std::fs::File::from(fd).read_to_string(&mut text).unwrap();
        assert_eq!(text, "raw\n");
        assert!(wait(&mut child).await.success());
    }
}

rt_test! {
    async fn stdio_from_std_is_usable() {
        let mut std_child = std::process::Command::new("cat")
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .spawn()
            .unwrap();
        let mut stdin = avx::process::ChildStdin::from_std(std_child.stdin.take().unwrap()).unwrap();
        let mut stdout =
            avx::process::ChildStdout::from_std(std_child.stdout.take().unwrap()).unwrap();
        stdin.write_all(b"adopted").await.unwrap();
        drop(stdin);
        let mut echoed = Vec::new();
        stdout.read_to_end(&mut echoed).await.unwrap();
        assert_eq!(echoed, b"adopted");
        // std's own wait; the child has closed its stdout, so this is quick.
        assert!(std_child.wait().unwrap().success());
    }
}

rt_test! {
    async fn wait_is_cancel_safe() {
        let mut child = Command::new("cat")
            .stdin(Stdio::piped())
            .stdout(Stdio::null())
            .spawn()
            .unwrap();
        let mut stdin = child.stdin.take().unwrap();
        // A wait abandoned while cat runs ...
        let abandoned = avx::time::timeout(Duration::ZERO, child.wait()).await;
        assert!(abandoned.is_err());
        stdin.write_all(b"x").await.unwrap();
        drop(stdin);
        // ... leaves the child waitable.
        assert!(wait(&mut child).await.success());
    }
}

#[cfg(target_os = "linux")]
rt_test! {
    async fn kill_on_drop_kills_and_reaps() {
        let child = sleeper().kill_on_drop(true).spawn().unwrap();
        let pid = child.id().unwrap();
        assert!(is_running_child(pid));
        drop(child);
        eventually("the killed child is reaped", || !is_our_child(pid)).await;
    }
}

#[cfg(target_os = "linux")]
rt_test! {
    async fn a_dropped_child_keeps_running_and_is_reaped_after_it_exits() {
        let child = sleeper().kill_on_drop(false).spawn().unwrap();
        let pid = child.id().unwrap();
        drop(child);
        // Without kill_on_drop the process outlives its handle ...
        let survived = is_running_child(pid);
        let killed = std::process::Command::new("kill")
            .args(["-KILL", &pid.to_string()])
            .status()
            .unwrap();
        assert!(survived && killed.success());
        // ... and once it exits, the orphan queue reaps it: no zombie stays.
        eventually("the orphan is reaped", || !is_our_child(pid)).await;
    }
}

#[cfg(target_os = "linux")]
rt_test! {
    async fn many_concurrent_children_are_all_reaped() {
        const CHILDREN: usize = 48;
        let mut tasks = avx::task::JoinSet::new();
        for i in 0..CHILDREN {
            tasks.spawn(async move {
                let mut child = sh(&format!("exit {}", i % 7)).spawn().unwrap();
                let pid = child.id().unwrap();
                let status = wait(&mut child).await;
                (i, pid, status)
            });
        }
        let mut pids = Vec::new();
        while let Some(joined) = tasks.join_next().await {
            let (i, pid, status) = joined.unwrap();
            assert_eq!(status.code(), Some((i % 7) as i32));
            pids.push(pid);
        }
        assert_eq!(pids.len(), CHILDREN);
        // `wait` returned, so each was reaped then: none is left a zombie.
        for pid in &pids {
            assert!(!is_our_child(*pid), "child {pid} is still around");
        }

        // Children dropped without waiting are reaped in the background.
        let dropped: Vec<u32> = (0..CHILDREN)
            .map(|_| Command::new("true").spawn().unwrap().id().unwrap())
            .collect();
        eventually("every dropped child is reaped", || {
            dropped.iter().all(|&pid| !is_our_child(pid))
        })
        .await;
    }
}

#[test]
fn types_are_send_sync_and_unpin_as_in_tokio() {
    fn assert_traits<T: Send + Sync + Unpin + std::fmt::Debug>() {}
    assert_traits::<Command>();
    assert_traits::<Child>();
    assert_traits::<avx::process::ChildStdin>();
    assert_traits::<avx::process::ChildStdout>();
    assert_traits::<avx::process::ChildStderr>();
}
