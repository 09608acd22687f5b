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
//! Usage: `p3 <bare|collector|httparse|split> <N>` or `p3 interleaved [rounds]`.

use octonaut_core::http::message::{CollectorLimits, MessageCollector};
use octonaut_core::http::{HeadInfo, HeadersAction, HttpSink, RequestParser};
use octonaut_core::parse::{Flow, Parser};
use std::hint::black_box;
use std::time::Instant;

/// picohttpparser's bench.c request, byte for byte (703 bytes).
const REQ: &[u8] = b"\
GET /wp-content/uploads/2010/03/hello-kitty-darth-vader-pink.jpg HTTP/1.1\r\n\
Host: www.kittyhell.com\r\n\
User-Agent: Mozilla/5.0 (Macintosh; U; Intel Mac OS X 10.6; ja-JP-mac; rv:1.9.2.3) Gecko/20100401 Firefox/3.6.3 Pathtraq/0.9\r\n\
Accept: text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8\r\n\
Accept-Language: ja,en-us;q=0.7,en;q=0.3\r\n\
Accept-Encoding: gzip,deflate\r\n\
Accept-Charset: Shift_JIS,utf-8;q=0.7,*;q=0.7\r\n\
Keep-Alive: 115\r\n\
Connection: keep-alive\r\n\
Cookie: wp_ozh_wsa_visits=2; wp_ozh_wsa_visit_lasttime=xxxxxxxxxx; __utma=xxxxxxxxx.xxxxxxxxxx.xxxxxxxxxx.xxxxxxxxxx.xxxxxxxxxx.x; __utmz=xxxxxxxxx.xxxxxxxxxx.x.x.utmccn=(referral)|utmcsr=reader.livedoor.com|utmcct=/reader/|utmcmd=referral\r\n\r\n";

/// Records spans as httparse's `Request` does (the criterion bench's sink).
#[derive(Default)]
struct SpanSink {
    method: (usize, usize),
    target: (usize, usize),
    names: [(usize, usize); 16],
    values: [(usize, usize); 16],
    fields: usize,
    done: bool,
}

fn span(bytes: &[u8]) -> (usize, usize) {
    (bytes.as_ptr() as usize, bytes.len())
}

impl HttpSink for SpanSink {
    #[inline]
    fn on_message_begin(&mut self) -> Flow {
        self.fields = 0;
        self.done = false;
        Flow::Continue
    }
    #[inline]
    fn on_method(&mut self, f: &[u8]) {
        self.method = span(f);
    }
    #[inline]
    fn on_target(&mut self, f: &[u8]) {
        self.target = span(f);
    }
    #[inline]
    fn on_header_name(&mut self, f: &[u8]) {
        if self.fields < 16 {
            self.names[self.fields] = span(f);
        }
    }
    #[inline]
    fn on_header_value(&mut self, f: &[u8]) {
        if self.fields < 16 {
            self.values[self.fields] = span(f);
        }
    }
    #[inline]
    fn on_header_complete(&mut self) {
        self.fields += 1;
    }
    #[inline]
    fn on_headers_complete(&mut self, _: &HeadInfo) -> HeadersAction {
        HeadersAction::default()
    }
    #[inline]
    fn on_message_complete(&mut self) -> Flow {
        self.done = true;
        Flow::Continue
    }
}

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
        "collector" => {
            let mut parser = RequestParser::default();
            let mut collector = MessageCollector::new(CollectorLimits::default());
            for _ in 0..n {
                let consumed = collector.parse(&mut parser, black_box(REQ)).expect("valid");
                assert_eq!(consumed, REQ.len());
                let key = collector.pop().expect("one message");
                black_box(collector.record(key).map(|r| r.header_count()));
                collector.release(key);
            }
        }
        _ => {
            eprintln!("usage: p3 <bare|collector|httparse|split> <N> | p3 interleaved [rounds]");
            std::process::exit(2);
        }
    }
}
