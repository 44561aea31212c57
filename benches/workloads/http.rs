//! The end-to-end workloads: keep-alive HTTP/1.1 clients over loopback, and on the
//! same runtime either a minimal HTTP/1.1-like server (`http_keepalive`) or a real
//! one (`http_server`: hyper on raw tokio, avx-http on `avx::`; see
//! `http_servers.rs`).
//!
//! Each client writes a small GET-like request ([`REQUEST`]) and reads the whole
//! response before the next; the server reads until the blank line that ends a
//! request head (`\r\n\r\n`) and answers with a fixed response ([`RESPONSE`])
//! whose body length is its `Content-Length`. The client finds the end of the
//! response the same way a real client does: the head, then `Content-Length` more
//! bytes. Nothing else of HTTP is parsed, so `http_keepalive` measures the
//! runtime's I/O and scheduling and not a parser; `http_server` adds a real
//! server's parsing, routing and response encoding.
//!
//! As in `net.rs`: connected before the clock starts, `TCP_NODELAY` on every
//! stream, every task joined before the run returns, clients closed with a reset.

/// The request every client sends.
pub(crate) const REQUEST: &[u8] =
    b"GET /hello HTTP/1.1\r\nHost: localhost\r\nUser-Agent: avx-bench\r\nAccept: */*\r\n\r\n";

/// The response the server sends to every request.
pub(crate) const RESPONSE: &[u8] =
    b"HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\nContent-Length: 13\r\n\r\nHello, world!";

/// The read buffer of each end of a connection: far more than a head needs.
pub(crate) const BUFFER: usize = 4096;

/// The length of the message head at the start of `bytes` (through the blank
/// line that ends it), once all of it is there.
pub(crate) fn head_end(bytes: &[u8]) -> Option<usize> {
    bytes
        .windows(4)
        .position(|w| w == b"\r\n\r\n")
        .map(|at| at + 4)
}

/// The `Content-Length` a message head gives, if it gives one that parses.
pub(crate) fn content_length(head: &[u8]) -> Option<usize> {
    let head = std::str::from_utf8(head).ok()?;
    head.split("\r\n").find_map(|line| {
        let (name, value) = line.split_once(':')?;
        if name.eq_ignore_ascii_case("content-length") {
            value.trim().parse().ok()
        } else {
            None
        }
    })
}

macro_rules! http_workloads {
    ($krate:ident) => {
        /// Answers every request `stream` sends with the fixed response, until
        /// the peer closes it.
        async fn http_serve(mut stream: $krate::net::TcpStream) {
            use $crate::workloads::http::{BUFFER, RESPONSE, head_end};
            use $krate::io::{AsyncReadExt, AsyncWriteExt};

            let mut buf = vec![0u8; BUFFER];
            let mut filled = 0;
            loop {
                assert!(filled < buf.len(), "a request head outgrew the buffer");
                let read = match stream.read(&mut buf[filled..]).await {
                    Ok(read) => read,
                    Err(e) if e.kind() == std::io::ErrorKind::ConnectionReset => 0,
                    Err(e) => panic!("the server reads: {e}"),
                };
                if read == 0 {
                    return;
                }
                filled += read;
                // Every complete request in the buffer gets its response.
                while let Some(end) = head_end(&buf[..filled]) {
                    assert!(buf.starts_with(b"GET "), "a GET-like request");
                    stream.write_all(RESPONSE).await.expect("the server writes");
                    buf.copy_within(end..filled, 0);
                    filled -= end;
                }
            }
        }

        /// Sends `requests` requests on `stream`, one at a time, each response
        /// read whole; returns the stream and each request's time.
        async fn http_client(
            mut stream: $krate::net::TcpStream,
            requests: usize,
        ) -> ($krate::net::TcpStream, $crate::Latencies) {
            use $crate::workloads::http::{BUFFER, REQUEST, content_length, head_end};
            use $krate::io::{AsyncReadExt, AsyncWriteExt};

            let mut buf = vec![0u8; BUFFER];
            let mut latencies = Vec::with_capacity(requests);
            for _ in 0..requests {
                let sent = std::time::Instant::now();
                stream.write_all(REQUEST).await.expect("the client writes");
                let mut filled = 0;
                let mut whole = None;
                while whole.is_none_or(|total| filled < total) {
                    let read = stream
                        .read(&mut buf[filled..])
                        .await
                        .expect("the client reads");
                    assert!(read > 0, "the server closed mid-response");
                    filled += read;
                    if whole.is_none() {
                        whole = head_end(&buf[..filled]).map(|end| {
                            let body = content_length(&buf[..end])
                                .expect("the response has a Content-Length");
                            end + body
                        });
                    }
                }
                assert_eq!(Some(filled), whole, "one response per request");
                assert!(buf.starts_with(b"HTTP/1.1 200 "), "a 200 response");
                latencies.push(sent.elapsed());
            }
            (stream, latencies)
        }

        async fn http_keepalive(connections: usize, n: usize) -> Recorded {
            http_load(connections, n, http_serve).await
        }

        async fn http_server(connections: usize, n: usize) -> Recorded {
            http_load(
                connections,
                n,
                $crate::workloads::http_servers::$krate::serve,
            )
            .await
        }

        /// `connections` clients send `n` requests in all to a server task per
        /// connection running `serve`.
        async fn http_load<S, F>(connections: usize, n: usize, serve: S) -> Recorded
        where
            S: Fn($krate::net::TcpStream) -> F + Send + 'static,
            F: std::future::Future<Output = ()> + Send + 'static,
        {
            let listener = loopback_listener().expect("a loopback listener binds");
            let addr = listener.local_addr().unwrap();
            let server = spawn_server(listener, connections, serve);
            let streams = connect_all(addr, connections).await;

            let start = std::time::Instant::now();
            let clients: Vec<_> = streams
                .into_iter()
                .enumerate()
                .map(|(i, stream)| {
                    let requests = $crate::workloads::share(n, connections, i);
                    $krate::spawn(http_client(stream, requests))
                })
                .collect();
            let mut streams = Vec::with_capacity(connections);
            let mut latencies = Vec::with_capacity(n);
            for client in clients {
                let (stream, times) = client.await.expect("a client task ends");
                streams.push(stream);
                latencies.extend(times);
            }
            let section = start.elapsed();

            close_abortively(streams);
            join_server(server).await;
            Recorded::timed(section, latencies)
        }
    };
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_head_ends_after_the_blank_line() {
        assert_eq!(head_end(REQUEST), Some(REQUEST.len()));
        assert_eq!(head_end(b"GET / HTTP/1.1\r\nHost: x\r\n"), None);
        assert_eq!(head_end(b"A\r\n\r\nbody"), Some(5));
    }

    #[test]
    fn the_response_says_its_body_length() {
        let end = head_end(RESPONSE).unwrap();
        assert_eq!(content_length(&RESPONSE[..end]), Some(RESPONSE.len() - end));
        assert_eq!(
            content_length(b"HTTP/1.1 200 OK\r\ncontent-length:  7\r\n\r\n"),
            Some(7)
        );
        assert_eq!(
            content_length(b"HTTP/1.1 200 OK\r\nContent-Length: x\r\n\r\n"),
            None
        );
        assert_eq!(content_length(REQUEST), None);
    }
}
