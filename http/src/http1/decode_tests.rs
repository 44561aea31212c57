//! Body decoder tests: chunked wire scripts, every chunked bad-input vector with its
//! typed error, limits, and a check that any split of the input decodes the same.

use bytes::BytesMut;

use super::*;
use crate::StatusCode;
use crate::http1::ParseError;

/// What decoding a whole input came to: the data, the trailers, and how it ended.
#[derive(Debug, PartialEq, Eq)]
struct Outcome {
    data: Vec<u8>,
    trailers: Vec<(String, Vec<u8>)>,
    end: Result<bool, BodyError>,
    /// Bytes left after the body.
    rest: Vec<u8>,
}

/// Decodes `input` fed in the given pieces, without an end of stream.
fn decode_pieces(framing: Framing, limits: &Limits, pieces: &[&[u8]]) -> Outcome {
    let mut decoder = match BodyDecoder::new(framing, limits) {
        Ok(decoder) => decoder,
        Err(error) => {
            return Outcome {
                data: vec![],
                trailers: vec![],
                end: Err(error),
                rest: vec![],
            };
        }
    };
    let mut outcome = Outcome {
        data: vec![],
        trailers: vec![],
        end: Ok(false),
        rest: vec![],
    };
    let mut buf = BytesMut::new();
    let mut finished = false;
    for piece in pieces {
        buf.extend_from_slice(piece);
        // Once the body is over, later pieces are what follows it.
        while !finished {
            match decoder.decode(&mut buf) {
                Ok(Some(BodyEvent::Data(data))) => {
                    assert!(!data.is_empty(), "an empty Data event");
                    outcome.data.extend_from_slice(&data);
                }
                Ok(Some(BodyEvent::Trailers(fields))) => {
                    for (name, value) in &fields {
                        outcome
                            .trailers
                            .push((name.to_string(), value.as_bytes().to_vec()));
                    }
                }
                Ok(Some(BodyEvent::End)) => {
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
        assert!(decoder.is_done());
        outcome.rest = buf.to_vec();
    }
    outcome
}

fn chunked(input: &[u8]) -> Outcome {
    decode_pieces(Framing::Chunked, &Limits::default(), &[input])
}

/// Checks that every two-piece split and a byte-by-byte feed end as the whole does.
fn assert_split_invariant(framing: Framing, limits: &Limits, input: &[u8]) -> Outcome {
    let whole = decode_pieces(framing, limits, &[input]);
    // Every split point of a short input; a sample of a long one's.
    let step = (input.len() / 300).max(1);
    for at in (0..=input.len()).step_by(step) {
        let (a, b) = input.split_at(at);
        assert_eq!(
            decode_pieces(framing, limits, &[a, b]),
            whole,
            "split at {at}"
        );
    }
    let bytes: Vec<&[u8]> = input.chunks(1).collect();
    assert_eq!(
        decode_pieces(framing, limits, &bytes),
        whole,
        "byte by byte"
    );
    whole
}

#[test]
fn chunked_bodies() {
    let out = assert_split_invariant(
        Framing::Chunked,
        &Limits::default(),
        b"5\r\nhello\r\n1;a=b;c=\"d e\"\r\n \r\nA \t;x\r\n0123456789\r\n0\r\nChecksum: 1\r\nX: y\r\n\r\nNEXT",
    );
    assert_eq!(out.data, b"hello 0123456789");
    assert_eq!(
        out.trailers,
        [
            ("Checksum".to_string(), b"1".to_vec()),
            ("X".to_string(), b"y".to_vec())
        ]
    );
    assert_eq!(out.end, Ok(true));
    assert_eq!(out.rest, b"NEXT");

    let empty = chunked(b"0\r\n\r\n");
    assert_eq!((empty.data.len(), empty.end), (0, Ok(true)));
    let upper = chunked(b"00Ff\r\n");
    assert_eq!(
        (upper.data.len(), upper.end),
        (0, Ok(false)),
        "0xff bytes expected, none sent"
    );
    let long = chunked(b"000000000000000a\r\n0123456789\r\n0\r\n\r\n");
    assert_eq!(
        (long.data.len(), long.end),
        (10, Ok(true)),
        "16 digits are allowed"
    );
}

#[test]
fn chunked_errors() {
    use BodyError::*;
    let ext = format!("1;{}\r\nx\r\n0\r\n\r\n", "e".repeat(16 * 1024));
    let trailers = format!("0\r\nX: {}\r\n\r\n", "v".repeat(16 * 1024));
    let many_trailers = format!("0\r\n{}\r\n", "X: 1\r\n".repeat(101));
    let spread_ext = "1;abcdefghijklmnopqrstuvwxyz\r\nx\r\n".repeat(16 * 1024 / 27 + 1);
    let table: &[(&[u8], BodyError)] = &[
        (b"00000000000000005\r\nhello\r\n0\r\n\r\n", ChunkSizeTooLong),
        (b"10000000000000000\r\n", ChunkSizeTooLong),
        (ext.as_bytes(), ChunkExtensionsTooLarge),
        (spread_ext.as_bytes(), ChunkExtensionsTooLarge),
        (trailers.as_bytes(), TrailersTooLarge),
        (many_trailers.as_bytes(), TrailersTooLarge),
        (b"\r\n", InvalidChunkSize),
        (b"x\r\n", InvalidChunkSize),
        (b";a\r\n", InvalidChunkSize),
        (b"-1\r\n", InvalidChunkSize),
        (b"0x5\r\nhello\r\n", InvalidChunkSize),
        (b"5 \r\nhello\r\n", InvalidChunkSize),
        (b"5 x\r\n", InvalidChunkSize),
        (b"5\nhello\r\n", InvalidLineEnding),
        (b"5\rhello\r\n", InvalidLineEnding),
        (b"5;a\nhello\r\n", InvalidLineEnding),
        (b"5;a\0b\r\nhello\r\n", InvalidChunkExtension),
        (b"5\r\nhelloX\r\n", MissingChunkCrlf),
        (b"5\r\nhello\rX", MissingChunkCrlf),
        (b"5\r\nhello\n0\r\n\r\n", MissingChunkCrlf),
        (
            b"0\r\nX : y\r\n\r\n",
            InvalidTrailer(ParseError::WhitespaceBeforeColon),
        ),
        (
            b"0\r\nX: y\r\n z\r\n\r\n",
            InvalidTrailer(ParseError::ObsFold),
        ),
        (
            b"0\r\nX: \0\r\n\r\n",
            InvalidTrailer(ParseError::InvalidHeaderValue),
        ),
        (b"0\r\n\n", InvalidTrailer(ParseError::BareLf)),
    ];
    for (input, expected) in table {
        let shown = String::from_utf8_lossy(&input[..input.len().min(60)]);
        let out = assert_split_invariant(Framing::Chunked, &Limits::default(), input);
        assert_eq!(out.end, Err(*expected), "{shown:?}");
        assert_eq!(expected.status(), StatusCode::BAD_REQUEST);
    }
}

#[test]
fn chunked_limits_follow_the_configuration() {
    let limits = Limits {
        max_chunk_extensions: 4,
        max_trailer_size: 10,
        max_body_size: Some(8),
        ..Limits::default()
    };
    let extensions = [
        (&b"1;abc\r\nx\r\n0\r\n\r\n"[..], Ok(true)),
        (b"1;abcd\r\nx\r\n", Err(BodyError::ChunkExtensionsTooLarge)),
    ];
    let trailers = [
        (&b"0\r\nA: 123\r\n\r\n"[..], Ok(true)),
        (b"0\r\nA: 1234\r\n\r\n", Err(BodyError::TrailersTooLarge)),
    ];
    let sizes = [
        (&b"8\r\n12345678\r\n0\r\n\r\n"[..], Ok(true)),
        (b"4\r\n1234\r\n5\r\n", Err(BodyError::TooLarge)),
    ];
    for (input, end) in extensions.into_iter().chain(trailers).chain(sizes) {
        let out = assert_split_invariant(Framing::Chunked, &limits, input);
        assert_eq!(out.end, end, "{:?}", String::from_utf8_lossy(input));
    }
    assert_eq!(BodyError::TooLarge.status(), StatusCode::CONTENT_TOO_LARGE);
}

#[test]
fn length_bodies() {
    let out = assert_split_invariant(Framing::Length(5), &Limits::default(), b"helloGET");
    assert_eq!(
        (out.data, out.end, out.rest),
        (b"hello".to_vec(), Ok(true), b"GET".to_vec())
    );
    let empty = decode_pieces(Framing::Length(0), &Limits::default(), &[b"GET"]);
    assert_eq!((empty.end, empty.rest), (Ok(true), b"GET".to_vec()));
    let none = decode_pieces(Framing::Empty, &Limits::default(), &[b""]);
    assert_eq!(none.end, Ok(true));

    let limits = Limits {
        max_body_size: Some(4),
        ..Limits::default()
    };
    assert_eq!(
        BodyDecoder::new(Framing::Length(5), &limits).unwrap_err(),
        BodyError::TooLarge
    );
    assert!(BodyDecoder::new(Framing::Length(4), &limits).is_ok());
}

#[test]
fn until_close_bodies() {
    let mut decoder = BodyDecoder::new(Framing::UntilClose, &Limits::default()).unwrap();
    let mut buf = BytesMut::from(&b"abc"[..]);
    assert_eq!(
        decoder.decode(&mut buf),
        Ok(Some(BodyEvent::Data("abc".into())))
    );
    assert_eq!(decoder.decode(&mut buf), Ok(None));
    assert_eq!(decoder.decode_eof(&mut buf), Ok(BodyEvent::End));
    assert!(decoder.is_done());

    let limits = Limits {
        max_body_size: Some(4),
        ..Limits::default()
    };
    let out = assert_split_invariant(Framing::UntilClose, &limits, b"abcdef");
    assert_eq!(
        (out.data, out.end),
        (b"abcd".to_vec(), Err(BodyError::TooLarge))
    );
}

#[test]
fn eof_before_the_end_is_incomplete() {
    for (framing, input) in [
        (Framing::Length(5), &b"abc"[..]),
        (Framing::Chunked, b"5\r\nab"),
        (Framing::Chunked, b"0\r\nX: 1\r\n"),
    ] {
        let mut decoder = BodyDecoder::new(framing, &Limits::default()).unwrap();
        let mut buf = BytesMut::from(input);
        while let Ok(Some(BodyEvent::Data(_))) = decoder.decode(&mut buf) {}
        assert_eq!(
            decoder.decode_eof(&mut buf),
            Err(BodyError::Incomplete),
            "{framing:?}"
        );
    }
}

#[test]
fn end_repeats() {
    let mut decoder = BodyDecoder::new(Framing::Chunked, &Limits::default()).unwrap();
    let mut buf = BytesMut::from(&b"0\r\n\r\nrest"[..]);
    assert_eq!(decoder.decode(&mut buf), Ok(Some(BodyEvent::End)));
    assert_eq!(decoder.decode(&mut buf), Ok(Some(BodyEvent::End)));
    assert_eq!(decoder.decode_eof(&mut buf), Ok(BodyEvent::End));
    assert_eq!(&buf[..], b"rest");
}
