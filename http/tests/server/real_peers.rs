//! Real peers: curl against the server. Each test skips, saying so, when curl is not
//! installed.

use std::process::Output;

use avx::process::Command;

use crate::common::TestServer;

fn have_curl() -> bool {
    let found = std::process::Command::new("which")
        .arg("curl")
        .output()
        .is_ok_and(|o| o.status.success());
    if !found {
        eprintln!("SKIPPED: curl is not installed (`which curl` found nothing)");
    }
    found
}

async fn curl(args: &[&str]) -> Output {
    let output = Command::new("curl")
        .args(["-sS", "--max-time", "20"])
        .args(args)
        .output()
        .await
        .unwrap();
    assert!(
        output.status.success(),
        "curl {args:?} failed: {}",
        String::from_utf8_lossy(&output.stderr)
    );
    output
}

fn stdout(output: &Output) -> String {
    String::from_utf8(output.stdout.clone()).unwrap()
}

#[avx::test(flavor = "multi_thread", worker_threads = 2)]
async fn curl_reuses_the_connection_for_two_urls() {
    if !have_curl() {
        return;
    }
    let server = TestServer::start().await;
    let (first, second) = (server.url("/"), server.url("/echo"));
    let output = curl(&[
        "-o",
        "/dev/null",
        "-o",
        "/dev/null",
        "-w",
        "%{num_connects}\n",
        &first,
        &second,
    ])
    .await;
    assert_eq!(
        stdout(&output),
        "1\n0\n",
        "the second URL opened a new connection"
    );
    assert_eq!(server.state.seen(), ["/", "/echo"]);
}

#[avx::test(flavor = "multi_thread", worker_threads = 2)]
async fn curl_chunked_upload() {
    if !have_curl() {
        return;
    }
    let server = TestServer::start().await;
    let path = std::env::temp_dir().join(format!("avx-http-upload-{}", std::process::id()));
    let data: Vec<u8> = (0..300_000u32).map(|i| (i % 256) as u8).collect();
    std::fs::write(&path, &data).unwrap();
    let file = format!("@{}", path.display());
    let url = server.url("/echo");
    let output = curl(&[
        "-H",
        "Transfer-Encoding: chunked",
        "--data-binary",
        &file,
        &url,
    ])
    .await;
    std::fs::remove_file(&path).ok();
    assert_eq!(output.stdout.len(), data.len());
    assert!(output.stdout == data, "the echoed upload differs");
    let output = curl(&[
        "-H",
        "Transfer-Encoding: chunked",
        "--data-binary",
        "@/dev/null",
        &server.url("/len"),
    ])
    .await;
    assert_eq!(stdout(&output), "0");
}

#[avx::test(flavor = "multi_thread", worker_threads = 2)]
async fn curl_http10() {
    if !have_curl() {
        return;
    }
    let server = TestServer::start().await;
    let output = curl(&["--http1.0", "-i", &server.url("/stream?2")]).await;
    let text = stdout(&output);
    assert!(text.starts_with("HTTP/1.1 200 OK\r\n"), "{text}");
    assert!(
        !text.to_ascii_lowercase().contains("transfer-encoding"),
        "{text}"
    );
    assert!(text.ends_with("\r\n\r\nchunk 0\nchunk 1\n"), "{text}");
}
