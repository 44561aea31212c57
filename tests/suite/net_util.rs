//! Helpers for the networking tests: connected pairs, a deadline that turns a hang
//! into a failure, scratch directories, and running one test in a child process.

use std::future::Future;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::Duration;

use avx::net::{TcpListener, TcpStream};

/// Far longer than any healthy exchange on loopback takes; only a hang reaches it.
pub(crate) const DEADLINE: Duration = Duration::from_secs(30);

/// Runs `future`, failing the test if it has not finished by [`DEADLINE`].
pub(crate) async fn within<F: Future>(future: F) -> F::Output {
    avx::time::timeout(DEADLINE, future)
        .await
        .expect("the operation hung")
}

/// A connected TCP pair over IPv4 loopback: (client, server).
pub(crate) async fn tcp_pair() -> (TcpStream, TcpStream) {
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    let (client, accepted) = avx::join!(TcpStream::connect(addr), listener.accept());
    (client.unwrap(), accepted.unwrap().0)
}

/// A directory for socket files, removed when dropped.
pub(crate) struct TempDir(PathBuf);

impl TempDir {
    pub(crate) fn new(tag: &str) -> TempDir {
        use std::sync::atomic::{AtomicUsize, Ordering};
        static NEXT: AtomicUsize = AtomicUsize::new(0);
        let n = NEXT.fetch_add(1, Ordering::Relaxed);
        let dir = std::env::temp_dir().join(format!(
            "avx-{}-{}-{tag}-{n}",
            crate::BACKEND.name(),
            std::process::id()
        ));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(&dir).unwrap();
        TempDir(dir)
    }

    pub(crate) fn path(&self) -> &Path {
        &self.0
    }
}

impl Drop for TempDir {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

/// Runs the ignored test `name` (a path below this file's crate, like
/// `suite::net_faults::child`) alone in a fresh copy of this test binary, with the
/// file-descriptor limit lowered to `fd_limit` when given, and asserts it passed.
///
/// A process of its own keeps other tests from disturbing what the child counts,
/// and lets it lower its descriptor limit without starving them.
pub(crate) fn run_child(name: &str, fd_limit: Option<u32>) {
    let exe = std::env::current_exe().unwrap();
    let limit = fd_limit.map_or(String::new(), |n| format!("ulimit -n {n} && "));
    let output = Command::new("bash")
        .arg("-c")
        .arg(format!("{limit}exec \"$0\" \"$@\""))
        .arg(exe)
        .args([
            name,
            "--exact",
            "--ignored",
            "--nocapture",
            "--test-threads=1",
        ])
        .output()
        .expect("bash runs");
    let stdout = String::from_utf8_lossy(&output.stdout);
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(
        output.status.success() && stdout.contains("1 passed"),
        "child test {name} failed ({}):\n{stdout}\n{stderr}",
        output.status
    );
}

/// The path of `item` as the test harness names it: `module_path!()` without the
/// crate's name.
pub(crate) fn test_path(module: &str, item: &str) -> String {
    let (_, below_crate) = module.split_once("::").expect("a module below the crate");
    format!("{below_crate}::{item}")
}
