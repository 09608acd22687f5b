//! Proves the steady state of parser + collector allocates nothing: after a
//! warm-up, 10,000 pipelined requests (plain and chunked, with bodies and
//! trailers) fed in random splits, drained and released, cost zero heap
//! allocations.
//!
//! Strategy: the shared counting allocator (`support/counting_alloc.rs`)
//! counts only the allocations of the thread under test.

use octonaut_core::http::message::{CollectorLimits, MessageCollector};
use octonaut_core::http::{Lenient, Limits, RequestParser};
use rand::rngs::SmallRng;
use rand::{Rng, SeedableRng};

#[path = "support/counting_alloc.rs"]
mod counting_alloc;

use counting_alloc::{assert_counter_works, count_allocations, CountingAllocator};

#[global_allocator]
static GLOBAL: CountingAllocator = CountingAllocator;

const PLAIN: &[u8] = b"GET /index.html?q=1 HTTP/1.1\r\nHost: www.example.com\r\n\
User-Agent: Mozilla/5.0 (X11; Linux x86_64) Gecko/20100101 Firefox/120.0\r\n\
Accept: text/html,application/xhtml+xml\r\nAccept-Language: en-US,en;q=0.5\r\n\
Cookie: a=1; b=2; session=0123456789abcdef\r\n\r\n";

const WITH_BODY: &[u8] = b"POST /submit HTTP/1.1\r\nHost: example.com\r\n\
Content-Type: application/x-www-form-urlencoded\r\nContent-Length: 27\r\n\r\n\
name=octonaut&speed=fast!!!";

const CHUNKED: &[u8] = b"POST /upload HTTP/1.1\r\nHost: example.com\r\n\
Transfer-Encoding: chunked\r\n\r\n5;ext=1\r\nhello\r\nA\r\n, chunked!\r\n\
0\r\nX-Checksum: abc\r\nX-Other: 1\r\n\r\n";

/// The stream: `count` requests cycling through the three shapes.
fn stream(count: usize) -> Vec<u8> {
    let shapes = [PLAIN, WITH_BODY, CHUNKED];
    let mut out = Vec::new();
    for i in 0..count {
        out.extend_from_slice(shapes[i % 3]);
    }
    out
}

/// Split points, chosen before counting starts (the RNG does not allocate,
/// but building the list does).
fn splits(len: usize, rng: &mut SmallRng) -> Vec<usize> {
    let mut cuts = Vec::new();
    let mut at = 0;
    while at < len {
        at = (at + rng.random_range(1..=512)).min(len);
        cuts.push(at);
    }
    cuts
}

/// Feeds `data` cut at `cuts` through parser + collector, draining and
/// releasing every record; returns (messages, body bytes, trailer fields).
/// `kept`: through `parse_kept` (heads left in the input) instead of `parse`.
fn run(
    parser: &mut RequestParser,
    collector: &mut MessageCollector,
    data: &[u8],
    cuts: &[usize],
    kept: bool,
) -> (usize, usize, usize) {
    let (mut messages, mut body, mut trailers) = (0, 0, 0);
    let mut start = 0;
    for &end in cuts {
        let mut pos = start;
        while pos < end {
            let input = &data[pos..end];
            let consumed = if kept {
                collector.parse_kept(parser, input)
            } else {
                collector.parse(parser, input)
            }
            .expect("valid stream");
            pos += consumed;
            while let Some(key) = collector.pop() {
                let record = collector.record(key).expect("a live record");
                messages += 1;
                body += record.body().len();
                trailers += record.trailers().len();
                assert!(!record.method_span().is_empty());
                collector.release(key);
            }
            assert!(collector.take_error().is_none());
        }
        start = end;
    }
    (messages, body, trailers)
}

#[test]
fn steady_state_allocates_nothing() {
    const COUNT: usize = 10_000;
    let limits = Limits::default();
    let mut parser = RequestParser::new(limits, Lenient::STRICT);
    let mut collector = MessageCollector::new(CollectorLimits {
        max_head: limits.max_head,
        max_headers: limits.max_headers,
        max_body: 1 << 20,
        max_pending: 4,
    });
    let data = stream(COUNT);
    let mut rng = SmallRng::seed_from_u64(0x0c70);
    let warm_cuts = splits(data.len(), &mut rng);
    let cuts = splits(data.len(), &mut rng);
    let one_byte: Vec<usize> = (1..=PLAIN.len() + CHUNKED.len()).collect();

    // Warm-up: every slot sees every shape, so its buffers reach their sizes.
    let warm = run(&mut parser, &mut collector, &data, &warm_cuts, false);
    assert_eq!(warm.0, COUNT);

    let (measured, allocations) =
        count_allocations(|| run(&mut parser, &mut collector, &data, &cuts, false));

    assert_eq!(measured.0, COUNT);
    let chunked = (0..COUNT).filter(|i| i % 3 == 2).count();
    assert_eq!(measured.2, 2 * chunked);
    assert_eq!(
        measured.1,
        (0..COUNT).filter(|i| i % 3 == 1).count() * 27 + chunked * 15
    );
    assert_eq!(
        allocations, 0,
        "the parse loop allocated {allocations} times"
    );

    // Leaving heads in the input allocates nothing either.
    let (kept, allocations) =
        count_allocations(|| run(&mut parser, &mut collector, &data, &cuts, true));
    assert_eq!(kept, measured);
    assert_eq!(allocations, 0, "parse_kept allocated {allocations} times");

    // The counter does count (so the zero above means something).
    assert_counter_works();

    // One byte at a time, after the warm-up, allocates nothing either.
    let small = [PLAIN, CHUNKED].concat();
    let (bytewise, allocations) =
        count_allocations(|| run(&mut parser, &mut collector, &small, &one_byte, false));
    assert_eq!(bytewise.0, 2);
    assert_eq!(allocations, 0);
}
