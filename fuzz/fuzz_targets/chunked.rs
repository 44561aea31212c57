//! The chunked body decoder: never panics, never yields an empty data event, and a body
//! fed in two pieces decodes exactly as fed at once: the same data, trailers, end or
//! error, and the same bytes left after the body. The second byte picks small limits.
#![no_main]

use avx_http::http1::{BodyDecoder, BodyError, BodyEvent, Framing};
use avx_http::{HeaderMap, Limits};
use bytes::BytesMut;
use libfuzzer_sys::fuzz_target;

#[derive(Debug, PartialEq)]
struct Outcome {
    data: Vec<u8>,
    trailers: Option<HeaderMap>,
    end: Result<bool, BodyError>,
    rest: Vec<u8>,
}

fn decode(limits: &Limits, pieces: &[&[u8]]) -> Outcome {
    let mut decoder = BodyDecoder::new(Framing::Chunked, limits).expect("chunked never refused");
    let mut outcome = Outcome {
        data: Vec::new(),
        trailers: None,
        end: Ok(false),
        rest: Vec::new(),
    };
    let mut buf = BytesMut::new();
    let mut finished = false;
    for piece in pieces {
        buf.extend_from_slice(piece);
        while !finished {
            match decoder.decode(&mut buf) {
                Ok(Some(BodyEvent::Data(data))) => {
                    assert!(!data.is_empty(), "empty data event");
                    outcome.data.extend_from_slice(&data);
                }
                Ok(Some(BodyEvent::Trailers(trailers))) => {
                    assert!(outcome.trailers.is_none() && !trailers.is_empty());
                    outcome.trailers = Some(trailers);
                }
                Ok(Some(BodyEvent::End)) => {
                    assert!(decoder.is_done());
                    outcome.end = Ok(true);
                    finished = true;
                }
                Ok(None) => break,
                Err(error) => {
                    outcome.end = Err(error);
                    finished = true;
                }
            }
        }
    }
    if outcome.end == Ok(true) {
        outcome.rest = buf.to_vec();
    }
    outcome
}

fuzz_target!(|data: &[u8]| {
    let [split, mode, input @ ..] = data else {
        return;
    };
    let mut limits = Limits::default();
    if mode & 1 == 1 {
        limits.max_headers = 3;
        limits.max_chunk_extensions = 16;
        limits.max_trailer_size = 32;
        limits.max_body_size = Some(64);
    }
    let at = usize::from(*split) % (input.len() + 1);
    let once = decode(&limits, &[input]);
    let twice = decode(&limits, &[&input[..at], &input[at..]]);
    assert_eq!(once, twice, "split at {at}");
});
