//! The protocol version of a message (RFC 9110 §2.5).

use std::fmt;

/// An HTTP version. The HTTP/1 core speaks 1.0 and 1.1; a parser answers any other
/// `HTTP/x.y` with [`ParseError::UnsupportedVersion`](crate::http1::ParseError) (505).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Default)]
#[non_exhaustive]
pub enum Version {
    /// HTTP/1.0: connections close after each message unless `Connection: keep-alive`
    /// says otherwise, and there is no chunked coding.
    Http10,
    /// HTTP/1.1: persistent connections by default, chunked coding, `Host` required.
    #[default]
    Http11,
}

impl Version {
    /// The version as written in a start line, `HTTP/1.1`.
    pub fn as_str(self) -> &'static str {
        match self {
            Version::Http10 => "HTTP/1.0",
            Version::Http11 => "HTTP/1.1",
        }
    }
}

impl fmt::Display for Version {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}
