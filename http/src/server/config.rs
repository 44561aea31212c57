//! [`ServerConfig`]: the limits and timeouts a server holds every connection to.

use std::time::Duration;

use crate::Limits;

/// What a server allows its peers, with safe defaults.
///
/// Every rejection answers with its status (431, 414, 413, 400, 408, 501, 505) and then
/// closes the connection.
///
/// ```
/// use std::time::Duration;
/// use avx_http::server::ServerConfig;
///
/// let mut config = ServerConfig::default();
/// config.header_read_timeout = Duration::from_secs(10);
/// config.write_timeout = Duration::from_secs(20);
/// config.limits.max_headers = 50;
/// assert_eq!(config.limits.max_body_size, Some(16 * 1024 * 1024));
/// ```
#[derive(Clone, Debug)]
#[non_exhaustive]
pub struct ServerConfig {
    /// The codec's limits: header count (431), head size (431), target length (414),
    /// chunk extensions and trailers (400), body size (413). The server's default
    /// caps bodies at 16 MiB (the codec's own default sets no cap); `None` lets
    /// handlers stream bodies of any size.
    pub limits: Limits,
    /// How long a client has to send a whole request head, from its first byte (or,
    /// for a connection's first request, from the accept): the slowloris bound. A
    /// client that runs out of it is answered 408. Default 30 s.
    pub header_read_timeout: Duration,
    /// How long the handler's read of a request body may wait for the client's next
    /// byte. A client that sends nothing for this long is answered 408 and the
    /// connection closes; the handler's read fails with
    /// [`BodyReadError::TimedOut`](super::BodyReadError::TimedOut). It bounds each
    /// wait, not the whole body, so a slow upload that keeps moving is never cut.
    /// Default 60 s.
    pub body_read_timeout: Duration,
    /// How long a write may wait for the client to take the next byte of a response.
    /// A client that takes nothing for this long (it stopped reading) has its
    /// connection aborted. Like `body_read_timeout`, it bounds each wait, not the
    /// whole response. Default 60 s.
    pub write_timeout: Duration,
    /// How long an idle keep-alive connection waits for the next request before it is
    /// closed. Default 60 s.
    pub keep_alive_timeout: Duration,
    /// How long a graceful shutdown waits for requests in flight before it aborts
    /// their connections. Default 30 s.
    pub shutdown_timeout: Duration,
    /// How many bytes of a request body the handler left unread the server reads and
    /// drops to keep the connection open; past this, or past `header_read_timeout`,
    /// it closes the connection instead. Default 256 KiB.
    pub max_drain: u64,
}

impl Default for ServerConfig {
    fn default() -> ServerConfig {
        ServerConfig {
            limits: Limits {
                max_body_size: Some(16 * 1024 * 1024),
                ..Limits::default()
            },
            header_read_timeout: Duration::from_secs(30),
            body_read_timeout: Duration::from_secs(60),
            write_timeout: Duration::from_secs(60),
            keep_alive_timeout: Duration::from_secs(60),
            shutdown_timeout: Duration::from_secs(30),
            max_drain: 256 * 1024,
        }
    }
}
