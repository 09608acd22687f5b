//! The framing parsers allocate nothing after construction: a counting global
//! allocator watches 10,000 records fed in random splits (so many records are
//! assembled across feeds), including skip-mode recovery.
//!
//! Strategy: the shared counting allocator (`support/counting_alloc.rs`)
//! counts this thread's allocations; the cut points are computed before
//! counting starts, the stream is parsed once to
//! warm up and once under the counter, which must read zero.

use octonaut_core::framing::{
    ByteOrder, FrameSink, LengthPrefixed, LengthPrefixedConfig, Lines, LinesConfig, Recovery,
};
use octonaut_core::parse::{Flow, Parser};
use rand::rngs::SmallRng;
use rand::{Rng, SeedableRng};

#[path = "support/counting_alloc.rs"]
mod counting_alloc;

use counting_alloc::{assert_counter_works, count_allocations, CountingAllocator};

#[global_allocator]
static GLOBAL: CountingAllocator = CountingAllocator;

/// Counts frames and bytes without storing them.
#[derive(Default)]
struct Tally {
    frames: usize,
    bytes: usize,
}

impl FrameSink for Tally {
    fn on_frame(&mut self, frame: &[u8]) -> Flow {
        self.frames += 1;
        self.bytes += frame.len();
        Flow::Continue
    }
}

/// Feeds `stream` in random splits of up to `max_chunk` bytes; returns the
/// number of heap allocations made while parsing.
fn allocations_while_feeding<P: Parser<Tally>>(
    parser: &mut P,
    stream: &[u8],
    max_chunk: usize,
    sink: &mut Tally,
) -> u64 {
    let mut rng = SmallRng::seed_from_u64(3);
    // Precompute the cut points so the loop itself is allocation-free.
    let mut cuts = Vec::with_capacity(stream.len());
    let mut at = 0;
    while at < stream.len() {
        let n = rng.random_range(1..=max_chunk).min(stream.len() - at);
        cuts.push((at, at + n));
        at += n;
    }
    let ((), allocations) = count_allocations(|| {
        for &(start, end) in &cuts {
            parser
                .parse(&stream[start..end], sink)
                .expect("valid stream");
        }
        parser.parse_eof(sink).expect("complete stream");
    });
    allocations
}

#[test]
fn steady_state_framing_allocates_nothing() {
    assert_counter_works();

    let mut rng = SmallRng::seed_from_u64(1);

    // Lines, "\r\n", with over-long records to exercise recovery.
    let mut stream = Vec::new();
    for i in 0..10_000 {
        let len = if i % 50 == 0 {
            300
        } else {
            rng.random_range(0..100)
        };
        stream.extend((0..len).map(|_| b'a' + rng.random_range(0..26)));
        stream.extend_from_slice(b"\r\n");
    }
    let mut lines = Lines::new(LinesConfig {
        delimiter: b"\r\n".to_vec(),
        max_length: 200,
        keep_delimiter: false,
        recovery: Recovery::Skip,
    })
    .unwrap();
    let mut sink = Tally::default();
    // Warm up once, then measure a second pass.
    allocations_while_feeding(&mut lines, &stream, 64, &mut sink);
    let mut sink = Tally::default();
    assert_eq!(
        allocations_while_feeding(&mut lines, &stream, 64, &mut sink),
        0
    );
    assert_eq!(sink.frames, 10_000 - 200);
    assert_eq!(lines.skipped(), 400);

    // LengthPrefixed, 2-byte little-endian lengths.
    let mut stream = Vec::new();
    for _ in 0..10_000 {
        let len: u16 = rng.random_range(0..200);
        stream.extend_from_slice(&len.to_le_bytes());
        stream.extend((0..len).map(|_| rng.random::<u8>()));
    }
    let mut framed = LengthPrefixed::new(LengthPrefixedConfig {
        width: 2,
        byte_order: ByteOrder::Little,
        max_frame: 200,
        includes_header: false,
    })
    .unwrap();
    let mut sink = Tally::default();
    allocations_while_feeding(&mut framed, &stream, 64, &mut sink);
    let mut sink = Tally::default();
    assert_eq!(
        allocations_while_feeding(&mut framed, &stream, 64, &mut sink),
        0
    );
    assert_eq!(sink.frames, 10_000);
}
