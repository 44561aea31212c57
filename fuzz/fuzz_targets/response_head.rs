//! The response-head parser, reading heads back to back with one parser: never
//! panics, and the input fed in two pieces parses exactly as fed at once. The second
//! byte picks the request method (GET, HEAD, CONNECT), which the framing depends on,
//! and small limits.
#![no_main]

use avx_http::http1::{Framing, ParseError, Parsed, ResponseParser};
use avx_http::{Limits, Method, ResponseHead};
use bytes::BytesMut;
use libfuzzer_sys::fuzz_target;

type Heads = Vec<Result<Parsed<ResponseHead>, ParseError>>;

fn parse(limits: &Limits, method: &Method, pieces: &[&[u8]]) -> (Heads, BytesMut) {
    let mut parser = ResponseParser::new(limits);
    let mut buf = BytesMut::new();
    let mut heads = Vec::new();
    for piece in pieces {
        buf.extend_from_slice(piece);
        loop {
            match parser.parse(&mut buf, method) {
                Ok(Some(parsed)) => {
                    if *method == Method::HEAD || parsed.head.status.as_u16() == 204 {
                        assert_eq!(parsed.framing, Framing::Empty);
                    }
                    heads.push(Ok(parsed));
                }
                Ok(None) => break,
                Err(error) => {
                    heads.push(Err(error));
                    return (heads, buf);
                }
            }
        }
    }
    (heads, buf)
}

fuzz_target!(|data: &[u8]| {
    let [split, mode, input @ ..] = data else {
        return;
    };
    let method = match mode % 3 {
        0 => Method::GET,
        1 => Method::HEAD,
        _ => Method::CONNECT,
    };
    let mut limits = Limits::default();
    if mode & 4 == 4 {
        limits.max_headers = 4;
        limits.max_head_size = 128;
    }
    let at = usize::from(*split) % (input.len() + 1);
    let once = parse(&limits, &method, &[input]);
    let twice = parse(&limits, &method, &[&input[..at], &input[at..]]);
    assert_eq!(once.0, twice.0, "split at {at}");
    if once.0.last().is_none_or(|last| last.is_ok()) {
        assert_eq!(once.1, twice.1, "bytes left, split at {at}");
    }
});
