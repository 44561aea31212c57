//! The response-head parser: never panics, and a head fed in two pieces parses exactly
//! as fed at once. The second byte picks the request method (GET, HEAD, CONNECT), which
//! the response's framing depends on, and small limits.
#![no_main]

use avx_http::http1::{Framing, ResponseParser};
use avx_http::{Limits, Method};
use bytes::BytesMut;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let [split, mode, input @ ..] = data else { return };
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

    let mut whole = BytesMut::from(input);
    let once = ResponseParser::new(&limits).parse(&mut whole, &method);

    let at = usize::from(*split) % (input.len() + 1);
    let mut parser = ResponseParser::new(&limits);
    let mut pieces = BytesMut::from(&input[..at]);
    let twice = match parser.parse(&mut pieces, &method) {
        Ok(None) => {
            pieces.extend_from_slice(&input[at..]);
            parser.parse(&mut pieces, &method)
        }
        other => {
            pieces.extend_from_slice(&input[at..]);
            other
        }
    };
    assert_eq!(once, twice, "split at {at}");
    if let Ok(Some(parsed)) = &once {
        assert_eq!(whole, pieces, "bytes left after the head");
        if method == Method::HEAD || parsed.head.status.as_u16() == 204 {
            assert_eq!(parsed.framing, Framing::Empty);
        }
    }
});
