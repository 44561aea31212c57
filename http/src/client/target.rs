//! Where a request goes: the URL taken apart into the origin to connect to (the
//! pool's key) and what goes on the wire (an origin-form target and `Host`).
//!
//! A URL is `scheme://host[:port][/path][?query][#fragment]` in visible ASCII, with
//! `http` or `https` as scheme (any case). The fragment is the client's own and is
//! never sent; userinfo (`user:pass@`) is refused, as RFC 9110 §4.2.4 says for
//! `http` URIs. Without the `tls` feature, `https` is an unsupported scheme.

use std::sync::Arc;

use bytes::Bytes;

use super::Error;
use crate::uri::TargetForm;
use crate::{HeaderValue, RequestHead, Uri, header};

/// The schemes the client speaks.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub(crate) enum Scheme {
    Http,
    Https,
}

impl Scheme {
    fn default_port(self) -> u16 {
        match self {
            Scheme::Http => 80,
            Scheme::Https => 443,
        }
    }
}

/// An origin: connections to one are interchangeable, so the pool files them under
/// it.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub(crate) struct Origin {
    pub(crate) scheme: Scheme,
    /// Lowercase, without the brackets of an IPv6 literal: what DNS and TLS's
    /// server name take.
    pub(crate) host: Box<str>,
    pub(crate) port: u16,
}

/// A request taken apart for sending.
#[derive(Debug)]
pub(crate) struct Target {
    pub(crate) origin: Arc<Origin>,
    /// The head as it goes on the wire: origin-form target, `Host` set.
    pub(crate) head: RequestHead,
}

/// Parses a URL the caller gave as text.
pub(crate) fn parse_url(url: &str) -> Result<Uri, Error> {
    // The fragment is never sent, and may hold bytes a target may not.
    let url = url.split_once('#').map_or(url, |(before, _)| before);
    if url.bytes().any(|b| !(0x21..=0x7e).contains(&b)) {
        return Err(Error::InvalidUrl(
            "holds a space, a control byte or non-ASCII (percent-encode it)",
        ));
    }
    let uri: Uri = url
        .parse()
        .map_err(|_| Error::InvalidUrl("malformed (or with user:password@, refused)"))?;
    if uri.form() != TargetForm::Absolute {
        return Err(Error::InvalidUrl("not absolute: scheme://host/path"));
    }
    Ok(uri)
}

/// Takes `head`, whose target is an absolute URL, apart into its origin and the
/// head to send.
pub(crate) fn target(mut head: RequestHead) -> Result<Target, Error> {
    let uri = &head.uri;
    let (Some(scheme), Some(authority), Some(host)) = (uri.scheme(), uri.authority(), uri.host())
    else {
        return Err(Error::InvalidUrl("not absolute: scheme://host/path"));
    };
    let scheme = if scheme.eq_ignore_ascii_case("http") {
        Scheme::Http
    } else if scheme.eq_ignore_ascii_case("https") && cfg!(feature = "tls") {
        Scheme::Https
    } else {
        return Err(Error::UnsupportedScheme(scheme.to_string()));
    };
    let bare_host = host
        .strip_prefix('[')
        .and_then(|h| h.strip_suffix(']'))
        .unwrap_or(host);
    if bare_host.is_empty() {
        return Err(Error::InvalidUrl("no host"));
    }
    let origin = Origin {
        scheme,
        host: bare_host.to_ascii_lowercase().into_boxed_str(),
        port: uri.port().unwrap_or(scheme.default_port()),
    };
    let path = uri.path_and_query();
    let path = path.split_once('#').map_or(&*path, |(before, _)| before);
    // A path of visible ASCII starting with `/` is always an origin-form target.
    let path = Uri::from_shared(Bytes::copy_from_slice(path.as_bytes()))
        .map_err(|_| Error::InvalidUrl("malformed path"))?;
    if !head.headers.contains_key(header::HOST) {
        // An authority is visible ASCII, which a field value may hold.
        let host = HeaderValue::from_bytes(authority.as_bytes())
            .map_err(|_| Error::InvalidUrl("malformed host"))?;
        head.headers.insert(header::HOST, host);
    }
    head.uri = path;
    Ok(Target {
        origin: Arc::new(origin),
        head,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::Method;

    fn split(url: &str) -> Result<Target, Error> {
        target(RequestHead::new(Method::GET, parse_url(url)?))
    }

    #[test]
    fn urls_become_origins_and_wire_heads() {
        let t = split("HTTP://Example.COM/a/b?c=d#frag").unwrap();
        assert_eq!(t.origin.scheme, Scheme::Http);
        assert_eq!(&*t.origin.host, "example.com");
        assert_eq!(t.origin.port, 80);
        assert_eq!(t.head.uri.as_str(), "/a/b?c=d");
        assert_eq!(
            t.head.headers.get("host").unwrap().as_bytes(),
            b"Example.COM"
        );

        let t = split("https://[::1]:8443?q").unwrap();
        assert_eq!(t.origin.scheme, Scheme::Https);
        assert_eq!(&*t.origin.host, "::1");
        assert_eq!(t.origin.port, 8443);
        assert_eq!(t.head.uri.as_str(), "/?q");
        assert_eq!(
            t.head.headers.get("host").unwrap().as_bytes(),
            b"[::1]:8443"
        );

        assert_eq!(split("https://a").unwrap().origin.port, 443);
    }

    #[test]
    fn a_host_the_caller_set_is_kept() {
        let mut head = RequestHead::new(Method::GET, parse_url("http://10.0.0.1/").unwrap());
        head.headers
            .insert(header::HOST, HeaderValue::from_static("virtual.test"));
        let t = target(head).unwrap();
        assert_eq!(t.head.headers.get_all("host").count(), 1);
        assert_eq!(
            t.head.headers.get("host").unwrap().as_bytes(),
            b"virtual.test"
        );
    }

    #[test]
    fn bad_urls_are_typed_errors() {
        for url in [
            "",
            "/relative",
            "example.com",
            "http://",
            "http:///path",
            "http://user:pw@host/",
            "http://host:99999/",
            "http://host:/",
            "http://ho st/",
            "http://hôst/",
            "http://host/\n",
            "http://:80/",
        ] {
            assert!(
                matches!(split(url), Err(Error::InvalidUrl(_))),
                "{url:?}: {:?}",
                split(url)
            );
        }
        for url in ["ftp://host/", "ws://host/", "h://host/"] {
            assert!(
                matches!(split(url), Err(Error::UnsupportedScheme(_))),
                "{url:?}"
            );
        }
    }
}
