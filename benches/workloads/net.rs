//! The network workloads: TCP echo, accept, UDP and TCP ping-pong, and the idle
//! echo server of the memory measurement. Client and server run on the same
//! runtime, over loopback.
//!
//! Invariants every run keeps:
//! - Its listener has a backlog of [`LISTEN_BACKLOG`](super::LISTEN_BACKLOG) on
//!   every contender (`TcpSocket::listen`): `TcpListener::bind` listens with 128
//!   on tokio (mio's, as std's) and 1024 on avx, and a connect burst that
//!   overflows a backlog waits a second for the SYN's retransmission.
//! - It binds a fresh listener or socket on port 0 and connects before its clock
//!   starts; it returns the time of its measured section only, so a run measures
//!   the traffic and not the handshakes (the accept workload is the exception: the
//!   handshakes are what it measures).
//! - Every TCP stream sets `TCP_NODELAY`. Without it, a 16 KiB echo that the
//!   server happens to write back in two pieces holds its second piece (Nagle)
//!   until the client's delayed ACK, 40 ms later, and the run measures that timer.
//! - It joins every task it spawned before it returns, so nothing of one run runs
//!   into the next contender's.
//! - After its clock stops, its clients close with `SO_LINGER` 0 (a reset) and
//!   the servers take a reset as the end of the stream. A normal close leaves the
//!   closing end in TIME_WAIT for a minute, holding its ephemeral port: a full
//!   report would leave tens of thousands, and programs on the same machine that
//!   bind port 0 meet them. (The accept workload, whose closes are what it
//!   measures, closes normally from the server side, whose TIME_WAITs sit on the
//!   listener's one port.)
//! - A failed socket call panics the run: a benchmark has nothing to fall back on,
//!   and the report must not show a number for work that was not done.

macro_rules! net_workloads {
    ($krate:ident) => {
        /// A fresh listener on an unused loopback port, with a backlog of
        /// `LISTEN_BACKLOG` on every contender.
        fn loopback_listener() -> std::io::Result<$krate::net::TcpListener> {
            let socket = $krate::net::TcpSocket::new_v4()?;
            socket.set_reuseaddr(true)?;
            socket.bind(std::net::SocketAddr::from(([127, 0, 0, 1], 0)))?;
            socket.listen($crate::workloads::LISTEN_BACKLOG)
        }

        /// Echoes what `stream` sends, `buffer` bytes at most per read, until the
        /// peer closes it.
        async fn echo(mut stream: $krate::net::TcpStream, buffer: usize) {
            use $krate::io::{AsyncReadExt, AsyncWriteExt};

            let mut buf = vec![0u8; buffer];
            loop {
                let read = match stream.read(&mut buf).await {
                    Ok(read) => read,
                    Err(e) if e.kind() == std::io::ErrorKind::ConnectionReset => 0,
                    Err(e) => panic!("the echo reads: {e}"),
                };
                if read == 0 {
                    return;
                }
                stream
                    .write_all(&buf[..read])
                    .await
                    .expect("the echo writes");
            }
        }

        /// Accepts `connections` on `listener`, each (with `TCP_NODELAY`) served
        /// by its own task running `serve`; returns once all are accepted, with
        /// the serving tasks' handles.
        fn spawn_server<S, F>(
            listener: $krate::net::TcpListener,
            connections: usize,
            serve: S,
        ) -> $krate::task::JoinHandle<Vec<$krate::task::JoinHandle<()>>>
        where
            S: Fn($krate::net::TcpStream) -> F + Send + 'static,
            F: std::future::Future<Output = ()> + Send + 'static,
        {
            $krate::spawn(async move {
                let mut served = Vec::with_capacity(connections);
                for _ in 0..connections {
                    let (stream, _) = listener.accept().await.expect("the server accepts");
                    stream.set_nodelay(true).expect("TCP_NODELAY sets");
                    served.push($krate::spawn(serve(stream)));
                }
                served
            })
        }

        /// `connections` streams connected to `addr`, with `TCP_NODELAY`.
        async fn connect_all(
            addr: std::net::SocketAddr,
            connections: usize,
        ) -> Vec<$krate::net::TcpStream> {
            let mut streams = Vec::with_capacity(connections);
            for _ in 0..connections {
                let stream = $krate::net::TcpStream::connect(addr)
                    .await
                    .expect("the client connects");
                stream.set_nodelay(true).expect("TCP_NODELAY sets");
                streams.push(stream);
            }
            streams
        }

        /// Closes every client stream with a reset (see the module's invariants).
        fn close_abortively(streams: Vec<$krate::net::TcpStream>) {
            for stream in streams {
                stream.set_zero_linger().expect("SO_LINGER sets");
            }
        }

        /// Joins the server's accept task and every serving task it spawned.
        async fn join_server(server: $krate::task::JoinHandle<Vec<$krate::task::JoinHandle<()>>>) {
            for served in server.await.expect("the accept task ends") {
                served.await.expect("a serving task ends");
            }
        }

        async fn tcp_echo(connections: usize, message: usize, n: usize) -> Recorded {
            use $krate::io::{AsyncReadExt, AsyncWriteExt};

            let listener = loopback_listener().expect("a loopback listener binds");
            let addr = listener.local_addr().unwrap();
            let server = spawn_server(listener, connections, move |s| echo(s, message));
            let streams = connect_all(addr, connections).await;

            let start = std::time::Instant::now();
            let clients: Vec<_> = streams
                .into_iter()
                .enumerate()
                .map(|(i, mut stream)| {
                    let messages = $crate::workloads::share(n, connections, i);
                    $krate::spawn(async move {
                        let out = vec![0x5a_u8; message];
                        let mut back = vec![0u8; message];
                        for _ in 0..messages {
                            stream.write_all(&out).await.expect("the client writes");
                            stream
                                .read_exact(&mut back)
                                .await
                                .expect("the echo comes back whole");
                        }
                        // Closed after the clock stops.
                        stream
                    })
                })
                .collect();
            let mut streams = Vec::with_capacity(connections);
            for client in clients {
                streams.push(client.await.expect("a client task ends"));
            }
            let section = start.elapsed();

            close_abortively(streams);
            join_server(server).await;
            Recorded::section(section)
        }

        async fn tcp_accept(n: usize) -> Recorded {
            use $krate::io::AsyncReadExt;

            let listener = loopback_listener().expect("a loopback listener binds");
            let addr = listener.local_addr().unwrap();

            let start = std::time::Instant::now();
            let server = $krate::spawn(async move {
                for _ in 0..n {
                    let (stream, _) = listener.accept().await.expect("the server accepts");
                    drop(stream);
                }
            });
            let connectors = $crate::workloads::ACCEPT_CONNECTORS;
            let clients: Vec<_> = (0..connectors)
                .map(|i| {
                    let connections = $crate::workloads::share(n, connectors, i);
                    $krate::spawn(async move {
                        let mut byte = [0u8; 1];
                        for _ in 0..connections {
                            let mut stream = $krate::net::TcpStream::connect(addr)
                                .await
                                .expect("the client connects");
                            let read = stream.read(&mut byte).await.expect("the client reads");
                            assert_eq!(read, 0, "the server closes without writing");
                        }
                    })
                })
                .collect();
            for client in clients {
                client.await.expect("a connecting task ends");
            }
            server.await.expect("the accept task ends");
            Recorded::section(start.elapsed())
        }

        async fn udp_ping_pong(n: usize) -> Recorded {
            const BYTES: usize = $crate::workloads::PING_PONG_BYTES;

            let near = $krate::net::UdpSocket::bind("127.0.0.1:0")
                .await
                .expect("a UDP socket binds");
            let far = $krate::net::UdpSocket::bind("127.0.0.1:0")
                .await
                .expect("a UDP socket binds");
            near.connect(far.local_addr().unwrap()).await.unwrap();
            far.connect(near.local_addr().unwrap()).await.unwrap();
            let echo = $krate::spawn(async move {
                let mut buf = [0u8; BYTES];
                for _ in 0..n {
                    let len = far.recv(&mut buf).await.expect("the echo receives");
                    far.send(&buf[..len]).await.expect("the echo sends");
                }
            });

            let out = [0x5a_u8; BYTES];
            let mut back = [0u8; BYTES];
            let mut latencies = Vec::with_capacity(n);
            let start = std::time::Instant::now();
            for _ in 0..n {
                let sent = std::time::Instant::now();
                near.send(&out).await.expect("the client sends");
                let len = near.recv(&mut back).await.expect("the client receives");
                assert_eq!(len, BYTES, "the datagram comes back whole");
                latencies.push(sent.elapsed());
            }
            let section = start.elapsed();
            echo.await.expect("the echo task ends");
            Recorded::timed(section, latencies)
        }

        async fn tcp_ping_pong(n: usize) -> Recorded {
            use $krate::io::{AsyncReadExt, AsyncWriteExt};
            const BYTES: usize = $crate::workloads::PING_PONG_BYTES;

            let listener = loopback_listener().expect("a loopback listener binds");
            let addr = listener.local_addr().unwrap();
            let server = spawn_server(listener, 1, |s| echo(s, BYTES));
            let mut stream = connect_all(addr, 1).await.pop().unwrap();

            let out = [0x5a_u8; BYTES];
            let mut back = [0u8; BYTES];
            let mut latencies = Vec::with_capacity(n);
            let start = std::time::Instant::now();
            for _ in 0..n {
                let sent = std::time::Instant::now();
                stream.write_all(&out).await.expect("the client writes");
                stream
                    .read_exact(&mut back)
                    .await
                    .expect("the echo comes back whole");
                latencies.push(sent.elapsed());
            }
            let section = start.elapsed();

            close_abortively(vec![stream]);
            join_server(server).await;
            Recorded::timed(section, latencies)
        }

        /// The server side of the idle-connection memory measurement (see
        /// `idle.rs`): binds a loopback listener, reads the resident set, calls
        /// `start_clients` with the listener's address, accepts `connections`,
        /// each served by an echo task whose state holds an `IDLE_ECHO_BUFFER`-byte
        /// buffer, waits until every echo task has echoed the client's one byte
        /// and is back in its read (pending: the connection is idle), and reads
        /// the resident set again.
        ///
        /// Returns both readings and what `start_clients` returned, so that the
        /// clients stay connected until the caller lets them go. Runs on a
        /// current-thread runtime: a task counts itself served after its first
        /// echo and goes on to its next read in the same poll, so when the main
        /// task sees every one served, each is parked in that read.
        pub(crate) async fn idle_connections_rss<C>(
            connections: usize,
            start_clients: impl FnOnce(std::net::SocketAddr) -> std::io::Result<C>,
        ) -> std::io::Result<(usize, usize, C)> {
            use std::sync::Arc;
            use std::sync::atomic::{AtomicUsize, Ordering};
            use $krate::io::{AsyncReadExt, AsyncWriteExt};

            let listener = loopback_listener()?;
            let no_rss = || std::io::Error::other("this OS does not report resident memory");
            let before = $crate::rss_bytes().ok_or_else(no_rss)?;
            let clients = start_clients(listener.local_addr()?)?;

            let served = Arc::new(AtomicUsize::new(0));
            let serve_all = async {
                for _ in 0..connections {
                    let (mut stream, _) = listener.accept().await?;
                    let served = served.clone();
                    // Detached: the runtime's end drops them.
                    drop($krate::spawn(async move {
                        let mut buf = [0u8; $crate::idle::IDLE_ECHO_BUFFER];
                        let mut first = true;
                        while let Ok(read @ 1..) = stream.read(&mut buf).await {
                            if stream.write_all(&buf[..read]).await.is_err() {
                                return;
                            }
                            if std::mem::take(&mut first) {
                                served.fetch_add(1, Ordering::Relaxed);
                            }
                        }
                    }));
                }
                while served.load(Ordering::Relaxed) < connections {
                    $krate::task::yield_now().await;
                }
                Ok::<(), std::io::Error>(())
            };
            // One timer for the whole of it: a client process that died must
            // not leave the server waiting forever.
            $krate::time::timeout($crate::idle::IDLE_ACCEPT_TIMEOUT, serve_all)
                .await
                .map_err(|_| {
                    std::io::Error::new(
                        std::io::ErrorKind::TimedOut,
                        format!(
                            "{} of {connections} connections were served within {:?}",
                            served.load(Ordering::Relaxed),
                            $crate::idle::IDLE_ACCEPT_TIMEOUT
                        ),
                    )
                })??;
            let after = $crate::rss_bytes().ok_or_else(no_rss)?;
            Ok((before, after, clients))
        }
    };
}
