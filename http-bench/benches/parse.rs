//! Guards request-head parsing against httparse: avx-http's `RequestParser` and
//! `httparse::Request::parse` on the same heads, in bytes per second.
//!
//! Group = head (`src/heads/mod.rs`), function id = parser. Each iteration copies the head
//! into a reused buffer (a server reads it into one) and parses it. `avx-http-borrowed`
//! (`parse_borrowed`) and httparse return slices of the buffer: the like-for-like pair.
//! `avx-http` (`parse`) also builds an owned, typed head (method, URI, `HeaderMap`).
//! avx-http-bench reports the same ratios without criterion.
//!
//! `cargo bench -p avx-http-bench --bench parse -- --warm-up-time 1 --measurement-time 3`

use std::hint::black_box;

use avx_http::Limits;
use avx_http::http1::RequestParser;
use bytes::BytesMut;
use criterion::{Criterion, Throughput, criterion_group, criterion_main};

use avx_http_bench::heads;

fn parse(c: &mut Criterion) {
    for (name, head) in heads::HEADS {
        let mut group = c.benchmark_group(format!("parse/{name}"));
        group.throughput(Throughput::Bytes(head.len() as u64));

        let mut parser = RequestParser::new(&Limits::default());
        let mut buf = Vec::with_capacity(4096);
        group.bench_function("avx-http-borrowed", |b| {
            b.iter(|| {
                buf.clear();
                buf.extend_from_slice(black_box(head));
                let parsed = parser.parse_borrowed(&buf);
                assert!(matches!(parsed, Ok(Some(_))), "avx-http: {parsed:?}");
                parsed.map(|p| p.map(|p| p.head.len()))
            })
        });

        let mut parser = RequestParser::new(&Limits::default());
        let mut buf = BytesMut::with_capacity(4096);
        group.bench_function("avx-http", |b| {
            b.iter(|| {
                buf.extend_from_slice(black_box(head));
                let parsed = parser.parse(&mut buf);
                assert!(matches!(parsed, Ok(Some(_))), "avx-http: {parsed:?}");
                parsed
            })
        });

        let mut buf = Vec::with_capacity(4096);
        group.bench_function("httparse", |b| {
            b.iter(|| {
                buf.clear();
                buf.extend_from_slice(black_box(head));
                let mut fields = [httparse::EMPTY_HEADER; 32];
                let mut request = httparse::Request::new(&mut fields);
                let parsed = request.parse(&buf);
                assert!(matches!(parsed, Ok(httparse::Status::Complete(_))));
                black_box(request.headers.len())
            })
        });
        group.finish();
    }
}

criterion_group!(benches, parse);
criterion_main!(benches);
