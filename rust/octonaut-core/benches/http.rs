//! P3: the picohttpparser benchmark request (703 bytes) parsed by our
//! incremental `RequestParser` into a span-recording sink, against
//! `httparse::Request::parse` (a one-shot parser) on the same bytes.
//!
//! Criterion measures each function in its own time window, so on a shared,
//! busy machine a change of load between the windows skews the ratio. After
//! the criterion groups, this bench also prints an interleaved comparison:
//! short alternating rounds of both parsers, the median per-round ratio
//! (a load change hits both sides of a round alike).

use criterion::{criterion_group, BenchmarkId, Criterion, Throughput};
use octonaut_core::http::RequestParser;
use octonaut_core::parse::Parser;
use std::hint::black_box;
use std::time::Instant;

#[path = "support/p3.rs"]
mod p3;
use p3::{SpanSink, REQ};

/// Both parsers must find the same spans before their speed is compared.
fn assert_same_spans() {
    let mut headers = [httparse::EMPTY_HEADER; 16];
    let mut req = httparse::Request::new(&mut headers);
    req.parse(REQ).expect("valid");
    let mut parser = RequestParser::default();
    let mut sink = SpanSink::default();
    parser.parse(REQ, &mut sink).expect("valid");
    let method = req.method.expect("method");
    assert_eq!(
        (sink.method.start, sink.method.len),
        (method.as_ptr() as usize, method.len())
    );
    let path = req.path.expect("path");
    assert_eq!(
        (sink.target.start, sink.target.len),
        (path.as_ptr() as usize, path.len())
    );
    assert_eq!(sink.fields, req.headers.len());
    for (i, h) in req.headers.iter().enumerate() {
        assert_eq!(sink.names[i].start, h.name.as_ptr() as usize);
        assert_eq!(sink.names[i].len, h.name.len());
        assert_eq!(sink.values[i].start, h.value.as_ptr() as usize);
        assert_eq!(sink.values[i].len, h.value.len());
    }
}

fn bench_request(c: &mut Criterion) {
    assert_eq!(REQ.len(), 703);
    assert_same_spans();
    let mut group = c.benchmark_group("P3 picohttpparser request (703 B)");
    group.throughput(Throughput::Bytes(REQ.len() as u64));

    group.bench_function(BenchmarkId::new("httparse", "one-shot"), |b| {
        let mut headers = [httparse::EMPTY_HEADER; 16];
        b.iter(|| {
            let mut req = httparse::Request::new(&mut headers);
            let status = req.parse(black_box(REQ)).expect("valid");
            assert_eq!(status, httparse::Status::Complete(REQ.len()));
            black_box(req.headers.len());
        });
    });

    group.bench_function(BenchmarkId::new("octonaut", "incremental"), |b| {
        let mut parser = RequestParser::default();
        let mut sink = SpanSink::default();
        b.iter(|| {
            let consumed = parser.parse(black_box(REQ), &mut sink).expect("valid");
            assert!(consumed == REQ.len() && sink.done && sink.fields == 9);
            black_box(&sink.values);
        });
    });

    group.bench_function(BenchmarkId::new("octonaut", "split in two feeds"), |b| {
        let mut parser = RequestParser::default();
        let mut sink = SpanSink::default();
        let (a, z) = REQ.split_at(350);
        b.iter(|| {
            parser.parse(black_box(a), &mut sink).expect("valid");
            parser.parse(black_box(z), &mut sink).expect("valid");
            assert!(sink.done);
        });
    });
    group.finish();
}

/// Alternating rounds of httparse and ours (the order flips every round);
/// prints the median time of each and the median per-round ratio.
fn interleaved_ratio(rounds: usize, per_round: usize) {
    let mut headers = [httparse::EMPTY_HEADER; 16];
    let mut parser = RequestParser::default();
    let mut sink = SpanSink::default();
    let mut peer = |n: usize| {
        let start = Instant::now();
        for _ in 0..n {
            let mut req = httparse::Request::new(&mut headers);
            let status = req.parse(black_box(REQ)).expect("valid");
            assert_eq!(status, httparse::Status::Complete(REQ.len()));
            black_box(req.headers.len());
        }
        start.elapsed().as_nanos() as f64 / n as f64
    };
    let mut ours = |n: usize| {
        let start = Instant::now();
        for _ in 0..n {
            let consumed = parser.parse(black_box(REQ), &mut sink).expect("valid");
            assert!(consumed == REQ.len() && sink.done && sink.fields == 9);
            black_box(&sink.values);
        }
        start.elapsed().as_nanos() as f64 / n as f64
    };
    peer(per_round);
    ours(per_round);
    let (mut peer_ns, mut ours_ns, mut ratios) = (Vec::new(), Vec::new(), Vec::new());
    for round in 0..rounds {
        let (p, o) = if round % 2 == 0 {
            let p = peer(per_round);
            (p, ours(per_round))
        } else {
            let o = ours(per_round);
            (peer(per_round), o)
        };
        peer_ns.push(p);
        ours_ns.push(o);
        ratios.push(p / o);
    }
    let median = |v: &mut Vec<f64>| {
        v.sort_by(f64::total_cmp);
        v[v.len() / 2]
    };
    println!(
        "P3 interleaved ({rounds} rounds of {per_round}): httparse {:.1} ns, octonaut {:.1} ns, \
         ratio {:.2}x (median per round)",
        median(&mut peer_ns),
        median(&mut ours_ns),
        median(&mut ratios)
    );
}

criterion_group!(benches, bench_request);

fn main() {
    benches();
    Criterion::default().configure_from_args().final_summary();
    // `cargo bench -- --test` (and `cargo test --benches`) only checks that
    // the bench runs: keep that quick.
    let quick = std::env::args().any(|arg| arg == "--test");
    interleaved_ratio(if quick { 3 } else { 400 }, 2000);
}
