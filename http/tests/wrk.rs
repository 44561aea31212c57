//! A load run with wrk: 64 connections for 5 s against the server, which must answer
//! every request without a socket error or a non-2xx status. Ignored by default (it
//! takes seconds and needs wrk): `cargo test -p avx-http --test wrk -- --ignored`.

use std::time::Duration;

use avx::process::Command;
use avx_http::server::{Body, RequestBody, Server};
use avx_http::{Request, Response, StatusCode};

#[avx::test(flavor = "multi_thread", worker_threads = 2)]
#[ignore = "a 5 s load run that needs wrk: run with --ignored"]
async fn wrk_runs_without_errors() {
    let found = std::process::Command::new("which")
        .arg("wrk")
        .output()
        .is_ok_and(|o| o.status.success());
    if !found {
        eprintln!("SKIPPED: wrk is not installed (`apt-get install -y wrk`)");
        return;
    }
    let server = Server::bind("127.0.0.1:0").await.unwrap();
    let url = format!("http://{}/", server.local_addr().unwrap());
    let (stop, stopped) = avx::sync::oneshot::channel::<()>();
    let serving = avx::spawn(server.serve_with_shutdown(
        |_request: Request<RequestBody>| async {
            Response::with_status(StatusCode::OK, Body::from("hello, wrk\n"))
        },
        async move {
            let _ = stopped.await;
        },
    ));
    let output = Command::new("wrk")
        .args(["-t1", "-c64", "-d5s", "--latency", &url])
        .output()
        .await
        .unwrap();
    let report = String::from_utf8_lossy(&output.stdout).into_owned();
    println!("{report}");
    assert!(
        output.status.success(),
        "wrk failed: {}",
        String::from_utf8_lossy(&output.stderr)
    );
    assert!(
        !report.contains("Socket errors"),
        "socket errors:\n{report}"
    );
    assert!(!report.contains("Non-2xx"), "non-2xx answers:\n{report}");
    let requests: u64 = report
        .lines()
        .find_map(|line| {
            line.trim()
                .split_once(" requests in ")
                .map(|(n, _)| n.trim().parse().unwrap())
        })
        .expect("no request count in the report");
    assert!(requests > 0);
    let _ = stop.send(());
    avx::time::timeout(Duration::from_secs(40), serving)
        .await
        .unwrap()
        .unwrap()
        .unwrap();
}
