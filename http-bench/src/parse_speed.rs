//! A quick parse-throughput measure, so the report carries the ratios without a
//! criterion run: avx-http's `RequestParser` against `httparse::Request::parse` on the
//! heads of `http-bench/src/heads` (the criterion bench `cargo bench -p avx-http-bench --bench
//! parse` reads the same bytes, with criterion's statistics).
//!
//! What each iteration does, alike for all: copy the head into a reused buffer (a
//! server reads it into one), then parse it. Two avx-http parses are measured:
//! - **borrowed** (`parse_borrowed`), like for like with httparse: both check the head
//!   and hand back slices of the buffer. avx-http's also judges the framing fields
//!   (`Content-Length`, `Transfer-Encoding`, `Host`), which httparse leaves to its
//!   caller;
//! - **owned** (`parse`), what avx-http's server pays: the borrowed parse plus
//!   building the typed head (method, URI, a `HeaderMap` whose long fields share the
//!   head's buffer).

use std::hint::black_box;
use std::time::{Duration, Instant};

use bytes::BytesMut;

use crate::heads;

/// One head's figures.
#[derive(Clone, Debug, PartialEq)]
pub struct ParseSpeed {
    /// Which head.
    pub head: &'static str,
    /// Its size in bytes.
    pub bytes: usize,
    /// avx-http's borrowed parse, median bytes per second.
    pub avx_borrowed_bytes_per_sec: f64,
    /// avx-http's owned parse, median bytes per second.
    pub avx_owned_bytes_per_sec: f64,
    /// httparse's median, bytes per second.
    pub httparse_bytes_per_sec: f64,
}

impl ParseSpeed {
    /// avx-http's borrowed throughput over httparse's: the like-for-like ratio.
    pub fn borrowed_ratio(&self) -> f64 {
        self.avx_borrowed_bytes_per_sec / self.httparse_bytes_per_sec
    }

    /// avx-http's owned throughput over httparse's.
    pub fn owned_ratio(&self) -> f64 {
        self.avx_owned_bytes_per_sec / self.httparse_bytes_per_sec
    }
}

/// Measures every head: `samples` turns of a `slice` for each parser in turn.
pub fn measure(samples: usize, slice: Duration) -> Vec<ParseSpeed> {
    heads::HEADS
        .iter()
        .map(|&(name, head)| {
            check_all_parse(head);
            let mut borrowed = Vec::with_capacity(samples);
            let mut owned = Vec::with_capacity(samples);
            let mut httparse = Vec::with_capacity(samples);
            for _ in 0..samples {
                borrowed.push(throughput(head, slice, avx_borrowed_parses));
                owned.push(throughput(head, slice, avx_owned_parses));
                httparse.push(throughput(head, slice, httparse_parses));
            }
            ParseSpeed {
                head: name,
                bytes: head.len(),
                avx_borrowed_bytes_per_sec: crate::stats::median(&borrowed),
                avx_owned_bytes_per_sec: crate::stats::median(&owned),
                httparse_bytes_per_sec: crate::stats::median(&httparse),
            }
        })
        .collect()
}

/// Bytes per second `parse_many` gets through in about `slice`.
fn throughput(head: &[u8], slice: Duration, parse_many: fn(&[u8], u32)) -> f64 {
    const BATCH: u32 = 1000;
    let started = Instant::now();
    let mut batches = 0u64;
    while started.elapsed() < slice {
        parse_many(head, BATCH);
        batches += 1;
    }
    (batches * u64::from(BATCH) * head.len() as u64) as f64 / started.elapsed().as_secs_f64()
}

fn avx_borrowed_parses(head: &[u8], times: u32) {
    let mut parser = avx_http::http1::RequestParser::new(&avx_http::Limits::default());
    let mut buf = Vec::with_capacity(4096);
    for _ in 0..times {
        buf.clear();
        buf.extend_from_slice(black_box(head));
        let parsed = parser.parse_borrowed(&buf);
        black_box(&parsed);
    }
}

fn avx_owned_parses(head: &[u8], times: u32) {
    let mut parser = avx_http::http1::RequestParser::new(&avx_http::Limits::default());
    let mut buf = BytesMut::with_capacity(4096);
    for _ in 0..times {
        buf.extend_from_slice(black_box(head));
        let parsed = parser.parse(&mut buf);
        black_box(&parsed);
    }
}

fn httparse_parses(head: &[u8], times: u32) {
    let mut buf = Vec::with_capacity(4096);
    for _ in 0..times {
        buf.clear();
        buf.extend_from_slice(black_box(head));
        let mut fields = [httparse::EMPTY_HEADER; 32];
        let mut request = httparse::Request::new(&mut fields);
        let parsed = request.parse(&buf);
        black_box((&parsed, &request));
    }
}

/// Every parser accepts the head whole: a measure of a failing parse would be
/// meaningless.
fn check_all_parse(head: &[u8]) {
    let mut parser = avx_http::http1::RequestParser::new(&avx_http::Limits::default());
    let borrowed = parser
        .parse_borrowed(head)
        .expect("avx-http rejects a bench head")
        .expect("avx-http: head incomplete");
    assert_eq!(borrowed.head.len(), head.len());
    let mut buf = BytesMut::from(head);
    let parsed = parser
        .parse(&mut buf)
        .expect("avx-http rejects a bench head");
    assert!(
        parsed.is_some() && buf.is_empty(),
        "avx-http: head incomplete"
    );
    let mut fields = [httparse::EMPTY_HEADER; 32];
    let status = httparse::Request::new(&mut fields)
        .parse(head)
        .expect("httparse rejects a bench head");
    assert_eq!(status, httparse::Status::Complete(head.len()));
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_head_parses_and_measures() {
        for speed in measure(1, Duration::from_millis(5)) {
            assert!(speed.bytes > 0);
            assert!(speed.avx_borrowed_bytes_per_sec > 0.0);
            assert!(speed.avx_owned_bytes_per_sec > 0.0 && speed.httparse_bytes_per_sec > 0.0);
        }
    }
}
