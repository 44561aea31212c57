//! Every request-smuggling and bad-input vector over a real TCP connection: the
//! server answers with the vector's status, closes the connection, and the request
//! smuggled behind it never reaches the handler.

use avx_http::Limits;

use crate::common::{Ending, TestServer};

/// A request the server must refuse, followed by one that must never be handled.
async fn assert_refused(server: &TestServer, request: &[u8], status: u16, handled_before: &[&str]) {
    let shown = String::from_utf8_lossy(&request[..request.len().min(120)]).into_owned();
    let mut client = server.client().await;
    let mut wire = request.to_vec();
    wire.extend_from_slice(b"GET /smuggled HTTP/1.1\r\nHost: test\r\n\r\n");
    client.send(&wire).await;
    let answer = client.response(&avx_http::Method::GET).await;
    assert_eq!(answer.status(), status, "{shown:?}: {}", answer.text());
    assert_eq!(answer.header("connection"), Some("close"), "{shown:?}");
    assert_eq!(
        client.ending().await,
        Ending::Closed,
        "{shown:?}: the connection stays open"
    );
    let seen = server.state.seen();
    assert_eq!(seen, handled_before, "{shown:?}: the handler saw {seen:?}");
    server.state.seen.lock().unwrap().clear();
}

/// Head-level vectors: refused before the handler runs.
const HEAD_VECTORS: &[(&str, &[u8], u16)] = &[
    ("TE and CL", b"POST / HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked\r\nContent-Length: 5\r\n\r\n0\r\n\r\n", 400),
    ("CL and TE", b"POST / HTTP/1.1\r\nHost: a\r\nContent-Length: 5\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n", 400),
    ("differing CLs", b"POST / HTTP/1.1\r\nHost: a\r\nContent-Length: 5\r\nContent-Length: 6\r\n\r\nhello", 400),
    ("CL +5", b"POST / HTTP/1.1\r\nHost: a\r\nContent-Length: +5\r\n\r\nhello", 400),
    ("CL 0x5", b"POST / HTTP/1.1\r\nHost: a\r\nContent-Length: 0x5\r\n\r\nhello", 400),
    ("CL 5 5", b"POST / HTTP/1.1\r\nHost: a\r\nContent-Length: 5 5\r\n\r\nhello", 400),
    ("CL empty", b"POST / HTTP/1.1\r\nHost: a\r\nContent-Length: \r\n\r\n", 400),
    ("CL over 2^64", b"POST / HTTP/1.1\r\nHost: a\r\nContent-Length: 18446744073709551616\r\n\r\n", 400),
    ("TE not ending in chunked", b"POST / HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked, identity\r\n\r\n0\r\n\r\n", 400),
    ("TE gzip alone", b"POST / HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: gzip\r\n\r\n", 400),
    ("TE in HTTP/1.0", b"POST / HTTP/1.0\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n", 400),
    ("duplicate chunked", b"POST / HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n", 400),
    ("obs-fold", b"GET / HTTP/1.1\r\nHost: a\r\nX: a\r\n b\r\n\r\n", 400),
    ("folded TE", b"POST / HTTP/1.1\r\nHost: a\r\nTransfer-Encoding:\r\n chunked\r\n\r\n0\r\n\r\n", 400),
    ("space before colon", b"POST / HTTP/1.1\r\nHost: a\r\nTransfer-Encoding : chunked\r\n\r\n0\r\n\r\n", 400),
    ("CR in value", b"GET / HTTP/1.1\r\nHost: a\r\nX: a\rb\r\n\r\n", 400),
    ("LF in value", b"GET / HTTP/1.1\r\nHost: a\r\nX: a\nTransfer-Encoding: chunked\r\n\r\n", 400),
    ("NUL in value", b"GET / HTTP/1.1\r\nHost: a\r\nX: a\0b\r\n\r\n", 400),
    ("no Host", b"GET / HTTP/1.1\r\n\r\n", 400),
    ("two Hosts", b"GET / HTTP/1.1\r\nHost: a\r\nHost: b\r\n\r\n", 400),
    ("unknown coding", b"POST / HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: gzip, chunked\r\n\r\n0\r\n\r\n", 501),
    ("HTTP/2.0 line", b"GET / HTTP/2.0\r\nHost: a\r\n\r\n", 505),
];

#[avx::test]
async fn head_vectors_are_refused_and_close_the_connection() {
    let server = TestServer::start().await;
    for &(name, request, status) in HEAD_VECTORS {
        eprintln!("vector: {name}");
        assert_refused(&server, request, status, &[]).await;
    }
}

#[avx::test]
async fn chunked_body_vectors_are_refused_whatever_the_handler_answers() {
    let server = TestServer::start().await;
    let long_extension = format!("1;{}\r\nx\r\n0\r\n\r\n", "e".repeat(16 * 1024));
    let long_trailers = format!("1\r\nx\r\n0\r\nX: {}\r\n\r\n", "v".repeat(16 * 1024));
    let vectors: &[(&str, &[u8])] = &[
        ("17 hex digits", b"00000000000000005\r\nhello\r\n0\r\n\r\n"),
        ("chunk size overflow", b"10000000000000000\r\n"),
        ("chunk extension over 16 KiB", long_extension.as_bytes()),
        ("trailers over 16 KiB", long_trailers.as_bytes()),
        ("bare LF after the size", b"5\nhello\r\n0\r\n\r\n"),
        ("data without CRLF", b"5\r\nhelloX0\r\n\r\n"),
        ("size with a sign", b"+5\r\nhello\r\n0\r\n\r\n"),
    ];
    for &(name, body) in vectors {
        eprintln!("vector: {name}");
        let mut request =
            b"POST /len HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked\r\n\r\n".to_vec();
        request.extend_from_slice(body);
        assert_refused(&server, &request, 400, &["/len"]).await;
    }
}

#[avx::test]
async fn limits_answer_431_414_413() {
    let mut limits = Limits::default();
    limits.max_headers = 5;
    limits.max_uri_len = 64;
    limits.max_head_size = 1024;
    limits.max_body_size = Some(10);
    let server = TestServer::with_limits(limits).await;

    let many_fields: String = (0..6).map(|i| format!("X-{i}: v\r\n")).collect();
    let too_many = format!("GET / HTTP/1.1\r\nHost: a\r\n{many_fields}\r\n");
    assert_refused(&server, too_many.as_bytes(), 431, &[]).await;
    let too_big = format!(
        "GET / HTTP/1.1\r\nHost: a\r\nX: {}\r\n\r\n",
        "v".repeat(1024)
    );
    assert_refused(&server, too_big.as_bytes(), 431, &[]).await;
    let long_uri = format!("GET /{} HTTP/1.1\r\nHost: a\r\n\r\n", "u".repeat(64));
    assert_refused(&server, long_uri.as_bytes(), 414, &[]).await;
    let declared = b"POST /len HTTP/1.1\r\nHost: a\r\nContent-Length: 11\r\n\r\nhello world";
    assert_refused(&server, declared, 413, &[]).await;
    let chunked = b"POST /len HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked\r\n\r\n6\r\nhello \r\n5\r\nworld\r\n0\r\n\r\n";
    assert_refused(&server, chunked, 413, &["/len"]).await;
}

#[avx::test]
async fn default_limits_refuse_oversized_heads() {
    let server = TestServer::start().await;
    let many_fields: String = (0..101).map(|i| format!("X-{i}: v\r\n")).collect();
    let too_many = format!("GET / HTTP/1.1\r\nHost: a\r\n{many_fields}\r\n");
    assert_refused(&server, too_many.as_bytes(), 431, &[]).await;
    let too_big = format!(
        "GET / HTTP/1.1\r\nHost: a\r\nX: {}\r\n\r\n",
        "v".repeat(64 * 1024)
    );
    assert_refused(&server, too_big.as_bytes(), 431, &[]).await;
}
