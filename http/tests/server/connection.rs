//! Connection management: keep-alive, pipelining, HEAD, HTTP/1.0, `Connection:
//! close`, `Date`, `100 Continue`, upgrades, and a panicking handler.

use avx_http::{HttpDate, Method};

use crate::common::{Ending, TestServer, get};

#[avx::test]
async fn keep_alive_serves_many_requests_on_one_connection() {
    let server = TestServer::start().await;
    let mut client = server.client().await;
    for _ in 0..3 {
        let answer = client.exchange(get("/")).await;
        assert_eq!((answer.status(), answer.text()), (200, "hello"));
        assert_eq!(answer.header("content-length"), Some("5"));
        assert_eq!(answer.header("connection"), None);
    }
    assert_eq!(server.state.seen(), ["/", "/", "/"]);
}

#[avx::test(flavor = "multi_thread", worker_threads = 2)]
async fn pipelined_responses_come_in_request_order() {
    let server = TestServer::start().await;
    let mut client = server.client().await;
    // The first request is the slowest; its answer must still come first.
    let batch = [get("/sleep?50"), get("/"), get("/sleep?0"), get("/echo")].concat();
    client.send(batch).await;
    let texts = [
        client.response(&Method::GET).await.text().to_string(),
        client.response(&Method::GET).await.text().to_string(),
        client.response(&Method::GET).await.text().to_string(),
        client.response(&Method::GET).await.text().to_string(),
    ];
    assert_eq!(texts, ["slept 50", "hello", "slept 0", ""]);
    assert_eq!(server.state.seen(), ["/sleep?50", "/", "/sleep?0", "/echo"]);
}

#[avx::test]
async fn connection_close_from_the_client_is_honoured() {
    let server = TestServer::start().await;
    let mut client = server.client().await;
    let answer = client
        .exchange("GET / HTTP/1.1\r\nHost: a\r\nConnection: close\r\n\r\n")
        .await;
    assert_eq!(answer.status(), 200);
    assert_eq!(answer.header("connection"), Some("close"));
    assert_eq!(client.ending().await, Ending::Closed);
}

#[avx::test]
async fn head_gets_the_fields_of_get_and_no_body() {
    let server = TestServer::start().await;
    let mut client = server.client().await;
    client.send("HEAD / HTTP/1.1\r\nHost: a\r\n\r\n").await;
    let head = client.response(&Method::HEAD).await;
    assert_eq!(head.status(), 200);
    assert_eq!(head.header("content-length"), Some("5"));
    assert!(head.body.is_empty());
    // Had a body been sent, it would be read as the start of the next response.
    let answer = client.exchange(get("/")).await;
    assert_eq!(answer.text(), "hello");

    client
        .send("HEAD /stream HTTP/1.1\r\nHost: a\r\n\r\n")
        .await;
    let streamed = client.response(&Method::HEAD).await;
    assert_eq!(streamed.header("transfer-encoding"), Some("chunked"));
    assert_eq!(client.exchange(get("/")).await.text(), "hello");
}

#[avx::test]
async fn http10_clients_get_no_chunked_and_close_unless_kept_alive() {
    let server = TestServer::start().await;
    let mut client = server.client().await;
    let answer = client.exchange("GET / HTTP/1.0\r\n\r\n").await;
    assert_eq!((answer.status(), answer.text()), (200, "hello"));
    assert_eq!(answer.header("connection"), Some("close"));
    assert_eq!(client.ending().await, Ending::Closed);

    let mut client = server.client().await;
    let answer = client
        .exchange("GET / HTTP/1.0\r\nConnection: keep-alive\r\n\r\n")
        .await;
    assert_eq!(answer.header("connection"), Some("keep-alive"));
    let streamed = client
        .exchange("GET /stream?2 HTTP/1.0\r\nConnection: keep-alive\r\n\r\n")
        .await;
    assert_eq!(
        streamed.header("transfer-encoding"),
        None,
        "no chunked to HTTP/1.0"
    );
    assert_eq!(
        streamed.header("connection"),
        Some("close"),
        "the close delimits the body"
    );
    assert_eq!(streamed.text(), "chunk 0\nchunk 1\n");
    assert_eq!(client.ending().await, Ending::Closed);
}

#[avx::test]
async fn every_response_has_a_date() {
    let server = TestServer::start().await;
    let mut client = server.client().await;
    let answer = client.exchange(get("/")).await;
    let date = answer.header("date").expect("no Date");
    let now = std::time::SystemTime::now();
    // The cache refreshes once a second: the date is now's or a second or two before.
    let recent: Vec<String> = (0..3)
        .map(|back| {
            HttpDate::from_system_time(now - std::time::Duration::from_secs(back)).to_string()
        })
        .collect();
    assert!(
        recent.iter().any(|d| d == date),
        "{date} is not one of {recent:?}"
    );
}

#[avx::test]
async fn continue_is_sent_only_when_the_handler_reads_the_body() {
    let server = TestServer::start().await;
    let mut client = server.client().await;
    client
        .send("POST /echo HTTP/1.1\r\nHost: a\r\nContent-Length: 5\r\nExpect: 100-continue\r\n\r\n")
        .await;
    assert_eq!(client.raw(25).await, b"HTTP/1.1 100 Continue\r\n\r\n");
    client.send("hello").await;
    let answer = client.response(&Method::POST).await;
    assert_eq!((answer.status(), answer.text()), (200, "hello"));
    assert_eq!(
        answer.header("connection"),
        None,
        "the body was read: keep-alive"
    );

    // A handler that never reads: no 100, and the connection closes after the
    // answer, since the client may or may not send the body now.
    let mut client = server.client().await;
    client
        .send(
            "POST /ignore HTTP/1.1\r\nHost: a\r\nContent-Length: 5\r\nExpect: 100-continue\r\n\r\n",
        )
        .await;
    let answer = client.response(&Method::POST).await;
    assert_eq!((answer.status(), answer.text()), (200, "ignored"));
    assert_eq!(answer.header("connection"), Some("close"));
    assert_eq!(client.ending().await, Ending::Closed);
}

#[avx::test]
async fn upgrade_hands_the_connection_over() {
    let server = TestServer::start().await;
    let mut client = server.client().await;
    // "ping" rides in the same packet as the request: the server must hand it on.
    client
        .send(
            "GET /upgrade HTTP/1.1\r\nHost: a\r\nConnection: Upgrade\r\nUpgrade: echo\r\n\r\nping",
        )
        .await;
    let answer = client.response(&Method::GET).await;
    assert_eq!(answer.status(), 101);
    assert_eq!(answer.header("upgrade"), Some("echo"));
    assert_eq!(client.raw(4).await, b"pong");
}

#[avx::test]
async fn a_panicking_handler_answers_500_and_closes() {
    let server = TestServer::start().await;
    let mut client = server.client().await;
    let answer = client.exchange(get("/panic")).await;
    assert_eq!(answer.status(), 500);
    assert_eq!(client.ending().await, Ending::Closed);
    // The server itself lives on.
    let mut client = server.client().await;
    assert_eq!(client.exchange(get("/")).await.text(), "hello");
}

#[avx::test]
async fn serve_connection_runs_over_any_transport() {
    use avx::io::{AsyncReadExt, AsyncWriteExt};
    use avx_http::http1::ResponseParser;
    use avx_http::server::{Body, RequestBody, ServerConfig, serve_connection};
    use avx_http::{Limits, Request, Response, StatusCode};

    let (mut client, transport) = avx::io::duplex(64 * 1024);
    let serving = avx::spawn(async move {
        let handler = |request: Request<RequestBody>| async move {
            let path = request.uri().path().to_string();
            Response::with_status(StatusCode::OK, Body::from(path))
        };
        serve_connection(transport, &handler, &ServerConfig::default()).await
    });
    let requests = [
        get("/one"),
        "GET /two HTTP/1.1\r\nHost: a\r\nConnection: close\r\n\r\n".to_string(),
    ]
    .concat();
    client.write_all(requests.as_bytes()).await.unwrap();
    let mut received = Vec::new();
    avx::time::timeout(crate::common::HANG, client.read_to_end(&mut received))
        .await
        .unwrap()
        .unwrap();
    serving.await.unwrap().unwrap();

    let mut wire = bytes::BytesMut::from(&received[..]);
    let mut parser = ResponseParser::new(&Limits::default());
    let mut bodies = Vec::new();
    while let Some(parsed) = parser.parse(&mut wire, &Method::GET).unwrap() {
        let avx_http::http1::Framing::Length(len) = parsed.framing else {
            panic!("{parsed:?}")
        };
        bodies.push(String::from_utf8(wire.split_to(len as usize).to_vec()).unwrap());
    }
    assert_eq!(bodies, ["/one", "/two"]);
    assert!(wire.is_empty());
}
