//! The request-head parser: never panics, and a head fed in two pieces (split where the
//! input's first byte says) parses exactly as fed at once: same head, same framing, same
//! error, same bytes left over. The second byte picks small limits half of the time, so
//! every limit is reached.
#![no_main]

use avx_http::Limits;
use avx_http::http1::RequestParser;
use bytes::BytesMut;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let [split, mode, input @ ..] = data else { return };
    let mut limits = Limits::default();
    if mode & 1 == 1 {
        limits.max_headers = 4;
        limits.max_head_size = 128;
        limits.max_uri_len = 16;
    }

    let mut whole = BytesMut::from(input);
    let once = RequestParser::new(&limits).parse(&mut whole);

    let at = usize::from(*split) % (input.len() + 1);
    let mut parser = RequestParser::new(&limits);
    let mut pieces = BytesMut::from(&input[..at]);
    let first = parser.parse(&mut pieces);
    let twice = match first {
        Ok(None) => {
            pieces.extend_from_slice(&input[at..]);
            parser.parse(&mut pieces)
        }
        // Done within the first piece: what follows is left for the next message.
        other => {
            pieces.extend_from_slice(&input[at..]);
            other
        }
    };
    assert_eq!(once, twice, "split at {at}");
    if let Ok(Some(_)) = once {
        assert_eq!(whole, pieces, "bytes left after the head");
    }
    if let Err(error) = once {
        let status = error.status().as_u16();
        assert!(matches!(status, 400 | 414 | 431 | 501 | 505), "{error:?} answers {status}");
    }
});
