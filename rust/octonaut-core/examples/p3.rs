//! P3 on a noisy machine: the picohttpparser benchmark request (703 bytes)
//! parsed by our `RequestParser` and by httparse, two ways.
//!
//! Strategy: wall-clock figures on a shared 2-core machine drift with the
//! load, but instruction counts are repeatable. `p3 <case> N` parses the
//! request N times with one parser, for `valgrind --tool=callgrind`: run it
//! at two repeat counts and divide the difference by the difference of the
//! counts, so start-up and warm-up cancel out (`scripts/p3-instructions`).
//! `p3 interleaved [rounds]` times short alternating rounds of httparse and
//! ours and reports the median time of each and the median of the per-round
//! ratios, so a change in load hits both sides of each ratio alike.
//!
//! Usage: `p3 <bare|collector|kept|httparse|split> <N>` or `p3 interleaved [rounds]`
//! (`kept`: the collector leaving heads in the input, as the Python binding
//! drives it).

use octonaut_core::http::message::{CollectorLimits, MessageCollector};
use octonaut_core::http::RequestParser;
use octonaut_core::parse::Parser;
use std::hint::black_box;
use std::time::Instant;

// The spans it records are compared by the criterion bench, not read here.
#[allow(dead_code)]
#[path = "../benches/support/p3.rs"]
mod p3;
use p3::{SpanSink, REQ};

fn httparse_n(n: usize) {
    let mut headers = [httparse::EMPTY_HEADER; 16];
    for _ in 0..n {
        let mut req = httparse::Request::new(&mut headers);
        let status = req.parse(black_box(REQ)).expect("valid");
        assert_eq!(status, httparse::Status::Complete(REQ.len()));
        black_box(req.headers.len());
    }
}

fn bare_n(parser: &mut RequestParser, sink: &mut SpanSink, n: usize) {
    for _ in 0..n {
        let consumed = parser.parse(black_box(REQ), sink).expect("valid");
        assert!(consumed == REQ.len() && sink.done && sink.fields == 9);
        black_box(&sink.values);
    }
}

fn median(values: &mut [f64]) -> f64 {
    values.sort_by(f64::total_cmp);
    values[values.len() / 2]
}

/// Alternating rounds of httparse and ours (the order flips every round).
fn interleaved(rounds: usize) {
    const PER_ROUND: usize = 2000;
    let mut parser = RequestParser::default();
    let mut sink = SpanSink::default();
    httparse_n(PER_ROUND);
    bare_n(&mut parser, &mut sink, PER_ROUND);
    let (mut peer, mut ours, mut ratio) = (Vec::new(), Vec::new(), Vec::new());
    for round in 0..rounds {
        let time_peer = || {
            let start = Instant::now();
            httparse_n(PER_ROUND);
            start.elapsed().as_nanos() as f64 / PER_ROUND as f64
        };
        let mut time_ours = || {
            let start = Instant::now();
            bare_n(&mut parser, &mut sink, PER_ROUND);
            start.elapsed().as_nanos() as f64 / PER_ROUND as f64
        };
        let (p, o) = if round % 2 == 0 {
            let p = time_peer();
            (p, time_ours())
        } else {
            let o = time_ours();
            (time_peer(), o)
        };
        peer.push(p);
        ours.push(o);
        ratio.push(p / o);
    }
    println!(
        "P3 interleaved, {rounds} rounds of {PER_ROUND}: httparse {:.1} ns, octonaut {:.1} ns, \
         median per-round ratio {:.2}x",
        median(&mut peer),
        median(&mut ours),
        median(&mut ratio)
    );
}

fn main() {
    let mut args = std::env::args().skip(1);
    let case = args.next().unwrap_or_default();
    let n: usize = args.next().and_then(|s| s.parse().ok()).unwrap_or(1000);
    match case.as_str() {
        "interleaved" => interleaved(n),
        "httparse" => httparse_n(n),
        "bare" => {
            let mut parser = RequestParser::default();
            let mut sink = SpanSink::default();
            bare_n(&mut parser, &mut sink, n);
        }
        "split" => {
            let mut parser = RequestParser::default();
            let mut sink = SpanSink::default();
            let (a, z) = REQ.split_at(350);
            for _ in 0..n {
                parser.parse(black_box(a), &mut sink).expect("valid");
                parser.parse(black_box(z), &mut sink).expect("valid");
                assert!(sink.done && sink.fields == 9);
            }
        }
        "collector" | "kept" => {
            let kept = case == "kept";
            let mut parser = RequestParser::default();
            let mut collector = MessageCollector::new(CollectorLimits::default());
            for _ in 0..n {
                let input = black_box(REQ);
                let consumed = if kept {
                    collector.parse_kept(&mut parser, input)
                } else {
                    collector.parse(&mut parser, input)
                }
                .expect("valid");
                assert_eq!(consumed, REQ.len());
                let key = collector.pop().expect("one message");
                black_box(collector.record(key).map(|r| r.header_count()));
                collector.release(key);
            }
        }
        _ => {
            eprintln!(
                "usage: p3 <bare|collector|kept|httparse|split> <N> | p3 interleaved [rounds]"
            );
            std::process::exit(2);
        }
    }
}
