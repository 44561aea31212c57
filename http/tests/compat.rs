//! The `http-compat` conversions: round trips of every type both ways, repeated header
//! fields, and every refusal.
//!
//! Run with `cargo test -p avx-http --features http-compat --test compat`.

#![cfg(feature = "http-compat")]

use avx_http::compat::ConvertError;
use avx_http::{
    HeaderMap, HeaderName, HeaderValue, Method, ReasonPhrase, Request, RequestHead, Response,
    ResponseHead, StatusCode, Uri, Version, header,
};

fn headers(fields: &[(&'static str, &'static str)]) -> HeaderMap {
    fields
        .iter()
        .map(|&(n, v)| (HeaderName::from_static(n), HeaderValue::from_static(v)))
        .collect()
}

fn pairs(headers: &HeaderMap) -> Vec<(&str, &str)> {
    headers
        .iter()
        .map(|(n, v)| (n.as_str(), v.to_str().unwrap()))
        .collect()
}

fn http_pairs(headers: &http::HeaderMap) -> Vec<(&str, &str)> {
    headers
        .iter()
        .map(|(n, v)| (n.as_str(), v.to_str().unwrap()))
        .collect()
}

// The `From` impls rest on both crates accepting the same bytes; these pin that down
// for every byte, so a change on either side fails here rather than panicking there.

#[test]
fn both_crates_accept_the_same_method_name_and_value_bytes() {
    for b in 0..=255u8 {
        let text = [b, b'X'];
        assert_eq!(
            Method::from_bytes(&text).is_ok(),
            http::Method::from_bytes(&text).is_ok(),
            "method byte {b:#x}"
        );
        assert_eq!(
            HeaderName::from_bytes(&text).is_ok(),
            http::HeaderName::from_bytes(&text).is_ok(),
            "name byte {b:#x}"
        );
        assert_eq!(
            HeaderValue::from_bytes(&text).is_ok(),
            http::HeaderValue::from_bytes(&text).is_ok(),
            "value byte {b:#x}"
        );
    }
    assert!(Method::from_bytes(b"").is_err() && http::Method::from_bytes(b"").is_err());
    assert!(HeaderName::from_bytes(b"").is_err() && http::HeaderName::from_bytes(b"").is_err());
}

#[test]
fn methods_round_trip() {
    let long = "X".repeat(300);
    let names = [
        "GET", "HEAD", "POST", "PUT", "DELETE", "CONNECT", "OPTIONS", "TRACE", "PATCH", "QUERY",
        "PURGE", "get", "M-SEARCH", &long,
    ];
    for name in names {
        let ours = Method::from_bytes(name.as_bytes()).unwrap();
        let theirs = http::Method::from(ours.clone());
        assert_eq!(theirs.as_str(), name);
        assert_eq!(Method::from(theirs), ours, "{name}");
    }
    assert_eq!(http::Method::from(Method::GET), http::Method::GET);
    assert_eq!(Method::from(http::Method::PATCH), Method::PATCH);
}

#[test]
fn every_status_code_round_trips() {
    for code in 100..=999u16 {
        let ours = StatusCode::from_u16(code).unwrap();
        let theirs = http::StatusCode::from(ours);
        assert_eq!(theirs.as_u16(), code);
        assert_eq!(StatusCode::from(theirs), ours);
    }
}

#[test]
fn versions_round_trip_and_later_ones_are_refused() {
    for (ours, theirs) in [
        (Version::Http10, http::Version::HTTP_10),
        (Version::Http11, http::Version::HTTP_11),
    ] {
        assert_eq!(http::Version::from(ours), theirs);
        assert_eq!(Version::try_from(theirs), Ok(ours));
    }
    for refused in [
        http::Version::HTTP_09,
        http::Version::HTTP_2,
        http::Version::HTTP_3,
    ] {
        assert_eq!(
            Version::try_from(refused),
            Err(ConvertError::UnsupportedVersion(refused))
        );
    }
    let message = ConvertError::UnsupportedVersion(http::Version::HTTP_2).to_string();
    assert_eq!(message, "HTTP/2.0 has no avx-http version");
}

#[test]
fn header_names_round_trip_lowercased() {
    let ours = HeaderName::from_bytes(b"X-Request-ID").unwrap();
    let theirs = http::HeaderName::try_from(ours.clone()).unwrap();
    assert_eq!(theirs.as_str(), "x-request-id", "http keeps no case");
    let back = HeaderName::from(theirs);
    assert_eq!(back, ours, "names compare without case");
    assert_eq!(back.as_str(), "x-request-id");

    assert_eq!(
        HeaderName::from(http::header::SET_COOKIE),
        header::SET_COOKIE
    );
    let longest = HeaderName::from_bytes(&vec![b'a'; 65_535]).unwrap();
    assert_eq!(
        http::HeaderName::try_from(longest).unwrap().as_str().len(),
        65_535
    );
}

#[test]
fn a_header_name_too_long_for_http_is_refused() {
    let name = HeaderName::from_bytes(&vec![b'a'; 65_536]).unwrap();
    assert_eq!(
        http::HeaderName::try_from(name.clone()),
        Err(ConvertError::HeaderNameTooLong)
    );
    let mut map = headers(&[("host", "a")]);
    map.append(name, HeaderValue::from_static("x"));
    assert_eq!(
        http::HeaderMap::try_from(map),
        Err(ConvertError::HeaderNameTooLong)
    );
}

#[test]
fn header_values_round_trip_byte_for_byte() {
    for bytes in [&b""[..], b"text/plain", b"\ta b~", b"obs-text \x80\xff"] {
        let ours = HeaderValue::from_bytes(bytes).unwrap();
        let theirs = http::HeaderValue::from(ours.clone());
        assert_eq!(theirs.as_bytes(), bytes);
        assert_eq!(HeaderValue::try_from(theirs), Ok(ours));
    }
    let mut sensitive = http::HeaderValue::from_static("secret");
    sensitive.set_sensitive(true);
    assert_eq!(HeaderValue::try_from(sensitive).unwrap(), "secret");
}

/// `http` holds an unchecked value only in a release build: in a debug build its
/// `from_maybe_shared_unchecked` checks the bytes and panics.
#[test]
#[cfg_attr(
    debug_assertions,
    ignore = "http checks unchecked header values in debug builds; run with --release"
)]
fn a_header_value_with_control_bytes_is_refused() {
    for bad in ["a\r\nInjected: yes", "nul\0", "\x1b[31m"] {
        // SAFETY: the one requirement of `from_maybe_shared_unchecked` is UTF-8, which
        // a `&str` is; the control bytes are the point of the test.
        let theirs = unsafe { http::HeaderValue::from_maybe_shared_unchecked(bad) };
        assert_eq!(
            HeaderValue::try_from(theirs.clone()),
            Err(ConvertError::InvalidHeaderValue),
            "{bad:?}"
        );
        let mut map = http::HeaderMap::new();
        map.append(http::header::ACCEPT, http::HeaderValue::from_static("ok"));
        map.append(http::header::USER_AGENT, theirs);
        assert_eq!(
            HeaderMap::try_from(map.clone()),
            Err(ConvertError::InvalidHeaderValue)
        );
        let mut request = http::Request::new(());
        *request.headers_mut() = map;
        assert_eq!(
            Request::try_from(request),
            Err(ConvertError::InvalidHeaderValue)
        );
    }
}

#[test]
fn repeated_fields_keep_their_order() {
    let ours = headers(&[
        ("Set-Cookie", "a=1"),
        ("Host", "h"),
        ("set-cookie", "b=2"),
        ("Accept", "x"),
        ("SET-COOKIE", "c=3"),
        ("accept", "y"),
    ]);
    let theirs = http::HeaderMap::try_from(ours).unwrap();
    assert_eq!(theirs.len(), 6);
    let cookies: Vec<_> = theirs.get_all("set-cookie").iter().collect();
    assert_eq!(cookies, ["a=1", "b=2", "c=3"]);
    // http groups the values of a name under its first occurrence.
    assert_eq!(
        http_pairs(&theirs),
        [
            ("set-cookie", "a=1"),
            ("set-cookie", "b=2"),
            ("set-cookie", "c=3"),
            ("host", "h"),
            ("accept", "x"),
            ("accept", "y"),
        ]
    );
    let back = HeaderMap::try_from(theirs).unwrap();
    assert_eq!(
        pairs(&back),
        [
            ("set-cookie", "a=1"),
            ("set-cookie", "b=2"),
            ("set-cookie", "c=3"),
            ("host", "h"),
            ("accept", "x"),
            ("accept", "y"),
        ]
    );

    // A map in http's order comes back field for field.
    let grouped = headers(&[("via", "1"), ("via", "2"), ("te", "trailers")]);
    let back = HeaderMap::try_from(http::HeaderMap::try_from(grouped.clone()).unwrap());
    assert_eq!(back, Ok(grouped));
    let empty = http::HeaderMap::try_from(HeaderMap::new()).unwrap();
    assert!(empty.is_empty());
    assert!(HeaderMap::try_from(empty).unwrap().is_empty());
}

#[test]
fn many_values_of_one_name_convert() {
    let ours: HeaderMap = (0..40_000u64)
        .map(|n| (header::SET_COOKIE, HeaderValue::from(n)))
        .collect();
    let theirs = http::HeaderMap::try_from(ours).unwrap();
    assert_eq!(theirs.len(), 40_000);
    let in_order = theirs
        .get_all("set-cookie")
        .iter()
        .zip(0..)
        .all(|(value, n)| *value == n.to_string());
    assert!(in_order, "values out of order");
    let back = HeaderMap::try_from(theirs).unwrap();
    assert_eq!(back.len(), 40_000);
    let in_order = back
        .get_all(header::SET_COOKIE)
        .zip(0..)
        .all(|(value, n)| *value == *n.to_string());
    assert!(in_order, "values out of order after the round trip");
}

#[test]
fn more_names_than_http_holds_are_refused() {
    let ours: HeaderMap = (0..40_000u32)
        .map(|n| {
            let name = HeaderName::try_from(format!("x-{n}")).unwrap();
            (name, HeaderValue::from_static("v"))
        })
        .collect();
    assert_eq!(
        http::HeaderMap::try_from(ours),
        Err(ConvertError::TooManyHeaders)
    );
}

#[test]
fn targets_of_every_form_round_trip() {
    for target in [
        "/",
        "/a/b?c=d&e",
        "/a?",
        "/\"json\"{}",
        "http://example.com:8080/a/b?c=d",
        "https://[::1]:8443/x?y",
        "example.com:443",
        "[::1]:80",
        "*",
    ] {
        let ours = Uri::from_static(target);
        let theirs = http::Uri::try_from(ours.clone()).unwrap();
        assert_eq!(theirs.to_string(), target);
        assert_eq!(Uri::try_from(theirs), Ok(ours), "{target}");
    }
}

#[test]
fn targets_that_http_rewrites_come_back_equivalent() {
    // http gives an absolute target with no path the path `/`, and lowercases the
    // schemes it knows; both mean the same target (RFC 9110 §4.2.3, §4.2.1).
    for (target, rewritten) in [
        ("http://h", "http://h/"),
        ("http://h?q", "http://h/?q"),
        ("HTTP://h/x", "http://h/x"),
    ] {
        let ours = Uri::from_static(target);
        let theirs = http::Uri::try_from(ours.clone()).unwrap();
        assert_eq!(theirs.to_string(), rewritten);
        let back = Uri::try_from(theirs).unwrap();
        assert_eq!(back.as_str(), rewritten);
        assert_eq!(back.path(), ours.path());
        assert_eq!(back.query(), ours.query());
    }
}

#[test]
fn targets_http_cannot_hold_are_refused() {
    let long_path = format!("/{}", "a".repeat(70_000));
    let long_scheme = format!("{}://h/", "s".repeat(65));
    let refused = [
        // http drops a fragment: the target would change.
        "/a#frag",
        "/a?b#c",
        "http://h/#top",
        // Bytes http refuses in a path.
        "/a<b>",
        "/a`b",
        // Past http's length limits.
        &long_path,
        &long_scheme,
    ];
    for target in refused {
        let ours = Uri::from_shared(target.to_owned().into()).unwrap();
        assert_eq!(
            http::Uri::try_from(ours),
            Err(ConvertError::Uri),
            "{:.40}",
            target
        );
    }
}

#[test]
fn targets_avx_http_cannot_hold_are_refused() {
    for target in [
        // Userinfo (RFC 9110 §4.2.4).
        "http://user:pass@h/",
        // An authority form needs a port (RFC 9112 §3.2.3).
        "example.com",
        // Not ASCII.
        "/caf\u{e9}",
    ] {
        let theirs = http::Uri::try_from(target).unwrap();
        assert_eq!(Uri::try_from(theirs), Err(ConvertError::Uri), "{target}");
    }
}

fn request_head() -> RequestHead {
    let mut head = RequestHead::new(Method::PUT, Uri::from_static("/items/7?v=2"));
    head.version = Version::Http10;
    head.headers = headers(&[("host", "a"), ("x-tag", "1"), ("x-tag", "2")]);
    head
}

#[test]
fn request_heads_round_trip() {
    let parts = http::request::Parts::try_from(request_head()).unwrap();
    assert_eq!(parts.method, http::Method::PUT);
    assert_eq!(parts.uri, "/items/7?v=2");
    assert_eq!(parts.version, http::Version::HTTP_10);
    assert_eq!(http_pairs(&parts.headers).len(), 3);
    assert!(parts.extensions.is_empty());
    assert_eq!(RequestHead::try_from(parts), Ok(request_head()));
}

#[test]
fn request_parts_lose_their_extensions() {
    let (mut parts, ()) = http::Request::new(()).into_parts();
    parts.extensions.insert(7u32);
    let head = RequestHead::try_from(parts).unwrap();
    assert_eq!(head, RequestHead::new(Method::GET, Uri::from_static("/")));
    let parts = http::request::Parts::try_from(head).unwrap();
    assert!(parts.extensions.is_empty());
}

#[test]
fn request_heads_refuse_what_their_parts_refuse() {
    let (mut parts, ()) = http::Request::new(()).into_parts();
    parts.version = http::Version::HTTP_2;
    assert_eq!(
        RequestHead::try_from(parts),
        Err(ConvertError::UnsupportedVersion(http::Version::HTTP_2))
    );

    let (mut parts, ()) = http::Request::new(()).into_parts();
    parts.uri = http::Uri::from_static("http://u@h/");
    assert_eq!(RequestHead::try_from(parts), Err(ConvertError::Uri));

    let head = RequestHead::new(Method::GET, Uri::from_static("/a#b"));
    assert_eq!(
        http::request::Parts::try_from(head).map(|_| ()),
        Err(ConvertError::Uri)
    );
}

#[test]
fn response_heads_round_trip_with_their_reason() {
    let mut head = ResponseHead::new(StatusCode::from_u16(599).unwrap());
    head.reason = Some(ReasonPhrase::from_static("Custom Reason"));
    head.headers = headers(&[("set-cookie", "a"), ("set-cookie", "b")]);
    let parts = http::response::Parts::try_from(head.clone()).unwrap();
    assert_eq!(parts.status.as_u16(), 599);
    assert_eq!(parts.version, http::Version::HTTP_11);
    assert_eq!(
        parts.extensions.get::<ReasonPhrase>().unwrap().as_bytes(),
        b"Custom Reason"
    );
    assert_eq!(ResponseHead::try_from(parts), Ok(head));

    let plain = ResponseHead::new(StatusCode::NOT_FOUND);
    let parts = http::response::Parts::try_from(plain.clone()).unwrap();
    assert!(parts.extensions.is_empty());
    assert_eq!(ResponseHead::try_from(parts), Ok(plain));
}

#[test]
fn response_heads_refuse_later_versions() {
    for version in [http::Version::HTTP_09, http::Version::HTTP_3] {
        let (mut parts, ()) = http::Response::new(()).into_parts();
        parts.version = version;
        assert_eq!(
            ResponseHead::try_from(parts),
            Err(ConvertError::UnsupportedVersion(version))
        );
    }
}

/// A body type with no `Clone`, `PartialEq` or `Default`: it is moved, not rebuilt.
#[derive(Debug)]
struct Body(Vec<u8>);

#[test]
fn requests_carry_their_body_across() {
    let ours = Request::new(request_head(), Body(b"payload".to_vec()));
    let theirs = http::Request::try_from(ours).unwrap();
    assert_eq!(theirs.method(), http::Method::PUT);
    assert_eq!(theirs.body().0, b"payload");
    let back = Request::try_from(theirs).unwrap();
    assert_eq!(back.head(), &request_head());
    assert_eq!(back.into_body().0, b"payload");

    let refused = http::Request::builder()
        .version(http::Version::HTTP_3)
        .body(Body(Vec::new()))
        .unwrap();
    assert_eq!(
        Request::try_from(refused).map(|_| ()),
        Err(ConvertError::UnsupportedVersion(http::Version::HTTP_3))
    );
}

#[test]
fn responses_carry_their_body_across() {
    let mut ours = Response::with_status(StatusCode::CREATED, Body(vec![1, 2, 3]));
    ours.headers_mut()
        .append(header::LOCATION, HeaderValue::from_static("/items/8"));
    let theirs = http::Response::try_from(ours).unwrap();
    assert_eq!(theirs.status(), http::StatusCode::CREATED);
    assert_eq!(theirs.headers()["location"], "/items/8");
    assert_eq!(theirs.body().0, [1, 2, 3]);
    let back = Response::try_from(theirs).unwrap();
    assert_eq!(back.status(), StatusCode::CREATED);
    assert_eq!(back.headers().get("location").unwrap(), "/items/8");
    assert_eq!(back.into_body().0, [1, 2, 3]);

    let refused = http::Response::builder()
        .version(http::Version::HTTP_2)
        .body(Body(Vec::new()))
        .unwrap();
    assert_eq!(
        Response::try_from(refused).map(|_| ()),
        Err(ConvertError::UnsupportedVersion(http::Version::HTTP_2))
    );
}
