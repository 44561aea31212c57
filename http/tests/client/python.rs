//! A real peer: Python's `http.server` (a `ThreadingHTTPServer` speaking HTTP/1.1
//! with keep-alive), serving a directory and a few fixed answers. Each test skips,
//! saying so, when `python3` is not installed.

use std::io::{BufRead, BufReader};
use std::path::PathBuf;
use std::process::{Child, Command, Stdio};

use avx_http::StatusCode;
use avx_http::client::Client;

use crate::common::pattern;

/// The server: binds port 0, prints the port, serves `sys.argv[1]` as a directory,
/// and answers `/port` with the client's port (so a test can tell connections
/// apart), `/close` with `Connection: close`, `/chunked` chunked, and POSTs with
/// their body echoed.
const SERVER: &str = r#"
import functools, http.server, sys

class Handler(http.server.SimpleHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def log_message(self, *args):
        pass

    def answer(self, body, *fields):
        self.send_response(200)
        self.send_header("Content-Length", str(len(body)))
        for name, value in fields:
            self.send_header(name, value)
        self.end_headers()
        self.wfile.write(body)

    def do_GET(self):
        if self.path == "/port":
            self.answer(str(self.client_address[1]).encode())
        elif self.path == "/close":
            self.answer(b"bye", ("Connection", "close"))
        elif self.path == "/chunked":
            self.send_response(200)
            self.send_header("Transfer-Encoding", "chunked")
            self.end_headers()
            for piece in (b"one ", b"two ", b"three"):
                self.wfile.write(b"%x\r\n%s\r\n" % (len(piece), piece))
            self.wfile.write(b"0\r\n\r\n")
        else:
            super().do_GET()

    def do_POST(self):
        body = self.rfile.read(int(self.headers["Content-Length"]))
        self.answer(body, ("X-Seen-Type", self.headers.get("Content-Type", "")))

handler = functools.partial(Handler, directory=sys.argv[1])
server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
print(server.server_address[1], flush=True)
server.serve_forever()
"#;

/// The Python server, stopped (by its own pid) when dropped.
struct Python {
    child: Child,
    port: u16,
    dir: PathBuf,
}

impl Python {
    /// `None`, having said so, when python3 is missing.
    fn start(files: &[(&str, Vec<u8>)]) -> Option<Python> {
        let dir = PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join(format!(
            "python-root-{}-{:?}",
            std::process::id(),
            std::thread::current().id()
        ));
        std::fs::create_dir_all(&dir).unwrap();
        for (name, data) in files {
            std::fs::write(dir.join(name), data).unwrap();
        }
        let spawned = Command::new("python3")
            .args(["-c", SERVER])
            .arg(&dir)
            .stdout(Stdio::piped())
            .spawn();
        let mut child = match spawned {
            Ok(child) => child,
            Err(error) if error.kind() == std::io::ErrorKind::NotFound => {
                eprintln!("SKIPPED: python3 is not installed");
                return None;
            }
            Err(error) => panic!("python3: {error}"),
        };
        let mut line = String::new();
        BufReader::new(child.stdout.take().unwrap())
            .read_line(&mut line)
            .unwrap();
        let port = line.trim().parse().expect("python printed its port");
        Some(Python { child, port, dir })
    }

    fn url(&self, path: &str) -> String {
        format!("http://127.0.0.1:{}{path}", self.port)
    }
}

impl Drop for Python {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
        let _ = std::fs::remove_dir_all(&self.dir);
    }
}

async fn text(client: &Client, url: &str) -> String {
    let response = client.get(url).await.unwrap();
    assert_eq!(response.status(), StatusCode::OK, "{url}");
    let body = response.into_body().to_bytes(1 << 20).await.unwrap();
    String::from_utf8(body.to_vec()).unwrap()
}

#[avx::test(flavor = "multi_thread", worker_threads = 2)]
async fn python_keeps_connections_alive() {
    let Some(python) = Python::start(&[]) else {
        return;
    };
    let client = Client::new();
    let first = text(&client, &python.url("/port")).await;
    let second = text(&client, &python.url("/port")).await;
    assert_eq!(
        first, second,
        "the second request came from another connection"
    );
    assert_eq!(
        text(&client, &python.url("/chunked")).await,
        "one two three"
    );
    assert_eq!(text(&client, &python.url("/port")).await, first);

    // Connection: close ends the connection; the next request opens another.
    assert_eq!(text(&client, &python.url("/close")).await, "bye");
    assert_eq!(client.idle_connections(), 0);
    assert_ne!(text(&client, &python.url("/port")).await, first);
}

#[avx::test(flavor = "multi_thread", worker_threads = 2)]
async fn python_serves_files_and_takes_posts() {
    let data = pattern(3 << 20);
    let Some(python) =
        Python::start(&[("data.bin", data.clone()), ("hello.txt", b"hi\n".to_vec())])
    else {
        return;
    };
    let client = Client::new();
    assert_eq!(text(&client, &python.url("/hello.txt")).await, "hi\n");

    let response = client.get(&python.url("/data.bin")).await.unwrap();
    assert_eq!(response.body().exact_len(), Some(data.len() as u64));
    let body = response.into_body().to_bytes(4 << 20).await.unwrap();
    assert!(body == data, "the file differs");

    let missing = client.get(&python.url("/missing")).await.unwrap();
    assert_eq!(missing.status(), StatusCode::NOT_FOUND);
    missing.into_body().to_bytes(1 << 20).await.unwrap();

    let response = client
        .post_json(&python.url("/echo"), r#"{"n":1}"#)
        .await
        .unwrap();
    assert_eq!(
        response.headers().get("x-seen-type").unwrap().as_bytes(),
        b"application/json"
    );
    assert_eq!(
        response.into_body().to_bytes(64).await.unwrap(),
        r#"{"n":1}"#
    );
    let response = client
        .post(&python.url("/echo"), data.clone())
        .await
        .unwrap();
    assert!(response.into_body().to_bytes(4 << 20).await.unwrap() == data);
    assert_eq!(
        client.idle_connections(),
        1,
        "one connection served them all"
    );
}
