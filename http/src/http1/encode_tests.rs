//! Head encoder tests: the bytes each head and body size produce, the user errors,
//! and round trips through the parsers.

use bytes::BytesMut;

use super::*;
use crate::http1::{BodyDecoder, BodyEvent, Framing, RequestParser, ResponseParser};
use crate::{HeaderName, HeaderValue, Limits, ReasonPhrase, Uri};

fn with(mut head: ResponseHead, fields: &[(&'static str, &'static str)]) -> ResponseHead {
    for (name, value) in fields {
        head.headers.append(
            HeaderName::from_static(name),
            HeaderValue::from_static(value),
        );
    }
    head
}

fn response(
    head: &ResponseHead,
    context: &ResponseContext,
    body_len: Option<u64>,
) -> Result<(String, EncodedResponse), EncodeError> {
    let mut out = BytesMut::new();
    let encoded = encode_response_head(head, context, body_len, &mut out)?;
    Ok((String::from_utf8(out.to_vec()).unwrap(), encoded))
}

fn get11() -> ResponseContext {
    ResponseContext::new(Method::GET, Version::Http11)
}

#[test]
fn response_heads() {
    let ok = ResponseHead::new(StatusCode::OK);
    let (text, encoded) = response(&ok, &get11(), Some(5)).unwrap();
    assert_eq!(text, "HTTP/1.1 200 OK\r\ncontent-length: 5\r\n\r\n");
    assert_eq!(
        (encoded.body.remaining(), encoded.keep_alive),
        (Some(5), true)
    );

    let (text, encoded) = response(&ok, &get11(), None).unwrap();
    assert_eq!(
        text,
        "HTTP/1.1 200 OK\r\ntransfer-encoding: chunked\r\n\r\n"
    );
    assert!(encoded.body.is_chunked());

    let mut closing = get11();
    closing.keep_alive = false;
    closing.date = Some(crate::HttpDate::from_unix_secs(0));
    let teapot = with(
        ResponseHead::new(StatusCode::from_u16(418).unwrap()),
        &[("X-A", "b")],
    );
    let (text, encoded) = response(&teapot, &closing, Some(0)).unwrap();
    assert_eq!(
        text,
        "HTTP/1.1 418 \r\nX-A: b\r\ncontent-length: 0\r\nconnection: close\r\ndate: Thu, 01 Jan 1970 00:00:00 GMT\r\n\r\n"
    );
    assert!(!encoded.keep_alive);

    let mut custom = ResponseHead::new(StatusCode::OK);
    custom.reason = Some(ReasonPhrase::from_static("Fine"));
    assert!(
        response(&custom, &get11(), Some(0))
            .unwrap()
            .0
            .starts_with("HTTP/1.1 200 Fine\r\n")
    );
}

#[test]
fn http10_clients() {
    let ok = ResponseHead::new(StatusCode::OK);
    let mut context = ResponseContext::new(Method::GET, Version::Http10);
    let (text, encoded) = response(&ok, &context, None).unwrap();
    assert_eq!(
        text, "HTTP/1.1 200 OK\r\nconnection: close\r\n\r\n",
        "no chunked to HTTP/1.0"
    );
    assert!(encoded.body.closes_connection() && !encoded.keep_alive);

    let (text, encoded) = response(&ok, &context, Some(2)).unwrap();
    assert_eq!(
        text,
        "HTTP/1.1 200 OK\r\ncontent-length: 2\r\nconnection: keep-alive\r\n\r\n"
    );
    assert!(encoded.keep_alive);

    context.keep_alive = false;
    let (text, _) = response(&ok, &context, Some(2)).unwrap();
    assert_eq!(
        text,
        "HTTP/1.1 200 OK\r\ncontent-length: 2\r\nconnection: close\r\n\r\n"
    );

    let chunked = with(
        ResponseHead::new(StatusCode::OK),
        &[("Transfer-Encoding", "chunked")],
    );
    let context = ResponseContext::new(Method::GET, Version::Http10);
    assert_eq!(
        response(&chunked, &context, None).unwrap_err(),
        EncodeError::InvalidTransferEncoding
    );
}

#[test]
fn responses_without_a_body() {
    let head_request = ResponseContext::new(Method::HEAD, Version::Http11);
    let ok = ResponseHead::new(StatusCode::OK);
    let (text, encoded) = response(&ok, &head_request, Some(5)).unwrap();
    assert_eq!(
        text, "HTTP/1.1 200 OK\r\ncontent-length: 5\r\n\r\n",
        "HEAD gets GET's fields"
    );
    assert!(encoded.body.is_empty() && encoded.keep_alive);
    let (text, _) = response(&ok, &head_request, None).unwrap();
    assert_eq!(
        text,
        "HTTP/1.1 200 OK\r\ntransfer-encoding: chunked\r\n\r\n"
    );

    let no_content = with(
        ResponseHead::new(StatusCode::NO_CONTENT),
        &[("Content-Length", "3")],
    );
    let (text, encoded) = response(&no_content, &get11(), Some(0)).unwrap();
    assert_eq!(
        text, "HTTP/1.1 204 No Content\r\n\r\n",
        "204 never has Content-Length"
    );
    assert!(encoded.body.is_empty());

    let not_modified = with(
        ResponseHead::new(StatusCode::NOT_MODIFIED),
        &[("Content-Length", "3")],
    );
    let (text, encoded) = response(&not_modified, &get11(), None).unwrap();
    assert_eq!(
        text,
        "HTTP/1.1 304 Not Modified\r\nContent-Length: 3\r\n\r\n"
    );
    assert!(encoded.body.is_empty());

    let switching = with(
        ResponseHead::new(StatusCode::SWITCHING_PROTOCOLS),
        &[("Upgrade", "websocket")],
    );
    let (text, encoded) = response(&switching, &get11(), None).unwrap();
    assert_eq!(
        text,
        "HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\n\r\n"
    );
    assert!(encoded.body.is_empty());
}

#[test]
fn user_framing_fields() {
    let sized = with(
        ResponseHead::new(StatusCode::OK),
        &[("Content-Length", "3")],
    );
    let (text, encoded) = response(&sized, &get11(), None).unwrap();
    assert_eq!(
        text, "HTTP/1.1 200 OK\r\nContent-Length: 3\r\n\r\n",
        "a streamed body of known length"
    );
    assert_eq!(encoded.body.remaining(), Some(3));
    assert_eq!(
        response(&sized, &get11(), Some(4)).unwrap_err(),
        EncodeError::ContentLengthMismatch
    );

    let closing = with(
        ResponseHead::new(StatusCode::OK),
        &[("Connection", "Close")],
    );
    let (text, encoded) = response(&closing, &get11(), Some(0)).unwrap();
    assert_eq!(
        text,
        "HTTP/1.1 200 OK\r\nConnection: Close\r\ncontent-length: 0\r\n\r\n"
    );
    assert!(!encoded.keep_alive);

    let errors: &[(&[(&str, &str)], EncodeError)] = &[
        (
            &[("Content-Length", "+3")],
            EncodeError::InvalidContentLength,
        ),
        (
            &[("Content-Length", "3"), ("Content-Length", "3")],
            EncodeError::InvalidContentLength,
        ),
        (
            &[("Transfer-Encoding", "gzip, chunked")],
            EncodeError::InvalidTransferEncoding,
        ),
        (
            &[("Transfer-Encoding", "chunked"), ("Content-Length", "3")],
            EncodeError::InvalidTransferEncoding,
        ),
        (
            &[
                ("Transfer-Encoding", "chunked"),
                ("Transfer-Encoding", "chunked"),
            ],
            EncodeError::InvalidTransferEncoding,
        ),
    ];
    for (fields, expected) in errors {
        let mut head = ResponseHead::new(StatusCode::OK);
        for (name, value) in *fields {
            head.headers.append(
                HeaderName::from_bytes(name.as_bytes()).unwrap(),
                HeaderValue::from_bytes(value.as_bytes()).unwrap(),
            );
        }
        assert_eq!(
            response(&head, &get11(), None).unwrap_err(),
            *expected,
            "{fields:?}"
        );
    }
}

fn request(
    head: &RequestHead,
    body_len: Option<u64>,
) -> Result<(String, BodyEncoder), EncodeError> {
    let mut out = BytesMut::new();
    let body = encode_request_head(head, body_len, &mut out)?;
    Ok((String::from_utf8(out.to_vec()).unwrap(), body))
}

#[test]
fn request_heads() {
    let mut get = RequestHead::new(Method::GET, Uri::from_static("/a"));
    assert_eq!(
        request(&get, Some(0)).unwrap_err(),
        EncodeError::MissingHost
    );
    get.headers
        .append(crate::header::HOST, HeaderValue::from_static("h"));
    assert_eq!(
        request(&get, Some(0)).unwrap().0,
        "GET /a HTTP/1.1\r\nhost: h\r\n\r\n"
    );

    let post = RequestHead::new(Method::POST, Uri::from_static("http://h:8080/u"));
    let (text, body) = request(&post, Some(0)).unwrap();
    assert_eq!(
        text,
        "POST http://h:8080/u HTTP/1.1\r\nhost: h:8080\r\ncontent-length: 0\r\n\r\n"
    );
    assert_eq!(body.remaining(), Some(0));
    let (text, body) = request(&post, None).unwrap();
    assert_eq!(
        text,
        "POST http://h:8080/u HTTP/1.1\r\nhost: h:8080\r\ntransfer-encoding: chunked\r\n\r\n"
    );
    assert!(body.is_chunked());

    let mut old = RequestHead::new(Method::POST, Uri::from_static("/u"));
    old.version = Version::Http10;
    assert_eq!(
        request(&old, None).unwrap_err(),
        EncodeError::UnknownLengthInHttp10Request
    );
    assert_eq!(
        request(&old, Some(1)).unwrap().0,
        "POST /u HTTP/1.0\r\ncontent-length: 1\r\n\r\n"
    );
}

#[test]
fn round_trips_through_the_parsers() {
    let limits = Limits::default();
    let mut head = RequestHead::new(Method::PUT, Uri::from_static("http://h/x?y"));
    head.headers.append(
        HeaderName::from_static("x-trace"),
        HeaderValue::from_static("1 2"),
    );
    let mut wire = BytesMut::new();
    let mut body = encode_request_head(&head, None, &mut wire).unwrap();
    body.encode_data(b"hello ", &mut wire).unwrap();
    body.encode_data(b"world", &mut wire).unwrap();
    body.encode_end(None, &mut wire).unwrap();

    let parsed = RequestParser::new(&limits)
        .parse(&mut wire)
        .unwrap()
        .unwrap();
    assert_eq!(parsed.head.method, Method::PUT);
    assert_eq!(parsed.head.uri, head.uri);
    assert_eq!(parsed.head.headers.get("X-Trace").unwrap(), "1 2");
    assert_eq!(parsed.framing, Framing::Chunked);
    let mut decoder = BodyDecoder::new(parsed.framing, &limits).unwrap();
    let mut data = Vec::new();
    while let Some(BodyEvent::Data(chunk)) = decoder.decode(&mut wire).unwrap() {
        data.extend_from_slice(&chunk);
    }
    assert_eq!(data, b"hello world");
    assert!(decoder.is_done() && wire.is_empty());

    let mut wire = BytesMut::new();
    let ok = with(
        ResponseHead::new(StatusCode::CREATED),
        &[("Location", "/x")],
    );
    encode_response_head(&ok, &get11(), Some(2), &mut wire).unwrap();
    let parsed = ResponseParser::new(&limits)
        .parse(&mut wire, &Method::GET)
        .unwrap()
        .unwrap();
    assert_eq!(parsed.head.status, StatusCode::CREATED);
    assert_eq!(parsed.framing, Framing::Length(2));
}
