//! The request-head parser, reading pipelined heads with one parser: never panics, and
//! the input fed in two pieces (split where its first byte says) parses exactly as fed
//! at once: the same heads and framings, the same error, the same bytes left over. The
//! second byte picks small limits half of the time, so that every limit is reached.
#![no_main]

use avx_http::http1::{ParseError, Parsed, RequestParser};
use avx_http::{Limits, RequestHead};
use bytes::BytesMut;
use libfuzzer_sys::fuzz_target;

type Heads = Vec<Result<Parsed<RequestHead>, ParseError>>;

/// Parses heads from the pieces, appended one by one, until an error.
fn parse(limits: &Limits, pieces: &[&[u8]]) -> (Heads, BytesMut) {
    let mut parser = RequestParser::new(limits);
    let mut buf = BytesMut::new();
    let mut heads = Vec::new();
    for piece in pieces {
        buf.extend_from_slice(piece);
        loop {
            match parser.parse(&mut buf) {
                Ok(Some(parsed)) => heads.push(Ok(parsed)),
                Ok(None) => break,
                Err(error) => {
                    let status = error.status().as_u16();
                    assert!(
                        matches!(status, 400 | 414 | 431 | 501 | 505),
                        "{error:?} answers {status}"
                    );
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
    let mut limits = Limits::default();
    if mode & 1 == 1 {
        limits.max_headers = 4;
        limits.max_head_size = 128;
        limits.max_uri_len = 16;
    }
    let at = usize::from(*split) % (input.len() + 1);
    let once = parse(&limits, &[input]);
    let twice = parse(&limits, &[&input[..at], &input[at..]]);
    assert_eq!(once.0, twice.0, "split at {at}");
    if once.0.last().is_none_or(|last| last.is_ok()) {
        assert_eq!(once.1, twice.1, "bytes left, split at {at}");
    }
});
