//! Head parser tests, as wire scripts: every request-smuggling and bad-input vector
//! with the typed error it must produce and the status a server answers it with, and
//! a check that feeding any of them byte by byte ends the same way.

use bytes::BytesMut;

use super::*;
use crate::uri::TargetForm;
use crate::{Limits, Method, StatusCode, Version};

type RequestResult = Result<Option<Parsed<RequestHead>>, ParseError>;

fn parse_with(limits: &Limits, input: &[u8]) -> RequestResult {
    RequestParser::new(limits).parse(&mut BytesMut::from(input))
}

fn parse(input: &[u8]) -> RequestResult {
    parse_with(&Limits::default(), input)
}

/// The same input, one byte per call.
fn parse_trickled(limits: &Limits, input: &[u8]) -> RequestResult {
    let mut parser = RequestParser::new(limits);
    let mut buf = BytesMut::new();
    for &b in input {
        buf.extend_from_slice(&[b]);
        if let Some(parsed) = parser.parse(&mut buf)? {
            return Ok(Some(parsed));
        }
    }
    Ok(None)
}

fn error(input: &[u8]) -> ParseError {
    match parse(input) {
        Err(error) => error,
        other => panic!("{:?} parsed: {other:?}", String::from_utf8_lossy(input)),
    }
}

/// (request bytes, error, status)
const REJECTED: &[(&[u8], ParseError, u16)] = {
    use ParseError::*;
    &[
        // Framing: the smuggling vectors of RFC 9112 §6 and §11.2.
        (b"POST / HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked\r\nContent-Length: 5\r\n\r\n", TransferEncodingWithContentLength, 400),
        (b"POST / HTTP/1.1\r\nHost: a\r\nContent-Length: 5\r\nTransfer-Encoding: chunked\r\n\r\n", TransferEncodingWithContentLength, 400),
        (b"POST / HTTP/1.1\r\nHost: a\r\nContent-Length: 5\r\nContent-Length: 6\r\n\r\n", ConflictingContentLength, 400),
        (b"POST / HTTP/1.1\r\nHost: a\r\nContent-Length: 5, 6\r\n\r\n", ConflictingContentLength, 400),
        (b"POST / HTTP/1.1\r\nHost: a\r\nContent-Length: +5\r\n\r\n", InvalidContentLength, 400),
        (b"POST / HTTP/1.1\r\nHost: a\r\nContent-Length: 0x5\r\n\r\n", InvalidContentLength, 400),
        (b"POST / HTTP/1.1\r\nHost: a\r\nContent-Length: 5 5\r\n\r\n", InvalidContentLength, 400),
        (b"POST / HTTP/1.1\r\nHost: a\r\nContent-Length: -1\r\n\r\n", InvalidContentLength, 400),
        (b"POST / HTTP/1.1\r\nHost: a\r\nContent-Length:\r\n\r\n", InvalidContentLength, 400),
        (b"POST / HTTP/1.1\r\nHost: a\r\nContent-Length: \r\n\r\n", InvalidContentLength, 400),
        (b"POST / HTTP/1.1\r\nHost: a\r\nContent-Length: 18446744073709551616\r\n\r\n", InvalidContentLength, 400),
        (b"POST / HTTP/1.1\r\nHost: a\r\nContent-Length: 99999999999999999999999\r\n\r\n", InvalidContentLength, 400),
        (b"POST / HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked, gzip\r\n\r\n", NotChunked, 400),
        (b"POST / HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: gzip\r\n\r\n", NotChunked, 400),
        (b"POST / HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked\r\nTransfer-Encoding: identity\r\n\r\n", NotChunked, 400),
        (b"POST / HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: \r\n\r\n", NotChunked, 400),
        (b"POST / HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: xchunked\r\n\r\n", NotChunked, 400),
        (b"POST / HTTP/1.0\r\nTransfer-Encoding: chunked\r\n\r\n", TransferEncodingInHttp10, 400),
        (b"POST / HTTP/1.0\r\nTransfer-Encoding: chunked\r\nContent-Length: 3\r\n\r\n", TransferEncodingInHttp10, 400),
        (b"POST / HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked, chunked\r\n\r\n", DuplicateChunked, 400),
        (b"POST / HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked\r\nTransfer-Encoding: chunked\r\n\r\n", DuplicateChunked, 400),
        (b"POST / HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: gzip, chunked\r\n\r\n", UnsupportedTransferCoding, 501),
        // Field syntax.
        (b"GET / HTTP/1.1\r\nHost: a\r\nX-Folded: a\r\n b\r\n\r\n", ObsFold, 400),
        (b"GET / HTTP/1.1\r\nHost: a\r\nX-Folded: a\r\n\tb\r\n\r\n", ObsFold, 400),
        (b"GET / HTTP/1.1\r\n Host: a\r\n\r\n", ObsFold, 400),
        (b"GET / HTTP/1.1\r\nHost : a\r\n\r\n", WhitespaceBeforeColon, 400),
        (b"POST / HTTP/1.1\r\nHost: a\r\nTransfer-Encoding\t: chunked\r\n\r\n", WhitespaceBeforeColon, 400),
        (b"GET / HTTP/1.1\r\nHost: a\r\nX: a\rb\r\n\r\n", BareCr, 400),
        (b"GET / HTTP/1.1\r\nHost: a\r\nX: a\nb\r\n\r\n", BareLf, 400),
        (b"GET / HTTP/1.1\r\nHost: a\r\nX: a\0b\r\n\r\n", InvalidHeaderValue, 400),
        (b"GET / HTTP/1.1\r\nHost: a\r\nX: \x7f\r\n\r\n", InvalidHeaderValue, 400),
        (b"GET / HTTP/1.1\r\nHost: a\r\n: empty\r\n\r\n", InvalidHeaderName, 400),
        (b"GET / HTTP/1.1\r\nHost: a\r\nX(y): z\r\n\r\n", InvalidHeaderName, 400),
        (b"GET / HTTP/1.1\r\nHost: a\r\nNoColon\r\n\r\n", InvalidHeaderName, 400),
        (b"GET / HTTP/1.1\nHost: a\n\n", BareLf, 400),
        (b"GET / HTTP/1.1\r\nHost: a\r\n\n", BareLf, 400),
        (b"GET / HTTP/1.1\r\nHost: a\r\n\rX", BareCr, 400),
        // Host.
        (b"GET / HTTP/1.1\r\n\r\n", InvalidHost, 400),
        (b"GET / HTTP/1.1\r\nHost: a\r\nHost: b\r\n\r\n", InvalidHost, 400),
        (b"GET / HTTP/1.1\r\nHost: a b\r\n\r\n", InvalidHost, 400),
        (b"GET / HTTP/1.1\r\nHost: user@a\r\n\r\n", InvalidHost, 400),
        // Request line.
        (b"GET  / HTTP/1.1\r\nHost: a\r\n\r\n", InvalidTarget, 400),
        (b"GET / HTTP/1.1 \r\nHost: a\r\n\r\n", InvalidVersion, 400),
        (b"GET /\x00 HTTP/1.1\r\nHost: a\r\n\r\n", InvalidTarget, 400),
        (b"GET /a\tb HTTP/1.1\r\nHost: a\r\n\r\n", InvalidTarget, 400),
        (b"GET example.com:80 HTTP/1.1\r\nHost: a\r\n\r\n", InvalidTarget, 400),
        (b"CONNECT / HTTP/1.1\r\nHost: a\r\n\r\n", InvalidTarget, 400),
        (b"GET * HTTP/1.1\r\nHost: a\r\n\r\n", InvalidTarget, 400),
        (b"GET nothing HTTP/1.1\r\nHost: a\r\n\r\n", InvalidTarget, 400),
        (b"G(T / HTTP/1.1\r\nHost: a\r\n\r\n", InvalidMethod, 400),
        (b" GET / HTTP/1.1\r\nHost: a\r\n\r\n", InvalidMethod, 400),
        (b"GET / HTTP/1.1x\r\nHost: a\r\n\r\n", InvalidVersion, 400),
        (b"GET / HTTP/11\r\nHost: a\r\n\r\n", InvalidVersion, 400),
        (b"GET / http/1.1\r\nHost: a\r\n\r\n", InvalidVersion, 400),
        (b"GET / HTTP/2.0\r\nHost: a\r\n\r\n", UnsupportedVersion, 505),
        (b"GET / HTTP/0.9\r\nHost: a\r\n\r\n", UnsupportedVersion, 505),
        (b"GET /\r\n\r\n", InvalidTarget, 400),
    ]
};

#[test]
fn rejected_requests() {
    for &(input, expected, status) in REJECTED {
        let shown = String::from_utf8_lossy(input);
        assert_eq!(error(input), expected, "{shown:?}");
        assert_eq!(expected.status().as_u16(), status, "{shown:?}");
        let trickled = parse_trickled(&Limits::default(), input);
        assert_eq!(trickled, Err(expected), "byte by byte: {shown:?}");
    }
}

#[test]
fn accepted_requests() {
    let table: &[(&[u8], Method, &str, Version, Framing)] = &[
        (
            b"GET / HTTP/1.1\r\nHost: a\r\n\r\n",
            Method::GET,
            "/",
            Version::Http11,
            Framing::Empty,
        ),
        (
            b"\r\n\r\nGET / HTTP/1.1\r\nHost: a\r\n\r\n",
            Method::GET,
            "/",
            Version::Http11,
            Framing::Empty,
        ),
        (
            b"GET /p HTTP/1.0\r\n\r\n",
            Method::GET,
            "/p",
            Version::Http10,
            Framing::Empty,
        ),
        (
            b"POST /u HTTP/1.1\r\nHost: a\r\nContent-Length: 5\r\n\r\n",
            Method::POST,
            "/u",
            Version::Http11,
            Framing::Length(5),
        ),
        (
            b"POST /u HTTP/1.1\r\nHost: a\r\nContent-Length: 5\r\nContent-Length: 5\r\n\r\n",
            Method::POST,
            "/u",
            Version::Http11,
            Framing::Length(5),
        ),
        (
            b"POST /u HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked\r\n\r\n",
            Method::POST,
            "/u",
            Version::Http11,
            Framing::Chunked,
        ),
        (
            b"CONNECT a.example:443 HTTP/1.1\r\nHost: a.example:443\r\n\r\n",
            Method::CONNECT,
            "a.example:443",
            Version::Http11,
            Framing::Empty,
        ),
        (
            b"OPTIONS * HTTP/1.1\r\nHost: a\r\n\r\n",
            Method::OPTIONS,
            "*",
            Version::Http11,
            Framing::Empty,
        ),
        (
            b"PURGE http://a/x HTTP/1.1\r\nHost: a\r\n\r\n",
            Method::from_bytes(b"PURGE").unwrap(),
            "http://a/x",
            Version::Http11,
            Framing::Empty,
        ),
    ];
    for (input, method, target, version, framing) in table {
        let parsed = parse(input).unwrap().unwrap();
        assert_eq!(parsed.head.method, *method);
        assert_eq!(parsed.head.uri.as_str(), *target);
        assert_eq!(parsed.head.version, *version);
        assert_eq!(parsed.framing, *framing);
        assert_eq!(
            parse_trickled(&Limits::default(), input).unwrap().unwrap(),
            parsed
        );
    }
}

#[test]
fn fields_are_trimmed_and_keep_order_and_case() {
    let input = b"GET /a?b HTTP/1.1\r\nHost:a\r\nX-One: \t 1 \t\r\nx-one: 2\r\nEmpty:\r\n\r\n";
    let head = parse(input).unwrap().unwrap().head;
    assert_eq!(head.uri.form(), TargetForm::Origin);
    assert_eq!(head.uri.query(), Some("b"));
    let fields: Vec<(&str, &[u8])> = head
        .headers
        .iter()
        .map(|(n, v)| (n.as_str(), v.as_bytes()))
        .collect();
    assert_eq!(
        fields,
        [
            ("Host", &b"a"[..]),
            ("X-One", b"1"),
            ("x-one", b"2"),
            ("Empty", b"")
        ]
    );
    assert_eq!(head.headers.get_all("X-ONE").count(), 2);
}

#[test]
fn obs_text_is_kept_in_values() {
    let head = parse(b"GET / HTTP/1.1\r\nHost: a\r\nX: caf\xc3\xa9\r\n\r\n")
        .unwrap()
        .unwrap()
        .head;
    assert_eq!(head.headers.get("x").unwrap().as_bytes(), b"caf\xc3\xa9");
}

#[test]
fn pipelined_requests_stay_in_the_buffer() {
    let mut parser = RequestParser::new(&Limits::default());
    let mut buf = BytesMut::from(
        &b"GET /1 HTTP/1.1\r\nHost: a\r\n\r\nGET /2 HTTP/1.1\r\nHost: a\r\n\r\nGET /3"[..],
    );
    assert_eq!(
        parser.parse(&mut buf).unwrap().unwrap().head.uri.path(),
        "/1"
    );
    assert_eq!(
        parser.parse(&mut buf).unwrap().unwrap().head.uri.path(),
        "/2"
    );
    assert!(parser.parse(&mut buf).unwrap().is_none());
    assert!(parser.is_in_progress());
    buf.extend_from_slice(b" HTTP/1.1\r\nHost: a\r\n\r\n");
    assert_eq!(
        parser.parse(&mut buf).unwrap().unwrap().head.uri.path(),
        "/3"
    );
    assert!(buf.is_empty());
}

#[test]
fn limits() {
    let limits = Limits {
        max_headers: 3,
        max_uri_len: 10,
        max_head_size: 100,
        ..Limits::default()
    };
    let ok = b"GET /123456789 HTTP/1.1\r\nHost: a\r\nB: 1\r\nC: 2\r\n\r\n";
    assert!(parse_with(&limits, ok).unwrap().is_some());
    let cases: &[(&[u8], ParseError, StatusCode)] = &[
        (
            b"GET /1234567890 HTTP/1.1\r\n",
            ParseError::UriTooLong,
            StatusCode::URI_TOO_LONG,
        ),
        (
            b"GET / HTTP/1.1\r\nHost: a\r\nB: 1\r\nC: 2\r\nD: 3\r\n\r\n",
            ParseError::TooManyHeaders,
            StatusCode::REQUEST_HEADER_FIELDS_TOO_LARGE,
        ),
        (
            &[b'G'; 101],
            ParseError::HeadTooLarge,
            StatusCode::REQUEST_HEADER_FIELDS_TOO_LARGE,
        ),
    ];
    for &(input, expected, status) in cases {
        assert_eq!(
            parse_with(&limits, input),
            Err(expected),
            "{:?}",
            String::from_utf8_lossy(input)
        );
        assert_eq!(parse_trickled(&limits, input), Err(expected));
        assert_eq!(expected.status(), status);
    }
    // A head of exactly the limit fits; one byte more does not.
    let mut exact = b"GET / HTTP/1.1\r\nHost: a\r\nX: ".to_vec();
    exact.resize(96, b'x');
    exact.extend_from_slice(b"\r\n\r\n");
    assert!(parse_with(&limits, &exact).unwrap().is_some());
    exact.insert(30, b'x');
    assert_eq!(parse_with(&limits, &exact), Err(ParseError::HeadTooLarge));
    // An incomplete head below the limit is just incomplete.
    assert_eq!(parse_with(&limits, &exact[..99]), Ok(None));
}

#[test]
fn default_limits_refuse_big_heads() {
    let many: String = (0..101).map(|i| format!("X-{i}: v\r\n")).collect();
    let input = format!("GET / HTTP/1.1\r\nHost: a\r\n{many}\r\n");
    assert_eq!(parse(input.as_bytes()), Err(ParseError::TooManyHeaders));
    let long = format!(
        "GET / HTTP/1.1\r\nHost: a\r\nX: {}\r\n\r\n",
        "v".repeat(64 * 1024)
    );
    assert_eq!(parse(long.as_bytes()), Err(ParseError::HeadTooLarge));
    let uri = format!("GET /{} HTTP/1.1\r\n", "u".repeat(8 * 1024));
    assert_eq!(parse(uri.as_bytes()), Err(ParseError::UriTooLong));
}

#[test]
fn the_parser_recovers_after_an_error() {
    let mut parser = RequestParser::new(&Limits::default());
    let mut bad = BytesMut::from(&b"GET / HTTP/1.1\r\nHost : a\r\n\r\n"[..]);
    assert_eq!(
        parser.parse(&mut bad),
        Err(ParseError::WhitespaceBeforeColon)
    );
    let mut good = BytesMut::from(&b"GET / HTTP/1.1\r\nHost: a\r\n\r\n"[..]);
    assert!(parser.parse(&mut good).unwrap().is_some());
}

fn response(input: &[u8], method: &Method) -> Result<Option<Parsed<ResponseHead>>, ParseError> {
    ResponseParser::new(&Limits::default()).parse(&mut BytesMut::from(input), method)
}

#[test]
fn responses() {
    let get = Method::GET;
    let ok = response(b"HTTP/1.1 200 OK\r\nContent-Length: 3\r\n\r\nabc", &get)
        .unwrap()
        .unwrap();
    assert_eq!(ok.head.status, StatusCode::OK);
    assert_eq!(ok.head.reason.as_ref().unwrap().as_bytes(), b"OK");
    assert_eq!(ok.framing, Framing::Length(3));
    let bare = response(b"HTTP/1.0 599\r\n\r\n", &get).unwrap().unwrap();
    assert_eq!(
        (bare.head.status.as_u16(), bare.head.version),
        (599, Version::Http10)
    );
    assert_eq!(bare.head.reason, None);
    assert_eq!(bare.framing, Framing::UntilClose);
    let none = response(
        b"HTTP/1.1 204 No Content\r\nContent-Length: 3\r\n\r\n",
        &get,
    )
    .unwrap()
    .unwrap();
    assert_eq!(none.framing, Framing::Empty);
    let reason = response(b"HTTP/1.1 200 Fine \t by me\r\n\r\n", &get)
        .unwrap()
        .unwrap();
    assert_eq!(reason.head.reason.unwrap().as_bytes(), b"Fine \t by me");

    let rejected: &[(&[u8], ParseError)] = &[
        (
            b"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\nContent-Length: 3\r\n\r\n",
            ParseError::TransferEncodingWithContentLength,
        ),
        (
            b"HTTP/1.1 200 OK\r\nContent-Length: 3\r\nContent-Length: 4\r\n\r\n",
            ParseError::ConflictingContentLength,
        ),
        (
            b"HTTP/1.0 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n",
            ParseError::TransferEncodingInHttp10,
        ),
        (
            b"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked, chunked\r\n\r\n",
            ParseError::DuplicateChunked,
        ),
        (b"HTTP/1.1 020 OK\r\n\r\n", ParseError::InvalidStatus),
        (b"HTTP/1.1 20 OK\r\n\r\n", ParseError::InvalidStatus),
        (b"HTTP/1.1 2000 OK\r\n\r\n", ParseError::InvalidStatus),
        (b"HTTP/1.1 200 O\x01K\r\n\r\n", ParseError::InvalidReason),
        (
            b"HTTP/1.1 200 OK\r\nX: a\r\n b\r\n\r\n",
            ParseError::ObsFold,
        ),
        (b"HTTP/3.0 200 OK\r\n\r\n", ParseError::UnsupportedVersion),
        (b"HTTP/1.1\r\n\r\n", ParseError::InvalidVersion),
    ];
    for (input, expected) in rejected {
        assert_eq!(
            response(input, &get),
            Err(*expected),
            "{:?}",
            String::from_utf8_lossy(input)
        );
    }
}

#[test]
fn one_response_parser_reads_responses_back_to_back() {
    let mut parser = ResponseParser::new(&Limits::default());
    let mut buf = BytesMut::from(
        &b"HTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\nHTTP/1.1 404 Not Found\r\n\r\n"[..],
    );
    let first = parser.parse(&mut buf, &Method::GET).unwrap().unwrap();
    assert_eq!(first.head.status, StatusCode::OK);
    let second = parser.parse(&mut buf, &Method::GET).unwrap().unwrap();
    assert_eq!(second.head.status, StatusCode::NOT_FOUND);
    // And after an error.
    let mut bad = BytesMut::from(&b"HTTP/1.1 20x OK\r\n\r\n"[..]);
    assert_eq!(
        parser.parse(&mut bad, &Method::GET),
        Err(ParseError::InvalidStatus)
    );
    let mut good = BytesMut::from(&b"HTTP/1.0 204 No Content\r\n\r\n"[..]);
    assert_eq!(
        parser
            .parse(&mut good, &Method::GET)
            .unwrap()
            .unwrap()
            .head
            .status,
        StatusCode::NO_CONTENT
    );
}

#[test]
fn error_statuses_and_messages() {
    assert_eq!(
        ParseError::UnsupportedTransferCoding.status(),
        StatusCode::NOT_IMPLEMENTED
    );
    assert_eq!(ParseError::UriTooLong.status(), StatusCode::URI_TOO_LONG);
    assert_eq!(BodyError::TooLarge.status(), StatusCode::CONTENT_TOO_LARGE);
    assert_eq!(
        BodyError::ChunkSizeTooLong.status(),
        StatusCode::BAD_REQUEST
    );
    assert_eq!(
        ParseError::ObsFold.to_string(),
        "line starting with whitespace (obs-fold) (400)"
    );
}

/// The same input in two calls, split after `at` bytes.
fn parse_split(input: &[u8], at: usize) -> RequestResult {
    let mut parser = RequestParser::new(&Limits::default());
    let mut buf = BytesMut::from(&input[..at]);
    if let Some(parsed) = parser.parse(&mut buf)? {
        return Ok(Some(parsed));
    }
    buf.extend_from_slice(&input[at..]);
    parser.parse(&mut buf)
}

/// A field line whole in the buffer is read in one go, one cut short by the buffer's
/// end byte by byte: a head split anywhere (through a name, its colon, the whitespace
/// around a value, the CRLF) parses to the same head or fails with the same error.
#[test]
fn a_head_split_anywhere_parses_the_same() {
    let accepted: &[&[u8]] = &[
        b"GET / HTTP/1.1\r\nHost: a\r\nX-Long-Name:  \t some value \t \r\nE:\r\n\r\n",
        b"POST /x HTTP/1.1\r\nHost: h\r\nContent-Length: 3\r\nAccept: */*\r\n\r\n",
    ];
    let rejected = REJECTED.iter().map(|&(input, _, _)| input);
    for input in accepted.iter().copied().chain(rejected) {
        let whole = parse(input);
        for at in 0..=input.len() {
            assert_eq!(
                parse_split(input, at),
                whole,
                "split after {at}: {:?}",
                String::from_utf8_lossy(input)
            );
        }
    }
}

/// The borrowed parse of `input`, as the owned parse's result type would show it: the
/// head's parts, or the error.
fn parse_borrowed_parts(input: &[u8]) -> Result<(Vec<u8>, Vec<u8>, Version, Framing), ParseError> {
    let mut parser = RequestParser::new(&Limits::default());
    let parsed = parser.parse_borrowed(input)?.expect("complete");
    let head = parsed.head;
    assert_eq!(head.len(), input.len());
    Ok((
        head.method().to_vec(),
        head.target().to_vec(),
        head.version(),
        parsed.framing,
    ))
}

#[test]
fn the_borrowed_parse_refuses_what_the_owned_one_does_but_a_target_form() {
    for &(input, expected, _) in REJECTED {
        let shown = String::from_utf8_lossy(input);
        match parse_borrowed_parts(input) {
            Err(error) => assert_eq!(error, expected, "{shown:?}"),
            // The view checks a target's bytes, not its form.
            Ok(_) => assert_eq!(expected, ParseError::InvalidTarget, "{shown:?}"),
        }
    }
    let authority_form_get = b"GET a.example:443 HTTP/1.1\r\nHost: a\r\n\r\n";
    assert_eq!(error(authority_form_get), ParseError::InvalidTarget);
    let (_, target, _, _) = parse_borrowed_parts(authority_form_get).unwrap();
    assert_eq!(target, b"a.example:443");
}

#[test]
fn the_borrowed_parse_finds_the_owned_ones_parts() {
    let inputs: &[&[u8]] = &[
        b"\r\nGET /a?b HTTP/1.1\r\nHost:a\r\nX-One: \t 1 \t\r\nx-one: 2\r\nEmpty:\r\n\r\n",
        b"POST /u HTTP/1.1\r\nHost: a\r\nContent-Length: 5\r\nContent-Length: 5\r\n\r\n",
        b"PUT /u HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked\r\nX: caf\xc3\xa9\r\n\r\n",
        b"PURGE http://a/x HTTP/1.0\r\n\r\n",
    ];
    for &input in inputs {
        let owned = parse(input).unwrap().unwrap();
        let mut parser = RequestParser::new(&Limits::default());
        let borrowed = parser.parse_borrowed(input).unwrap().unwrap();
        let head = borrowed.head;
        assert_eq!(head.method(), owned.head.method.as_str().as_bytes());
        assert_eq!(head.target(), owned.head.uri.as_str().as_bytes());
        assert_eq!(head.version(), owned.head.version);
        assert_eq!(borrowed.framing, owned.framing);
        let fields: Vec<(&[u8], &[u8])> = head.fields().collect();
        let owned_fields: Vec<(&[u8], &[u8])> = owned
            .head
            .headers
            .iter()
            .map(|(n, v)| (n.as_str().as_bytes(), v.as_bytes()))
            .collect();
        assert_eq!(fields, owned_fields);
        assert_eq!(head.fields().len(), owned.head.headers.len());
    }
}

#[test]
fn the_borrowed_parse_reads_pipelined_and_trickled_heads() {
    let wire = b"GET /1 HTTP/1.1\r\nHost: a\r\n\r\nGET /2 HTTP/1.1\r\nHost: a\r\n\r\n";
    let mut parser = RequestParser::new(&Limits::default());
    let mut buf = Vec::new();
    let mut targets = Vec::new();
    // One byte at a time: each call sees what is in the buffer so far, and the head's
    // bytes are removed once the view is done with.
    for &b in wire {
        buf.push(b);
        let done = match parser.parse_borrowed(&buf).unwrap() {
            Some(parsed) => {
                targets.push(parsed.head.target().to_vec());
                Some(parsed.head.len())
            }
            None => None,
        };
        if let Some(len) = done {
            assert!(!parser.is_in_progress());
            buf.drain(..len);
        } else {
            assert!(parser.is_in_progress());
        }
    }
    assert_eq!(targets, [b"/1".to_vec(), b"/2".to_vec()]);
    assert!(buf.is_empty());
}
