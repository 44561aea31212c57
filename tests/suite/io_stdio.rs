//! `stdin`, `stdout`, `stderr`.
//!
//! The handles drive the process's real standard streams, so the tests run a
//! child: this same test binary, re-run on the `child` test below with its
//! stdin piped and its stdout and stderr captured. The child marks its own
//! output, since the test harness writes to stdout too.

use std::io::Write as _;
use std::process::{Command, Stdio};

use avx::io::{AsyncReadExt, AsyncWriteExt};

use super::io_support::block_on;

/// Set in the child's environment; names what it should do.
const MODE: &str = "AVX_IO_STDIO_CHILD";
const BEGIN: &str = "<<avx-stdio-begin>>";
const END: &str = "<<avx-stdio-end>>";

/// Runs the `child` test in a new process in `mode`, feeding it `input`;
/// returns its marked stdout and its stderr.
fn run_child(mode: &str, input: &[u8]) -> (Vec<u8>, Vec<u8>) {
    let mut child = Command::new(std::env::current_exe().unwrap())
        .args([
            "--ignored",
            "--exact",
            "suite::io_stdio::child",
            "--nocapture",
            "--test-threads=1",
        ])
        .env(MODE, mode)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let mut stdin = child.stdin.take().unwrap();
    let input = input.to_vec();
    let feeder = std::thread::spawn(move || {
        stdin.write_all(&input).unwrap();
        // Dropping `stdin` closes the pipe: the child reads end of file.
    });
    let output = child.wait_with_output().unwrap();
    feeder.join().unwrap();
    assert!(
        output.status.success(),
        "child failed: {}\n{}",
        output.status,
        String::from_utf8_lossy(&output.stderr)
    );
    (marked(&output.stdout), output.stderr)
}

/// The bytes between the markers.
fn marked(stdout: &[u8]) -> Vec<u8> {
    let find = |needle: &[u8]| {
        stdout
            .windows(needle.len())
            .position(|w| w == needle)
            .unwrap_or_else(|| panic!("no marker in: {}", String::from_utf8_lossy(stdout)))
    };
    let begin = find(BEGIN.as_bytes()) + BEGIN.len();
    let end = find(END.as_bytes());
    stdout[begin..end].to_vec()
}

/// The child's side: what each mode does with the standard streams.
#[test]
#[ignore = "run in a child process by the other tests in this file"]
fn child() {
    let mode = std::env::var(MODE).expect("run by run_child");
    block_on(async {
        let mut out = avx::io::stdout();
        out.write_all(BEGIN.as_bytes()).await.unwrap();
        match mode.as_str() {
            "ordered" => {
                // Many small writes through one handle, none awaited to the
                // stream: they must come out whole and in order.
                for i in 0..2000 {
                    out.write_all(format!("line {i}\n").as_bytes())
                        .await
                        .unwrap();
                }
            }
            "large" => {
                // One write moves at most 2 MiB, and says so.
                let big = vec![b'x'; 3 * 1024 * 1024];
                let n = out.write(&big).await.unwrap();
                assert_eq!(n, 2 * 1024 * 1024);
                out.write_all(&big[n..]).await.unwrap();
            }
            "stderr" => {
                let mut err = avx::io::stderr();
                for i in 0..100 {
                    err.write_all(format!("err {i}\n").as_bytes())
                        .await
                        .unwrap();
                }
                err.flush().await.unwrap();
                err.shutdown().await.unwrap();
            }
            "echo" => {
                let mut stdin = avx::io::stdin();
                let mut got = Vec::new();
                let mut chunk = [0u8; 1000];
                // A large read abandoned while its blocking read is in flight:
                // the bytes it brings in are kept for the next, smaller reads.
                {
                    let read = std::pin::pin!(stdin.read(&mut chunk));
                    if let std::task::Poll::Ready(n) = super::io_support::poll_once(read) {
                        got.extend_from_slice(&chunk[..n.unwrap()]);
                    }
                }
                loop {
                    let n = stdin.read(&mut chunk[..7]).await.unwrap();
                    if n == 0 {
                        break;
                    }
                    got.extend_from_slice(&chunk[..n]);
                }
                assert_eq!(
                    stdin.read(&mut chunk).await.unwrap(),
                    0,
                    "stays at end of file"
                );
                out.write_all(&got).await.unwrap();
            }
            "unflushed" => {
                // Handed to the blocking pool, never awaited to the stream:
                // the runtime shuts down right after.
                out.write_all(END.as_bytes()).await.unwrap();
                return;
            }
            other => panic!("unknown mode {other}"),
        }
        out.write_all(END.as_bytes()).await.unwrap();
        out.flush().await.unwrap();
    });
}

#[test]
fn stdout_writes_arrive_whole_and_in_order() {
    let (out, _) = run_child("ordered", b"");
    let expected: String = (0..2000).map(|i| format!("line {i}\n")).collect();
    assert_eq!(String::from_utf8(out).unwrap(), expected);
}

#[test]
fn stdout_writes_survive_the_runtime_shutting_down() {
    // Whether the pool had started the last write before the shutdown is a
    // race; every run must print it either way.
    for _ in 0..20 {
        let (out, _) = run_child("unflushed", b"");
        assert!(out.is_empty());
    }
}

#[test]
fn stdout_write_is_partial_past_two_mebibytes() {
    let (out, _) = run_child("large", b"");
    assert_eq!(out.len(), 3 * 1024 * 1024);
    assert!(out.iter().all(|&b| b == b'x'));
}

#[test]
fn stderr_writes_arrive_in_order() {
    let (out, err) = run_child("stderr", b"");
    assert!(out.is_empty());
    let expected: String = (0..100).map(|i| format!("err {i}\n")).collect();
    let err = String::from_utf8(err).unwrap();
    assert!(err.contains(&expected), "stderr was: {err}");
}

#[test]
fn stdin_reads_everything_then_end_of_file() {
    let input: Vec<u8> = (0..200_000u32).map(|i| (i % 251) as u8).collect();
    let (out, _) = run_child("echo", &input);
    assert_eq!(out, input);
}

#[test]
fn handles_name_the_standard_file_descriptors() {
    use std::os::fd::{AsFd, AsRawFd};
    assert_eq!(avx::io::stdin().as_raw_fd(), 0);
    assert_eq!(avx::io::stdout().as_raw_fd(), 1);
    assert_eq!(avx::io::stderr().as_fd().as_raw_fd(), 2);
    assert!(format!("{:?}", avx::io::stdout()).starts_with("Stdout"));
}

#[test]
fn empty_writes_and_flushes_complete_in_process() {
    block_on(async {
        let mut out = avx::io::stdout();
        assert_eq!(out.write(b"").await.unwrap(), 0);
        out.flush().await.unwrap();
        let mut err = avx::io::stderr();
        assert_eq!(err.write(b"").await.unwrap(), 0);
        err.shutdown().await.unwrap();
    });
}
