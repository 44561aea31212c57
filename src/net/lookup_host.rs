//! [`lookup_host`]: name resolution without blocking the runtime.

use std::io;
use std::net::SocketAddr;

use super::ToSocketAddrs;

/// Resolves `host` to its addresses: a host name (`"localhost:80"`,
/// `("example.org", 443)`) through std's resolver on the blocking pool, an
/// address (or a string that parses as one) at once.
///
/// The iterator may be empty. For anything beyond this basic lookup, use a DNS
/// library.
///
/// ```
/// # #[cfg(feature = "rt")]
/// # avx::runtime::Builder::new_current_thread().build().unwrap().block_on(async {
/// let addrs: Vec<_> = avx::net::lookup_host("127.0.0.1:8080").await.unwrap().collect();
/// assert_eq!(addrs, ["127.0.0.1:8080".parse().unwrap()]);
/// # });
/// ```
///
/// # Panics
///
/// When a name must be looked up outside a runtime, with tokio's message.
pub async fn lookup_host<T: ToSocketAddrs>(
    host: T,
) -> io::Result<impl Iterator<Item = SocketAddr>> {
    super::to_socket_addrs(host).await
}
