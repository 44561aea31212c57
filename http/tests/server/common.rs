//! What the server tests share: a test handler that records every request it sees,
//! a server started on a free port, and a raw TCP client that reads responses with
//! the crate's own response parser.

use std::io;
use std::net::SocketAddr;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use avx::io::{AsyncReadExt, AsyncWriteExt};
use avx::net::TcpStream;
use avx::sync::{Notify, oneshot};
use avx::task::JoinHandle;
use avx::time::timeout;
use avx_http::http1::{BodyDecoder, BodyEvent, ResponseParser};
use avx_http::server::{Body, BodyReadError, RequestBody, Server, ServerConfig, upgrade};
use avx_http::{HeaderValue, Limits, Method, Request, Response, ResponseHead, StatusCode, header};
use bytes::{Bytes, BytesMut};

/// How long a test waits for the server before it calls it hung. A guard against a
/// hang, never a measurement: no test depends on it being short.
pub(crate) const HANG: Duration = Duration::from_secs(20);

/// What the test handler shares with the test.
#[derive(Default)]
pub(crate) struct State {
    /// The target of every request the handler saw, in order.
    pub(crate) seen: Mutex<Vec<String>>,
    /// `/gate` waits on this.
    pub(crate) gate: Notify,
    /// `/gate` notifies this when it starts waiting.
    pub(crate) entered: Notify,
    /// `/events` waits on this between its two events.
    pub(crate) next_event: Notify,
    /// `/flood` notifies this when its response can take no more: the connection
    /// that carried it is gone.
    pub(crate) flood_ended: Notify,
    /// The body `/keep` read one piece of and kept past its response.
    pub(crate) kept_body: Mutex<Option<RequestBody>>,
}

impl State {
    pub(crate) fn seen(&self) -> Vec<String> {
        self.seen.lock().unwrap().clone()
    }
}

fn text(status: StatusCode, body: impl Into<Body>) -> Response<Body> {
    Response::with_status(status, body.into())
}

/// The test handler, routing on the path.
pub(crate) async fn route(state: Arc<State>, mut request: Request<RequestBody>) -> Response<Body> {
    let target = request.uri().as_str().to_string();
    state.seen.lock().unwrap().push(target);
    let query = request.uri().query().unwrap_or("").to_string();
    match request.uri().path() {
        "/" => text(StatusCode::OK, "hello"),
        "/echo" => text(StatusCode::OK, Body::from_stream(request.into_body())),
        "/len" => match request.into_body().to_bytes(usize::MAX).await {
            Ok(body) => text(StatusCode::OK, body.len().to_string()),
            Err(error) => text(StatusCode::OK, format!("handler saw: {error}")),
        },
        "/limited" => match request.into_body().to_bytes(4).await {
            Ok(body) => text(StatusCode::OK, body),
            Err(BodyReadError::TooLarge) => text(StatusCode::CONTENT_TOO_LARGE, "over 4 bytes"),
            Err(error) => text(StatusCode::BAD_REQUEST, error.to_string()),
        },
        "/ignore" => text(StatusCode::OK, "ignored"),
        "/keep" => {
            let mut body = request.into_body();
            let piece = match body.data().await {
                Some(Ok(piece)) => piece,
                other => return text(StatusCode::BAD_REQUEST, format!("{other:?}")),
            };
            *state.kept_body.lock().unwrap() = Some(body);
            text(StatusCode::OK, piece)
        }
        "/sleep" => {
            let ms = query.parse().unwrap_or(0);
            avx::time::sleep(Duration::from_millis(ms)).await;
            text(StatusCode::OK, format!("slept {ms}"))
        }
        "/stream" => {
            let count: usize = query.parse().unwrap_or(3);
            let (sender, body) = Body::channel(2);
            avx::spawn(async move {
                for i in 0..count {
                    if sender.send_data(format!("chunk {i}\n")).await.is_err() {
                        return;
                    }
                }
            });
            text(StatusCode::OK, body)
        }
        "/flood" => {
            let (sender, body) = Body::channel(1);
            let state = Arc::clone(&state);
            avx::spawn(async move {
                let chunk = Bytes::from(vec![b'x'; 64 * 1024]);
                while sender.send_data(chunk.clone()).await.is_ok() {}
                state.flood_ended.notify_one();
            });
            text(StatusCode::OK, body)
        }
        "/events" => {
            let (sender, body) = Body::channel(1);
            let state = Arc::clone(&state);
            avx::spawn(async move {
                let _ = sender.send_data("data: one\n\n").await;
                state.next_event.notified().await;
                let _ = sender.send_data("data: two\n\n").await;
            });
            let mut response = text(StatusCode::OK, body);
            let event_stream = HeaderValue::from_static("text/event-stream");
            response
                .headers_mut()
                .insert(header::CONTENT_TYPE, event_stream);
            response
        }
        "/gate" => {
            let gate = state.gate.notified();
            state.entered.notify_one();
            gate.await;
            text(StatusCode::OK, "through the gate")
        }
        "/panic" => panic!("the handler panicked on purpose"),
        "/upgrade" => {
            let on_upgrade = upgrade::on(&mut request);
            avx::spawn(async move {
                let Ok(mut io) = on_upgrade.await else { return };
                let mut ping = [0; 4];
                if io.read_exact(&mut ping).await.is_ok() && &ping == b"ping" {
                    let _ = io.write_all(b"pong").await;
                }
            });
            let mut response = text(StatusCode::SWITCHING_PROTOCOLS, Body::empty());
            response
                .headers_mut()
                .insert(header::UPGRADE, HeaderValue::from_static("echo"));
            response
                .headers_mut()
                .insert(header::CONNECTION, HeaderValue::from_static("upgrade"));
            response
        }
        _ => text(StatusCode::NOT_FOUND, "not found"),
    }
}

/// A server running the test handler.
pub(crate) struct TestServer {
    pub(crate) addr: SocketAddr,
    pub(crate) state: Arc<State>,
    stop: Option<oneshot::Sender<()>>,
    task: Option<JoinHandle<io::Result<()>>>,
}

impl TestServer {
    pub(crate) async fn start() -> TestServer {
        TestServer::with_config(ServerConfig::default()).await
    }

    pub(crate) async fn with_limits(limits: Limits) -> TestServer {
        let mut config = ServerConfig::default();
        config.limits = limits;
        TestServer::with_config(config).await
    }

    pub(crate) async fn with_config(config: ServerConfig) -> TestServer {
        let server = Server::bind("127.0.0.1:0")
            .await
            .unwrap()
            .with_config(config);
        TestServer::serving(server)
    }

    /// Serving HTTPS through `acceptor`.
    #[cfg(any(feature = "ring", feature = "aws-lc-rs"))]
    pub(crate) async fn with_tls(
        config: ServerConfig,
        acceptor: avx_http::tls::TlsAcceptor,
    ) -> TestServer {
        let server = Server::bind("127.0.0.1:0")
            .await
            .unwrap()
            .with_config(config)
            .with_tls(acceptor);
        TestServer::serving(server)
    }

    fn serving(server: Server) -> TestServer {
        let addr = server.local_addr().unwrap();
        let state = Arc::new(State::default());
        let handler_state = Arc::clone(&state);
        let (stop, stopped) = oneshot::channel::<()>();
        let task = avx::spawn(server.serve_with_shutdown(
            move |request| route(Arc::clone(&handler_state), request),
            async move {
                let _ = stopped.await;
            },
        ));
        TestServer {
            addr,
            state,
            stop: Some(stop),
            task: Some(task),
        }
    }

    pub(crate) fn url(&self, path: &str) -> String {
        format!("http://{}{}", self.addr, path)
    }

    pub(crate) async fn client(&self) -> Client {
        Client::connect(self.addr).await
    }

    /// Starts the graceful shutdown; [`stopped`](Self::stopped) waits for its end.
    pub(crate) fn shut_down(&mut self) {
        let _ = self.stop.take().expect("shut down twice").send(());
    }

    /// Waits until `serve_with_shutdown` returned.
    pub(crate) async fn stopped(&mut self) {
        let task = self.task.take().expect("waited twice");
        let result = timeout(HANG, task).await.expect("the server did not stop");
        result.unwrap().unwrap();
    }
}

/// How a connection ended, as the client saw it.
#[derive(Debug, PartialEq, Eq)]
pub(crate) enum Ending {
    /// End of stream (FIN) or reset: the server closed it.
    Closed,
    /// More bytes came.
    Data(Vec<u8>),
}

/// A raw HTTP/1.1 client over TCP.
pub(crate) struct Client {
    pub(crate) stream: TcpStream,
    buf: BytesMut,
}

/// A response as the client read it.
#[derive(Debug)]
pub(crate) struct Answer {
    pub(crate) head: ResponseHead,
    pub(crate) body: Bytes,
}

impl Answer {
    pub(crate) fn status(&self) -> u16 {
        self.head.status.as_u16()
    }

    pub(crate) fn header(&self, name: &str) -> Option<&str> {
        self.head
            .headers
            .get(name)
            .map(|value| value.to_str().unwrap())
    }

    pub(crate) fn text(&self) -> &str {
        std::str::from_utf8(&self.body).unwrap()
    }
}

impl Client {
    pub(crate) async fn connect(addr: SocketAddr) -> Client {
        Client {
            stream: TcpStream::connect(addr).await.unwrap(),
            buf: BytesMut::new(),
        }
    }

    pub(crate) async fn send(&mut self, bytes: impl AsRef<[u8]>) {
        self.stream.write_all(bytes.as_ref()).await.unwrap();
    }

    /// Reads more bytes into the buffer; false at end of stream or reset.
    async fn fill(&mut self) -> bool {
        let mut chunk = [0u8; 16 * 1024];
        match timeout(HANG, self.stream.read(&mut chunk))
            .await
            .expect("the server hung")
        {
            Ok(0) | Err(_) => false,
            Ok(n) => {
                self.buf.extend_from_slice(&chunk[..n]);
                true
            }
        }
    }

    /// Reads exactly `len` raw bytes.
    pub(crate) async fn raw(&mut self, len: usize) -> Vec<u8> {
        while self.buf.len() < len {
            assert!(
                self.fill().await,
                "closed after {:?}",
                String::from_utf8_lossy(&self.buf)
            );
        }
        self.buf.split_to(len).to_vec()
    }

    /// Reads the response to a request with `method`.
    pub(crate) async fn response(&mut self, method: &Method) -> Answer {
        let limits = Limits::default();
        let mut parser = ResponseParser::new(&limits);
        let parsed = loop {
            if let Some(parsed) = parser.parse(&mut self.buf, method).unwrap() {
                break parsed;
            }
            assert!(
                self.fill().await,
                "closed before a response head: {:?}",
                String::from_utf8_lossy(&self.buf)
            );
        };
        let mut decoder = BodyDecoder::new(parsed.framing, &limits).unwrap();
        let mut body = BytesMut::new();
        loop {
            let event = match decoder.decode(&mut self.buf).unwrap() {
                Some(event) => event,
                None if self.fill().await => continue,
                None => decoder.decode_eof(&mut self.buf).unwrap(),
            };
            match event {
                BodyEvent::Data(data) => body.extend_from_slice(&data),
                BodyEvent::Trailers(_) => {}
                BodyEvent::End => break,
            }
        }
        Answer {
            head: parsed.head,
            body: body.freeze(),
        }
    }

    /// Sends `request` and reads the response.
    pub(crate) async fn exchange(&mut self, request: impl AsRef<[u8]>) -> Answer {
        let method = if request.as_ref().starts_with(b"HEAD ") {
            Method::HEAD
        } else {
            Method::GET
        };
        self.send(request).await;
        self.response(&method).await
    }

    /// What comes next: the end of the connection, or bytes.
    pub(crate) async fn ending(&mut self) -> Ending {
        if self.buf.is_empty() && !self.fill().await {
            return Ending::Closed;
        }
        Ending::Data(self.buf.split().to_vec())
    }
}

/// `GET path` with `Host`.
pub(crate) fn get(path: &str) -> String {
    format!("GET {path} HTTP/1.1\r\nHost: test\r\n\r\n")
}
