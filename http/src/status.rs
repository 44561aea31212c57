//! Response status codes (RFC 9110 §15) and their canonical reason phrases.

use std::fmt;

/// A response status code: three digits, 100 to 999.
///
/// ```
/// use avx_http::StatusCode;
///
/// assert_eq!(StatusCode::NOT_FOUND.as_u16(), 404);
/// assert_eq!(StatusCode::NOT_FOUND.canonical_reason(), Some("Not Found"));
/// assert!(StatusCode::from_u16(1000).is_err());
/// ```
#[derive(Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct StatusCode(u16);

/// The error for a number that is not a three-digit status code.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct InvalidStatusCode;

impl fmt::Display for InvalidStatusCode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("invalid status code: not in 100..=999")
    }
}

impl std::error::Error for InvalidStatusCode {}

macro_rules! status_codes {
    ($($(#[$doc:meta])* ($code:literal, $name:ident, $reason:literal);)+) => {
        impl StatusCode {
            $(
                $(#[$doc])*
                #[doc = concat!("`", stringify!($code), " ", $reason, "`")]
                pub const $name: StatusCode = StatusCode($code);
            )+

            /// The reason phrase RFC 9110 (or the RFC that registered the code) gives
            /// it, if the code is registered.
            pub fn canonical_reason(self) -> Option<&'static str> {
                match self.0 {
                    $($code => Some($reason),)+
                    _ => None,
                }
            }
        }
    };
}

status_codes! {
    (100, CONTINUE, "Continue");
    (101, SWITCHING_PROTOCOLS, "Switching Protocols");
    (103, EARLY_HINTS, "Early Hints");
    (200, OK, "OK");
    (201, CREATED, "Created");
    (202, ACCEPTED, "Accepted");
    (203, NON_AUTHORITATIVE_INFORMATION, "Non-Authoritative Information");
    (204, NO_CONTENT, "No Content");
    (205, RESET_CONTENT, "Reset Content");
    (206, PARTIAL_CONTENT, "Partial Content");
    (300, MULTIPLE_CHOICES, "Multiple Choices");
    (301, MOVED_PERMANENTLY, "Moved Permanently");
    (302, FOUND, "Found");
    (303, SEE_OTHER, "See Other");
    (304, NOT_MODIFIED, "Not Modified");
    (307, TEMPORARY_REDIRECT, "Temporary Redirect");
    (308, PERMANENT_REDIRECT, "Permanent Redirect");
    (400, BAD_REQUEST, "Bad Request");
    (401, UNAUTHORIZED, "Unauthorized");
    (402, PAYMENT_REQUIRED, "Payment Required");
    (403, FORBIDDEN, "Forbidden");
    (404, NOT_FOUND, "Not Found");
    (405, METHOD_NOT_ALLOWED, "Method Not Allowed");
    (406, NOT_ACCEPTABLE, "Not Acceptable");
    (407, PROXY_AUTHENTICATION_REQUIRED, "Proxy Authentication Required");
    (408, REQUEST_TIMEOUT, "Request Timeout");
    (409, CONFLICT, "Conflict");
    (410, GONE, "Gone");
    (411, LENGTH_REQUIRED, "Length Required");
    (412, PRECONDITION_FAILED, "Precondition Failed");
    (413, CONTENT_TOO_LARGE, "Content Too Large");
    (414, URI_TOO_LONG, "URI Too Long");
    (415, UNSUPPORTED_MEDIA_TYPE, "Unsupported Media Type");
    (416, RANGE_NOT_SATISFIABLE, "Range Not Satisfiable");
    (417, EXPECTATION_FAILED, "Expectation Failed");
    (421, MISDIRECTED_REQUEST, "Misdirected Request");
    (422, UNPROCESSABLE_CONTENT, "Unprocessable Content");
    (425, TOO_EARLY, "Too Early");
    (426, UPGRADE_REQUIRED, "Upgrade Required");
    (428, PRECONDITION_REQUIRED, "Precondition Required");
    (429, TOO_MANY_REQUESTS, "Too Many Requests");
    (431, REQUEST_HEADER_FIELDS_TOO_LARGE, "Request Header Fields Too Large");
    (451, UNAVAILABLE_FOR_LEGAL_REASONS, "Unavailable For Legal Reasons");
    (500, INTERNAL_SERVER_ERROR, "Internal Server Error");
    (501, NOT_IMPLEMENTED, "Not Implemented");
    (502, BAD_GATEWAY, "Bad Gateway");
    (503, SERVICE_UNAVAILABLE, "Service Unavailable");
    (504, GATEWAY_TIMEOUT, "Gateway Timeout");
    (505, HTTP_VERSION_NOT_SUPPORTED, "HTTP Version Not Supported");
    (511, NETWORK_AUTHENTICATION_REQUIRED, "Network Authentication Required");
}

impl StatusCode {
    /// A status code from its number, which must have three digits.
    pub const fn from_u16(code: u16) -> Result<StatusCode, InvalidStatusCode> {
        if code >= 100 && code <= 999 {
            Ok(StatusCode(code))
        } else {
            Err(InvalidStatusCode)
        }
    }

    /// The number.
    pub const fn as_u16(self) -> u16 {
        self.0
    }

    /// The three ASCII digits, as written in a status line.
    pub fn as_digits(self) -> [u8; 3] {
        let code = self.0;
        [
            b'0' + (code / 100) as u8,
            b'0' + (code / 10 % 10) as u8,
            b'0' + (code % 10) as u8,
        ]
    }

    /// 1xx: an interim response; the final one follows.
    pub const fn is_informational(self) -> bool {
        self.0 < 200
    }

    /// 2xx.
    pub const fn is_success(self) -> bool {
        self.0 >= 200 && self.0 < 300
    }

    /// 3xx.
    pub const fn is_redirection(self) -> bool {
        self.0 >= 300 && self.0 < 400
    }

    /// 4xx: the request was at fault.
    pub const fn is_client_error(self) -> bool {
        self.0 >= 400 && self.0 < 500
    }

    /// 5xx: the server was at fault.
    pub const fn is_server_error(self) -> bool {
        self.0 >= 500 && self.0 < 600
    }
}

impl Default for StatusCode {
    fn default() -> StatusCode {
        StatusCode::OK
    }
}

impl fmt::Debug for StatusCode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Debug::fmt(&self.0, f)
    }
}

/// `404 Not Found`; just the number for an unregistered code.
impl fmt::Display for StatusCode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.canonical_reason() {
            Some(reason) => write!(f, "{} {}", self.0, reason),
            None => write!(f, "{}", self.0),
        }
    }
}

impl TryFrom<u16> for StatusCode {
    type Error = InvalidStatusCode;

    fn try_from(code: u16) -> Result<StatusCode, InvalidStatusCode> {
        StatusCode::from_u16(code)
    }
}

impl From<StatusCode> for u16 {
    fn from(status: StatusCode) -> u16 {
        status.0
    }
}

impl PartialEq<u16> for StatusCode {
    fn eq(&self, other: &u16) -> bool {
        self.0 == *other
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn range_edges() {
        assert_eq!(StatusCode::from_u16(99), Err(InvalidStatusCode));
        assert_eq!(StatusCode::from_u16(100).unwrap(), StatusCode::CONTINUE);
        assert_eq!(StatusCode::from_u16(999).unwrap().as_u16(), 999);
        assert_eq!(StatusCode::from_u16(1000), Err(InvalidStatusCode));
    }

    #[test]
    fn reasons_and_digits() {
        let table = [
            (100, Some("Continue"), *b"100"),
            (204, Some("No Content"), *b"204"),
            (431, Some("Request Header Fields Too Large"), *b"431"),
            (505, Some("HTTP Version Not Supported"), *b"505"),
            (599, None, *b"599"),
        ];
        for (code, reason, digits) in table {
            let status = StatusCode::from_u16(code).unwrap();
            assert_eq!(status.canonical_reason(), reason, "{code}");
            assert_eq!(status.as_digits(), digits, "{code}");
        }
        assert_eq!(StatusCode::URI_TOO_LONG.to_string(), "414 URI Too Long");
    }

    #[test]
    fn classes() {
        assert!(StatusCode::SWITCHING_PROTOCOLS.is_informational());
        assert!(StatusCode::NO_CONTENT.is_success());
        assert!(StatusCode::NOT_MODIFIED.is_redirection());
        assert!(StatusCode::BAD_REQUEST.is_client_error());
        assert!(StatusCode::NOT_IMPLEMENTED.is_server_error());
        assert!(!StatusCode::from_u16(600).unwrap().is_server_error());
    }
}
