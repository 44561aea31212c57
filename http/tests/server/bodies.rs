//! Bodies both ways: Content-Length and chunked uploads and downloads, streaming in
//! both directions, server-sent events flushed one by one, and what happens to a body
//! the handler leaves unread.

use avx::io::{AsyncReadExt, AsyncWriteExt};
use avx::net::TcpStream;
use avx::time::timeout;
use avx_http::http1::{BodyDecoder, BodyEvent, Framing, ResponseParser};
use avx_http::server::{BodyReadError, ServerConfig};
use avx_http::{Limits, Method};
use bytes::BytesMut;

use crate::common::{Ending, HANG, TestServer, get};

#[avx::test]
async fn length_and_chunked_uploads() {
    let server = TestServer::start().await;
    let mut client = server.client().await;
    let sized = client
        .exchange("POST /len HTTP/1.1\r\nHost: a\r\nContent-Length: 11\r\n\r\nhello world")
        .await;
    assert_eq!(sized.text(), "11");
    let chunked = client
        .exchange("POST /echo HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked\r\n\r\n6;ext=1\r\nhello \r\n5\r\nworld\r\n0\r\nX-Trailer: t\r\n\r\n")
        .await;
    assert_eq!(chunked.text(), "hello world");
    assert_eq!(
        chunked.header("transfer-encoding"),
        Some("chunked"),
        "a streamed echo is chunked"
    );
    // Still the same connection.
    assert_eq!(client.exchange(get("/")).await.text(), "hello");
}

#[avx::test]
async fn a_body_read_after_its_response_is_stale() {
    let server = TestServer::start().await;
    let mut client = server.client().await;
    // The handler reads the whole body but keeps it, its end not yet seen.
    let kept = client
        .exchange("POST /keep HTTP/1.1\r\nHost: a\r\nContent-Length: 3\r\n\r\nabc")
        .await;
    assert_eq!(kept.text(), "abc");
    // The next request (without a body) waits in its handler while the kept body
    // is read.
    let entered = server.state.entered.notified();
    client.send(get("/gate")).await;
    timeout(HANG, entered)
        .await
        .expect("the next request never reached the handler");
    let mut body = server.state.kept_body.lock().unwrap().take().unwrap();
    assert!(
        matches!(body.data().await, Some(Err(BodyReadError::Stale))),
        "a body read after its response is stale"
    );
    server.state.gate.notify_one();
    let next = client.response(&Method::GET).await;
    assert_eq!(next.text(), "through the gate");
}

#[avx::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_large_upload_streams_through_the_echo() {
    let mut config = ServerConfig::default();
    config.limits.max_body_size = None;
    let server = TestServer::with_config(config).await;
    let body: Vec<u8> = (0..4 * 1024 * 1024u32).map(|i| (i % 251) as u8).collect();
    let head = format!(
        "POST /echo HTTP/1.1\r\nHost: a\r\nContent-Length: {}\r\nConnection: close\r\n\r\n",
        body.len()
    );
    // Send while reading: the echo answers before the upload is over, so neither
    // side has to hold it all.
    let stream = TcpStream::connect(server.addr).await.unwrap();
    let (mut reader, mut writer) = stream.into_split();
    let upload = body.clone();
    let sending = avx::spawn(async move {
        writer.write_all(head.as_bytes()).await.unwrap();
        writer.write_all(&upload).await.unwrap();
        writer
    });
    let mut received = Vec::new();
    timeout(HANG, reader.read_to_end(&mut received))
        .await
        .unwrap()
        .unwrap();
    drop(sending.await.unwrap());

    let mut wire = BytesMut::from(&received[..]);
    let limits = Limits::default();
    let parsed = ResponseParser::new(&limits)
        .parse(&mut wire, &Method::POST)
        .unwrap()
        .unwrap();
    assert_eq!(parsed.framing, Framing::Chunked);
    let mut decoder = BodyDecoder::new(parsed.framing, &limits).unwrap();
    let mut echoed = Vec::new();
    while let Some(BodyEvent::Data(data)) = decoder.decode(&mut wire).unwrap() {
        echoed.extend_from_slice(&data);
    }
    assert!(decoder.is_done());
    assert_eq!(echoed.len(), body.len());
    assert!(echoed == body, "the echo differs from the upload");
}

#[avx::test]
async fn chunked_downloads() {
    let server = TestServer::start().await;
    let mut client = server.client().await;
    let answer = client.exchange(get("/stream?100")).await;
    assert_eq!(answer.header("transfer-encoding"), Some("chunked"));
    let expected: String = (0..100).map(|i| format!("chunk {i}\n")).collect();
    assert_eq!(answer.text(), expected);
    assert_eq!(client.exchange(get("/")).await.text(), "hello");
}

#[avx::test]
async fn server_sent_events_are_flushed_one_by_one() {
    let server = TestServer::start().await;
    let mut client = server.client().await;
    client.send(get("/events")).await;
    // The second event is only sent once the client has read the first: it must
    // reach the client without waiting for more.
    let mut seen = Vec::new();
    while !String::from_utf8_lossy(&seen).contains("data: one\n\n") {
        match client.ending().await {
            Ending::Data(bytes) => seen.extend_from_slice(&bytes),
            Ending::Closed => panic!("closed after {:?}", String::from_utf8_lossy(&seen)),
        }
    }
    let text = String::from_utf8_lossy(&seen).into_owned();
    assert!(text.contains("content-type: text/event-stream"), "{text}");
    assert!(!text.contains("data: two"));
    server.state.next_event.notify_one();
    let mut rest = Vec::new();
    while !String::from_utf8_lossy(&rest).ends_with("0\r\n\r\n") {
        match client.ending().await {
            Ending::Data(bytes) => rest.extend_from_slice(&bytes),
            Ending::Closed => panic!("closed after {:?}", String::from_utf8_lossy(&rest)),
        }
    }
    assert!(String::from_utf8_lossy(&rest).contains("data: two\n\n"));
}

#[avx::test]
async fn an_unread_body_is_drained_up_to_the_limit() {
    let mut config = ServerConfig::default();
    config.max_drain = 1024;
    let server = TestServer::with_config(config).await;

    let mut client = server.client().await;
    let small = format!(
        "POST /ignore HTTP/1.1\r\nHost: a\r\nContent-Length: 1000\r\n\r\n{}",
        "x".repeat(1000)
    );
    let answer = client.exchange(small).await;
    assert_eq!(
        (answer.text(), answer.header("connection")),
        ("ignored", None)
    );
    let next = client.exchange(get("/")).await;
    assert_eq!(
        next.text(),
        "hello",
        "the drained body was not taken for a request"
    );

    let mut client = server.client().await;
    let big = format!(
        "POST /ignore HTTP/1.1\r\nHost: a\r\nContent-Length: 5000\r\n\r\n{}",
        "x".repeat(5000)
    );
    let answer = client.exchange(big).await;
    assert_eq!(answer.text(), "ignored");
    assert_eq!(
        client.ending().await,
        Ending::Closed,
        "too much to drain: the connection closes"
    );
}

#[avx::test]
async fn a_handler_can_bound_what_it_collects() {
    let server = TestServer::start().await;
    let mut client = server.client().await;
    let fits = client
        .exchange("POST /limited HTTP/1.1\r\nHost: a\r\nContent-Length: 4\r\n\r\nabcd")
        .await;
    assert_eq!((fits.status(), fits.text()), (200, "abcd"));
    let over = client
        .exchange("POST /limited HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked\r\n\r\n3\r\nabc\r\n2\r\nde\r\n0\r\n\r\n")
        .await;
    assert_eq!((over.status(), over.text()), (413, "over 4 bytes"));
    // The rest of the body was drained: the connection carries on.
    assert_eq!(client.exchange(get("/")).await.text(), "hello");
}
