//! Timeouts and graceful shutdown. Timeouts are configured small and the tests assert
//! what happens when they pass, never how long it took.

use std::time::Duration;

use avx::io::{AsyncReadExt, AsyncWriteExt};
use avx::net::TcpStream;
use avx::time::timeout;
use avx_http::http1::ResponseParser;
use avx_http::server::ServerConfig;
use avx_http::{Limits, Method};
use bytes::BytesMut;

use crate::common::{Ending, HANG, TestServer, get};

fn quick(change: impl FnOnce(&mut ServerConfig)) -> ServerConfig {
    let mut config = ServerConfig::default();
    change(&mut config);
    config
}

#[avx::test]
async fn a_head_not_finished_in_time_gets_408() {
    let config = quick(|c| c.header_read_timeout = Duration::from_millis(200));
    let server = TestServer::with_config(config).await;
    let mut client = server.client().await;
    client.send("GET / HTTP/1.1\r\nHost").await;
    let answer = client.response(&Method::GET).await;
    assert_eq!(answer.status(), 408);
    assert_eq!(client.ending().await, Ending::Closed);
    assert!(server.state.seen().is_empty());

    // A connection that sends nothing is closed without an answer.
    let mut silent = server.client().await;
    assert_eq!(silent.ending().await, Ending::Closed);
}

#[avx::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_trickled_head_is_held_to_one_deadline() {
    let config = quick(|c| c.header_read_timeout = Duration::from_millis(300));
    let server = TestServer::with_config(config).await;
    let stream = TcpStream::connect(server.addr).await.unwrap();
    let (mut reader, mut writer) = stream.into_split();
    // One byte at a time, the whole head taking longer than the deadline: a timer
    // restarted by every read would never fire, and the request would be handled.
    let trickle = avx::spawn(async move {
        for byte in get("/trickled").bytes() {
            if writer.write_all(&[byte]).await.is_err() {
                return;
            }
            avx::time::sleep(Duration::from_millis(40)).await;
        }
        // Keep the write side open until the server has answered.
        std::future::pending::<()>().await;
    });
    let mut received = Vec::new();
    let read = timeout(HANG, reader.read_to_end(&mut received))
        .await
        .expect("the server hung");
    trickle.abort();
    let _ = read;
    let mut wire = BytesMut::from(&received[..]);
    let parsed = ResponseParser::new(&Limits::default())
        .parse(&mut wire, &Method::GET)
        .unwrap();
    assert_eq!(parsed.expect("no response").head.status.as_u16(), 408);
    assert!(
        server.state.seen().is_empty(),
        "the handler saw {:?}",
        server.state.seen()
    );
}

#[avx::test]
async fn an_idle_keep_alive_connection_is_closed() {
    let config = quick(|c| c.keep_alive_timeout = Duration::from_millis(100));
    let server = TestServer::with_config(config).await;
    let mut client = server.client().await;
    assert_eq!(client.exchange(get("/")).await.text(), "hello");
    assert_eq!(client.ending().await, Ending::Closed);
}

#[avx::test]
async fn a_body_that_stops_arriving_gets_408() {
    let config = quick(|c| c.body_read_timeout = Duration::from_millis(200));
    let server = TestServer::with_config(config).await;
    let mut client = server.client().await;
    client
        .send("POST /len HTTP/1.1\r\nHost: x\r\nContent-Length: 10\r\n\r\nabc")
        .await;
    let answer = client.response(&Method::POST).await;
    assert_eq!(answer.status(), 408, "{}", answer.text());
    assert_eq!(client.ending().await, Ending::Closed);
    assert_eq!(server.state.seen(), ["/len"]);
}

#[avx::test]
async fn a_slow_body_that_keeps_arriving_is_read_whole() {
    let config = quick(|c| c.body_read_timeout = Duration::from_millis(500));
    let server = TestServer::with_config(config).await;
    let mut client = server.client().await;
    client
        .send("POST /len HTTP/1.1\r\nHost: x\r\nContent-Length: 8\r\n\r\n")
        .await;
    // The whole body takes longer than the timeout; no gap between bytes does.
    for byte in b"12345678" {
        avx::time::sleep(Duration::from_millis(100)).await;
        client.send([*byte]).await;
    }
    let answer = client.response(&Method::POST).await;
    assert_eq!((answer.status(), answer.text()), (200, "8"));
}

#[avx::test]
async fn a_client_that_stops_reading_is_cut_off_after_the_write_timeout() {
    let config = quick(|c| c.write_timeout = Duration::from_millis(200));
    let server = TestServer::with_config(config).await;
    let mut client = server.client().await;
    // An endless response the client never reads: once the socket buffers fill, only
    // the write timeout ends the connection, and with it the response's sender.
    client.send(get("/flood")).await;
    timeout(HANG, server.state.flood_ended.notified())
        .await
        .expect("the server kept waiting for a client that does not read");
    let mut rest = Vec::new();
    let read = timeout(HANG, client.stream.read_to_end(&mut rest)).await;
    assert!(read.is_ok(), "the connection was left open");
}

#[avx::test(flavor = "multi_thread", worker_threads = 2)]
async fn graceful_shutdown_finishes_requests_in_flight_and_closes_idle_connections() {
    let mut server = TestServer::start().await;
    let mut idle = server.client().await;
    assert_eq!(idle.exchange(get("/")).await.text(), "hello");
    let mut busy = server.client().await;
    let entered = server.state.entered.notified();
    busy.send(get("/gate")).await;
    entered.await;

    server.shut_down();
    assert_eq!(
        idle.ending().await,
        Ending::Closed,
        "an idle connection is closed at once"
    );
    // The listener is gone (it was dropped before the connections were told).
    assert!(
        TcpStream::connect(server.addr).await.is_err(),
        "still accepting"
    );

    server.state.gate.notify_one();
    let answer = busy.response(&Method::GET).await;
    assert_eq!((answer.status(), answer.text()), (200, "through the gate"));
    assert_eq!(answer.header("connection"), Some("close"));
    assert_eq!(busy.ending().await, Ending::Closed);
    server.stopped().await;
}

#[avx::test(flavor = "multi_thread", worker_threads = 2)]
async fn graceful_shutdown_aborts_what_is_left_at_the_deadline() {
    let config = quick(|c| c.shutdown_timeout = Duration::from_millis(100));
    let mut server = TestServer::with_config(config).await;
    let mut stuck = server.client().await;
    let entered = server.state.entered.notified();
    stuck.send(get("/gate")).await;
    entered.await;

    server.shut_down();
    // The gate never opens: only the deadline can end the server.
    server.stopped().await;
    assert_eq!(stuck.ending().await, Ending::Closed);
    assert_eq!(server.state.seen(), ["/gate"]);
}
