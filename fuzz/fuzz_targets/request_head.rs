//! The request-head parser, reading pipelined heads with one parser: never panics, and
//! the input fed in two pieces (split where its first byte says) parses exactly as fed
//! at once: the same heads and framings, the same error, the same bytes left over. The
//! second byte picks small limits half of the time, so that every limit is reached.
//! The borrowed parse of the input agrees with the owned one, head by head: the same
//! parts, or the same error (where the owned one refuses a target's form, the borrowed
//! one, which leaves that to its caller, may accept the head or find a later fault).
#![no_main]

use avx_http::http1::{Framing, ParseError, Parsed, RequestParser};
use avx_http::{Limits, RequestHead, Version};
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

/// A head's parts as bytes: method, target, version, fields and framing.
type Parts = (Vec<u8>, Vec<u8>, Version, Vec<(Vec<u8>, Vec<u8>)>, Framing);

fn owned_parts(parsed: &Parsed<RequestHead>) -> Parts {
    let head = &parsed.head;
    let fields = head.headers.iter();
    (
        head.method.as_str().as_bytes().to_vec(),
        head.uri.as_str().as_bytes().to_vec(),
        head.version,
        fields
            .map(|(n, v)| (n.as_str().as_bytes().to_vec(), v.as_bytes().to_vec()))
            .collect(),
        parsed.framing,
    )
}

/// The borrowed parses of the heads in `input`, until an error or the end.
fn parse_borrowed(limits: &Limits, mut input: &[u8]) -> Vec<Result<Parts, ParseError>> {
    let mut parser = RequestParser::new(limits);
    let mut heads = Vec::new();
    loop {
        let (parts, len) = match parser.parse_borrowed(input) {
            Ok(Some(parsed)) => {
                let head = parsed.head;
                let fields = head
                    .fields()
                    .map(|(n, v)| (n.to_vec(), v.to_vec()))
                    .collect();
                let parts = (
                    head.method().to_vec(),
                    head.target().to_vec(),
                    head.version(),
                    fields,
                    parsed.framing,
                );
                (parts, head.len())
            }
            Ok(None) => return heads,
            Err(error) => {
                heads.push(Err(error));
                return heads;
            }
        };
        heads.push(Ok(parts));
        input = &input[len..];
    }
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
    let borrowed = parse_borrowed(&limits, input);
    for (owned, borrowed) in once.0.iter().zip(&borrowed) {
        match (owned, borrowed) {
            // The owned parse judged the target first; the borrowed one goes on.
            (Err(ParseError::InvalidTarget), _) => return,
            (owned, borrowed) => {
                let owned = owned.as_ref().map(owned_parts).map_err(|error| *error);
                assert_eq!(&owned, borrowed);
            }
        }
    }
    assert_eq!(once.0.len(), borrowed.len(), "heads read");
});
