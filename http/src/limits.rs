//! What a peer may send before the codec gives up on it.
//!
//! Every limit is checked as bytes arrive, so a peer that never finishes a head, a chunk
//! line or a trailer section is stopped at the limit, not when it chooses to stop. Each
//! violation has its own error with the status a server answers it with.

/// Limits on what a peer may send, with safe defaults.
///
/// ```
/// let mut limits = avx_http::Limits::default();
/// limits.max_headers = 50;
/// assert_eq!(limits.max_head_size, 64 * 1024);
/// ```
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub struct Limits {
    /// Most header fields in a head (and trailer fields in a trailer section); one more
    /// is [`TooManyHeaders`](crate::http1::ParseError::TooManyHeaders), 431. Default 100.
    pub max_headers: usize,
    /// Most bytes in a head: the start line, the header fields and the empty line that
    /// ends them, with their CRLFs (and any empty lines before a request line). One more
    /// is [`HeadTooLarge`](crate::http1::ParseError::HeadTooLarge), 431. Default 64 KiB.
    pub max_head_size: usize,
    /// Most bytes in a request target; one more is
    /// [`UriTooLong`](crate::http1::ParseError::UriTooLong), 414. Default 8 KiB
    /// (RFC 9112 §3 asks for at least 8,000 octets).
    pub max_uri_len: usize,
    /// Most bytes of chunk extensions (everything from a chunk size to its CRLF) in one
    /// body, all chunks together: extensions carry no data, so a peer sending many tiny
    /// chunks with extensions is stopped early. Default 16 KiB.
    pub max_chunk_extensions: usize,
    /// Most bytes in a trailer section, with its CRLFs. Default 16 KiB.
    pub max_trailer_size: usize,
    /// Most body bytes a message may carry, declared or chunked; `None` (the default)
    /// sets none, since bodies are streamed and the application bounds what it buffers.
    /// One more is [`BodyError::TooLarge`](crate::http1::BodyError::TooLarge), 413.
    pub max_body_size: Option<u64>,
}

impl Default for Limits {
    fn default() -> Limits {
        Limits {
            max_headers: 100,
            max_head_size: 64 * 1024,
            max_uri_len: 8 * 1024,
            max_chunk_extensions: 16 * 1024,
            max_trailer_size: 16 * 1024,
            max_body_size: None,
        }
    }
}
