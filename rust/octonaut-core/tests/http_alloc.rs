//! The parsers never touch the heap after construction: a counting global
//! allocator watches 10,000 pipelined requests (plain and chunked) and
//! responses, fed in random splits, after a warm-up.

use octonaut_core::http::{HeadInfo, HeadersAction, HttpSink, RequestParser, ResponseParser};
use octonaut_core::parse::{Flow, Parser};
use rand::{Rng, SeedableRng};

#[path = "support/counting_alloc.rs"]
mod counting_alloc;

use counting_alloc::{assert_counter_works, count_allocations, CountingAllocator};

#[global_allocator]
static GLOBAL: CountingAllocator = CountingAllocator;

/// Counts events and bytes without storing anything.
#[derive(Default)]
struct Tally {
    messages: u64,
    bytes: u64,
    fields: u64,
}

impl HttpSink for Tally {
    fn on_method(&mut self, f: &[u8]) {
        self.bytes += f.len() as u64;
    }
    fn on_target(&mut self, f: &[u8]) {
        self.bytes += f.len() as u64;
    }
    fn on_header_name(&mut self, f: &[u8]) {
        self.bytes += f.len() as u64;
    }
    fn on_header_value(&mut self, f: &[u8]) {
        self.bytes += f.len() as u64;
    }
    fn on_header_complete(&mut self) {
        self.fields += 1;
    }
    fn on_headers_complete(&mut self, _: &HeadInfo) -> HeadersAction {
        HeadersAction::default()
    }
    fn on_body(&mut self, f: &[u8]) {
        self.bytes += f.len() as u64;
    }
    fn on_message_complete(&mut self) -> Flow {
        self.messages += 1;
        Flow::Continue
    }
}

const PLAIN: &[u8] = b"GET /wp-content/uploads/2010/03/hello-kitty.jpg?x=1 HTTP/1.1\r\nHost: www.kittyhell.com\r\nUser-Agent: Mozilla/5.0 (Macintosh; U; Intel Mac OS X 10.6; ja-JP-mac; rv:1.9.2.3)\r\nAccept: */*\r\nX-Padded:   value with   spaces   \r\nContent-Length: 5\r\n\r\nhello";
const CHUNKED: &[u8] = b"POST /upload HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: gzip, chunked\r\nConnection: keep-alive\r\n\r\n5;name=\"v\"\r\nhello\r\n1A\r\nabcdefghijklmnopqrstuvwxyz\r\n0\r\nTrailer: yes\r\n\r\n";
const RESPONSE: &[u8] = b"HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\nTransfer-Encoding: chunked\r\n\r\n3\r\nabc\r\n0\r\n\r\nHTTP/1.1 304 Not Modified\r\nETag: \"x\"\r\n\r\n";

fn feed_in_random_splits<P: Parser<Tally>>(
    parser: &mut P,
    input: &[u8],
    sink: &mut Tally,
    rng: &mut rand::rngs::SmallRng,
) {
    let mut pos = 0;
    while pos < input.len() {
        let take = rng.random_range(1..=64).min(input.len() - pos);
        let consumed = parser
            .parse(&input[pos..pos + take], sink)
            .expect("valid input");
        assert_eq!(consumed, take);
        pos += take;
    }
}

#[test]
fn parsing_allocates_nothing_after_construction() {
    const N: usize = 10_000;
    let mut requests = Vec::with_capacity(N * (PLAIN.len() + CHUNKED.len()) / 2 + 1024);
    for i in 0..N {
        requests.extend_from_slice(if i % 2 == 0 { PLAIN } else { CHUNKED });
    }
    let mut responses = Vec::with_capacity(N / 2 * RESPONSE.len());
    for _ in 0..N / 2 {
        responses.extend_from_slice(RESPONSE);
    }
    let mut rng = rand::rngs::SmallRng::seed_from_u64(7);
    let mut request_parser = RequestParser::default();
    let mut response_parser = ResponseParser::default();
    let mut sink = Tally::default();

    // Warm-up (lazy CPU feature detection and the like).
    feed_in_random_splits(
        &mut request_parser,
        &requests[..PLAIN.len() + CHUNKED.len()],
        &mut sink,
        &mut rng,
    );
    request_parser.reset();
    sink = Tally::default();

    assert_counter_works();
    let ((), allocations) = count_allocations(|| {
        feed_in_random_splits(&mut request_parser, &requests, &mut sink, &mut rng);
        feed_in_random_splits(&mut response_parser, &responses, &mut sink, &mut rng);
        request_parser.reset();
    });

    assert_eq!(allocations, 0, "heap allocations while parsing");
    assert_eq!(sink.messages, (N + N) as u64, "every message parsed");
    assert!(sink.fields > 0 && sink.bytes > 0);
}
