//! avx's HTTP stack: HTTP/1.1 over avx's I/O, with TLS by rustls.

#[cfg(feature = "tls")]
pub mod tls;
