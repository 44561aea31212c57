//! The real HTTP/1.1 servers of the `http_server` workload, one per API: hyper 1.x
//! on raw tokio (the server a tokio user runs today) and avx-http on `avx::` (on
//! either backend). Each serves one accepted connection until the client leaves,
//! answering every request with the same small `text/plain` body, so the client of
//! `http.rs` reads the same bytes from both but the `Date` value.
//!
//! Both are configured as their users get them: hyper's HTTP/1 builder with a
//! timer (which turns on its 30 s header-read timeout, as avx-http's default
//! has), avx-http's default `ServerConfig`.

/// The body every response carries.
pub(crate) const BODY: &[u8] = b"Hello, world!";

/// hyper on raw tokio.
pub(crate) mod tokio {
    use std::convert::Infallible;

    use bytes::Bytes;
    use http_body_util::Full;
    use hyper::body::Incoming;
    use hyper::header::{CONTENT_TYPE, HeaderValue};
    use hyper::service::service_fn;
    use hyper::{Request, Response};
    use hyper_util::rt::{TokioIo, TokioTimer};

    async fn hello(_request: Request<Incoming>) -> Result<Response<Full<Bytes>>, Infallible> {
        let mut response = Response::new(Full::new(Bytes::from_static(super::BODY)));
        let plain = HeaderValue::from_static("text/plain");
        response.headers_mut().insert(CONTENT_TYPE, plain);
        Ok(response)
    }

    /// Serves `stream` until the client closes or resets it.
    pub(crate) async fn serve(stream: ::tokio::net::TcpStream) {
        // The client resets its connections at the end of a run: an error then is
        // the run ending, not a fault.
        let _ = hyper::server::conn::http1::Builder::new()
            .timer(TokioTimer::new())
            .serve_connection(TokioIo::new(stream), service_fn(hello))
            .await;
    }
}

/// avx-http on `avx::`.
pub(crate) mod avx {
    use avx_http::server::{Body, RequestBody, ServerConfig, serve_connection};
    use avx_http::{HeaderValue, Request, Response, StatusCode, header};
    use bytes::Bytes;

    async fn hello(_request: Request<RequestBody>) -> Response<Body> {
        let mut response =
            Response::with_status(StatusCode::OK, Body::from(Bytes::from_static(super::BODY)));
        let plain = HeaderValue::from_static("text/plain");
        response.headers_mut().insert(header::CONTENT_TYPE, plain);
        response
    }

    /// Serves `stream` until the client closes or resets it.
    pub(crate) async fn serve(stream: ::avx::net::TcpStream) {
        let config = ServerConfig::default();
        // As for hyper: a reset at the end of a run ends the connection with an error.
        let _ = serve_connection(stream, &hello, &config).await;
    }
}
