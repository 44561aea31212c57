//! The workloads: what each does, and the one dispatcher that runs them.
//!
//! Each area's bodies are a macro of `$krate` (`runtime.rs`, `timer.rs`,
//! `sync.rs`, `fs.rs`, `net.rs`, `http.rs`); `workloads!` expands all of them plus
//! the dispatcher into a module per API, `on_tokio` and `on_avx`, so every body
//! exists exactly twice and differs only in its paths.

use std::time::Duration;

use crate::Latencies;

#[macro_use]
mod runtime;
#[macro_use]
mod timer;
#[macro_use]
mod sync;
#[macro_use]
mod fs;
#[macro_use]
mod net;
#[macro_use]
mod http;
mod http_servers;

/// A workload: one kind of work, run `n` operations at a time.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Workload {
    /// Spawn `n` trivial tasks from a task, then join them all.
    SpawnMany,
    /// One task alone on its runtime yields `n` times.
    YieldMany,
    /// `n` pairs of tasks pass a message there and back.
    PingPong,
    /// Each of `n` tasks spawns the next; the last signals.
    ChainedSpawn,
    /// `n` times: create a sleep, poll it once (registers it), drop it (cancels).
    TimerInsertCancel,
    /// `n` tasks each sleep 1 to 10 ms; all are joined.
    SleepsFiring,
    /// `producers` tasks send `n` messages in all through one mpsc channel
    /// (bounded, capacity [`MPSC_CAPACITY`], or unbounded) to one receiver.
    Mpsc {
        /// `channel` or `unbounded_channel`.
        bounded: bool,
        /// Sending tasks; each sends `n / producers`.
        producers: usize,
    },
    /// `n` request/response round trips between two tasks, each over a fresh
    /// pair of oneshot channels (the request carries the reply's sender and the
    /// receiver of the next request).
    OneshotRoundTrip,
    /// [`CONTENDERS`] tasks take one `Mutex` `n` times in all, each holding it
    /// across a yield, so every lock but the first of a turn waits in line.
    MutexContended,
    /// [`CONTENDERS`] tasks acquire and release a `Semaphore` of
    /// [`SEMAPHORE_PERMITS`] permits `n` times in all, holding a permit across
    /// a yield.
    SemaphoreAcquireRelease,
    /// One sender broadcasts `n` values to `receivers` receiving tasks (capacity
    /// [`BROADCAST_CAPACITY`]; the sender sends half a ring at a time and waits,
    /// with a `Signal`, until the receivers have read the half before, so no
    /// receiver lags).
    BroadcastFanOut {
        /// Receiving tasks, each of which receives every value.
        receivers: usize,
    },
    /// One sender sends `n` values on a `watch` channel, yielding after each;
    /// [`WATCH_RECEIVERS`] tasks wait with `changed` until they see the last.
    WatchSendChanged,
    /// [`FS_READERS`] tasks read `n` files of 1 KiB in all with `fs::read`.
    FsReadSmall,
    /// `connections` clients send `n` messages of `message` bytes in all to an
    /// echo server on the same runtime, each client one message at a time, each
    /// read back in full before the next. Timed from the moment all are connected.
    TcpEcho {
        /// Client connections, each served by its own server task.
        connections: usize,
        /// Bytes per message.
        message: usize,
    },
    /// [`ACCEPT_CONNECTORS`] tasks connect `n` times in all; the server accepts
    /// each connection and closes it; the client waits for that close (end of
    /// stream) before it connects again.
    TcpAccept,
    /// `n` round trips of a [`PING_PONG_BYTES`]-byte datagram between two
    /// connected UDP sockets, the far one echoed by a task; each timed.
    UdpPingPong,
    /// `n` round trips of a [`PING_PONG_BYTES`]-byte message over one TCP
    /// connection to an echo task; each timed.
    TcpPingPong,
    /// `connections` keep-alive clients send `n` GET-like requests in all to a
    /// minimal HTTP/1.1-like server on the same runtime, each reading the whole
    /// response before the next request; each request timed.
    HttpKeepAlive {
        /// Client connections.
        connections: usize,
    },
    /// As [`HttpKeepAlive`](Workload::HttpKeepAlive), against a real HTTP/1.1
    /// server: hyper 1.x on raw tokio, avx-http on `avx::` (both backends).
    HttpServer {
        /// Client connections.
        connections: usize,
    },
}

/// Capacity of the bounded mpsc channel.
pub const MPSC_CAPACITY: usize = 1024;
/// Tasks contending for the `Mutex` and the `Semaphore`.
pub const CONTENDERS: usize = 8;
/// Permits of the contended `Semaphore`.
pub const SEMAPHORE_PERMITS: usize = 4;
/// Capacity of the broadcast channel; the sender sends half of it at a time.
pub const BROADCAST_CAPACITY: usize = 256;
/// Receivers of the watch channel.
pub const WATCH_RECEIVERS: usize = 4;
/// Tasks reading files at once in the fs workload.
pub const FS_READERS: usize = 8;
/// Tasks connecting at once in the accept workload.
pub const ACCEPT_CONNECTORS: usize = 16;
/// The listen backlog of every network workload's listener, on every
/// contender.
pub const LISTEN_BACKLOG: u32 = 1024;
/// Bytes per message in the UDP and TCP ping-pongs.
pub const PING_PONG_BYTES: usize = 64;

/// What a workload's body hands back besides its wall time.
#[derive(Debug, Default)]
pub(crate) struct Recorded {
    /// Per-operation times, if it records any.
    pub(crate) latencies: Latencies,
    /// The time of its measured section, if it sets up first (binds, connects)
    /// and times only what follows.
    pub(crate) section: Option<Duration>,
}

impl Recorded {
    /// A run whose measured section took `section`.
    pub(crate) fn section(section: Duration) -> Recorded {
        Recorded {
            latencies: Latencies::new(),
            section: Some(section),
        }
    }

    /// A run whose measured section took `section`, `latencies` one per operation.
    pub(crate) fn timed(section: Duration, latencies: Latencies) -> Recorded {
        Recorded {
            latencies,
            section: Some(section),
        }
    }
}

/// Part `i` of `total` split into `parts` near-equal parts (the first
/// `total % parts` get one more).
pub(crate) fn share(total: usize, parts: usize, i: usize) -> usize {
    total / parts + usize::from(i < total % parts)
}

/// `64b`, `16kib`: a message size as the workload names show it.
fn size_name(bytes: usize) -> String {
    if bytes >= 1024 && bytes % 1024 == 0 {
        format!("{}kib", bytes / 1024)
    } else {
        format!("{bytes}b")
    }
}

impl Workload {
    /// The scenario name used in reports and criterion group names.
    pub fn name(self) -> String {
        match self {
            Workload::SpawnMany => "spawn_many".to_owned(),
            Workload::YieldMany => "yield_many".to_owned(),
            Workload::PingPong => "ping_pong".to_owned(),
            Workload::ChainedSpawn => "chained_spawn".to_owned(),
            Workload::TimerInsertCancel => "timer_insert_cancel".to_owned(),
            Workload::SleepsFiring => "sleeps_firing".to_owned(),
            Workload::Mpsc { bounded, producers } => {
                let kind = if bounded { "bounded" } else { "unbounded" };
                format!("mpsc_{kind}_{producers}p")
            }
            Workload::OneshotRoundTrip => "oneshot_round_trip".to_owned(),
            Workload::MutexContended => "mutex_contended".to_owned(),
            Workload::SemaphoreAcquireRelease => "semaphore_acquire_release".to_owned(),
            Workload::BroadcastFanOut { receivers } => format!("broadcast_{receivers}rx"),
            Workload::WatchSendChanged => "watch_send_changed".to_owned(),
            Workload::FsReadSmall => "fs_read_small".to_owned(),
            Workload::TcpEcho {
                connections,
                message,
            } => format!("tcp_echo_{}_{connections}conn", size_name(message)),
            Workload::TcpAccept => "tcp_accept".to_owned(),
            Workload::UdpPingPong => format!("udp_ping_pong_{}", size_name(PING_PONG_BYTES)),
            Workload::TcpPingPong => format!("tcp_ping_pong_{}", size_name(PING_PONG_BYTES)),
            Workload::HttpKeepAlive { connections } => {
                format!("http_keepalive_{connections}conn")
            }
            Workload::HttpServer { connections } => format!("http_server_{connections}conn"),
        }
    }

    /// The area a workload exercises: `runtime`, `timer`, `sync`, `fs`, `net` or
    /// `http`.
    pub fn area(self) -> &'static str {
        match self {
            Workload::SpawnMany
            | Workload::YieldMany
            | Workload::PingPong
            | Workload::ChainedSpawn => "runtime",
            Workload::TimerInsertCancel | Workload::SleepsFiring => "timer",
            Workload::Mpsc { .. }
            | Workload::OneshotRoundTrip
            | Workload::MutexContended
            | Workload::SemaphoreAcquireRelease
            | Workload::BroadcastFanOut { .. }
            | Workload::WatchSendChanged => "sync",
            Workload::FsReadSmall => "fs",
            Workload::TcpEcho { .. }
            | Workload::TcpAccept
            | Workload::UdpPingPong
            | Workload::TcpPingPong
            | Workload::HttpKeepAlive { .. } => "net",
            Workload::HttpServer { .. } => "http",
        }
    }
}

macro_rules! workloads {
    ($krate:ident) => {
        use $crate::Workload;
        use $crate::workloads::Recorded;

        runtime_workloads!($krate);
        timer_workloads!($krate);
        sync_workloads!($krate);
        fs_workloads!($krate);
        net_workloads!($krate);
        http_workloads!($krate);

        /// Runs `workload` with `n` operations inside a spawned task, as an
        /// application's code would run; returns what it recorded. An arm whose
        /// workload records latencies or times a section returns with `return`.
        pub(crate) async fn run(workload: Workload, n: usize) -> Recorded {
            let task = $krate::spawn(async move {
                match workload {
                    Workload::SpawnMany => spawn_many(n).await,
                    Workload::YieldMany => yield_many(n).await,
                    Workload::PingPong => ping_pong(n).await,
                    Workload::ChainedSpawn => chained_spawn(n).await,
                    Workload::TimerInsertCancel => timer_insert_cancel(n).await,
                    Workload::SleepsFiring => sleeps_firing(n).await,
                    Workload::Mpsc {
                        bounded: true,
                        producers,
                    } => mpsc_bounded(producers, n).await,
                    Workload::Mpsc {
                        bounded: false,
                        producers,
                    } => mpsc_unbounded(producers, n).await,
                    Workload::OneshotRoundTrip => oneshot_round_trip(n).await,
                    Workload::MutexContended => mutex_contended(n).await,
                    Workload::SemaphoreAcquireRelease => semaphore_acquire_release(n).await,
                    Workload::BroadcastFanOut { receivers } => {
                        broadcast_fan_out(receivers, n).await
                    }
                    Workload::WatchSendChanged => watch_send_changed(n).await,
                    Workload::FsReadSmall => fs_read_small(n).await,
                    Workload::TcpEcho {
                        connections,
                        message,
                    } => return tcp_echo(connections, message, n).await,
                    Workload::TcpAccept => return tcp_accept(n).await,
                    Workload::UdpPingPong => return udp_ping_pong(n).await,
                    Workload::TcpPingPong => return tcp_ping_pong(n).await,
                    Workload::HttpKeepAlive { connections } => {
                        return http_keepalive(connections, n).await;
                    }
                    Workload::HttpServer { connections } => {
                        return http_server(connections, n).await;
                    }
                }
                Recorded::default()
            });
            task.await.unwrap()
        }
    };
}

/// The workloads against `tokio::`.
pub(crate) mod on_tokio {
    workloads!(tokio);
}

/// The workloads against `avx::`.
pub(crate) mod on_avx {
    workloads!(avx);
}
