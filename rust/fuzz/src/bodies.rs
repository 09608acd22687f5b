//! The fuzz target bodies: no panic, and split invariance.
//!
//! Strategy: the first two bytes of the fuzz input choose how it is cut
//! (a seed for cut points) and which requests the response parser expects;
//! the rest is the HTTP stream. One feed and a cut-up feed must give equal
//! event logs (fragments merged), equal consumed counts and equal errors.

use octonaut_core::http::{
    HeadInfo, HeadersAction, HttpSink, Lenient, Limits, RequestParser, ResponseParser,
};
use octonaut_core::parse::{Flow, ParseError, Parser};

/// An event log entry; fragments of one kind are merged.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Event {
    Begin,
    Bytes(u8, Vec<u8>),
    Status(u16),
    Version(u8, u8),
    FieldDone,
    Head(HeadInfo),
    ChunkHeader(u64),
    ChunkDone,
    Trailers,
    Done,
}

/// Records events, merging consecutive fragments of the same kind.
#[derive(Default)]
pub struct Log {
    pub events: Vec<Event>,
}

impl Log {
    fn bytes(&mut self, kind: u8, fragment: &[u8]) {
        if fragment.is_empty() {
            return;
        }
        if let Some(Event::Bytes(last, data)) = self.events.last_mut() {
            if *last == kind {
                data.extend_from_slice(fragment);
                return;
            }
        }
        self.events.push(Event::Bytes(kind, fragment.to_vec()));
    }
}

impl HttpSink for Log {
    fn on_message_begin(&mut self) -> Flow {
        self.events.push(Event::Begin);
        Flow::Continue
    }
    fn on_method(&mut self, f: &[u8]) {
        self.bytes(b'm', f)
    }
    fn on_target(&mut self, f: &[u8]) {
        self.bytes(b't', f)
    }
    fn on_status(&mut self, code: u16) {
        self.events.push(Event::Status(code))
    }
    fn on_reason(&mut self, f: &[u8]) {
        self.bytes(b'r', f)
    }
    fn on_version(&mut self, major: u8, minor: u8) {
        self.events.push(Event::Version(major, minor))
    }
    fn on_header_name(&mut self, f: &[u8]) {
        self.bytes(b'n', f)
    }
    fn on_header_value(&mut self, f: &[u8]) {
        self.bytes(b'v', f)
    }
    fn on_header_complete(&mut self) {
        self.events.push(Event::FieldDone)
    }
    fn on_headers_complete(&mut self, info: &HeadInfo) -> HeadersAction {
        self.events.push(Event::Head(*info));
        HeadersAction::default()
    }
    fn on_body(&mut self, f: &[u8]) {
        self.bytes(b'b', f)
    }
    fn on_chunk_header(&mut self, size: u64) {
        self.events.push(Event::ChunkHeader(size))
    }
    fn on_chunk_extension(&mut self, f: &[u8]) {
        self.bytes(b'x', f)
    }
    fn on_chunk_complete(&mut self) {
        self.events.push(Event::ChunkDone)
    }
    fn on_trailers_begin(&mut self) {
        self.events.push(Event::Trailers)
    }
    fn on_message_complete(&mut self) -> Flow {
        self.events.push(Event::Done);
        Flow::Continue
    }
}

/// Everything a run produced.
#[derive(Debug, PartialEq, Eq)]
pub struct Run {
    pub events: Vec<Event>,
    pub consumed: usize,
    pub error: Option<ParseError>,
    pub eof_error: Option<ParseError>,
}

/// Feeds `input` in pieces ending at `cuts` (ascending), then EOF.
pub fn feed<P: Parser<Log>>(parser: &mut P, input: &[u8], cuts: &[usize]) -> Run {
    let mut log = Log::default();
    let mut consumed = 0;
    let mut start = 0;
    let mut error = None;
    for &cut in cuts.iter().chain(std::iter::once(&input.len())) {
        let cut = cut.clamp(start, input.len());
        match parser.parse(&input[start..cut], &mut log) {
            Ok(n) => {
                consumed += n;
                if n < cut - start {
                    break; // stopped after an upgrade
                }
            }
            Err(e) => {
                error = Some(e);
                consumed = e.offset as usize;
                break;
            }
        }
        start = cut;
    }
    let eof_error = if error.is_none() {
        parser.parse_eof(&mut log).err()
    } else {
        None
    };
    Run {
        events: log.events,
        consumed,
        error,
        eof_error,
    }
}

/// Cut points derived from `seed`: a pseudo-random walk over `len`.
pub fn cuts(seed: u8, len: usize) -> Vec<usize> {
    let mut state = u32::from(seed).wrapping_mul(2_654_435_761) | 1;
    let mut at = 0;
    let mut out = Vec::new();
    while at < len {
        state ^= state << 13;
        state ^= state >> 17;
        state ^= state << 5;
        at += 1 + (state as usize % (len / 4 + 2));
        out.push(at.min(len));
    }
    out
}

fn limits_for(selector: u8) -> Limits {
    if selector & 0x80 == 0 {
        Limits::default()
    } else {
        Limits {
            max_head: 64 + usize::from(selector & 0x3f),
            max_headers: 3,
            max_body: Some(16),
            max_chunk_extension: 8,
            max_line: 40,
        }
    }
}

fn lenient_for(selector: u8) -> Lenient {
    if selector & 0x40 == 0 {
        Lenient::STRICT
    } else {
        Lenient::NAMES
            .iter()
            .fold(Lenient::STRICT, |all, &(_, flag)| all | flag)
    }
}

fn check<P: Parser<Log>>(make: impl Fn() -> P, seed: u8, input: &[u8]) {
    let whole = feed(&mut make(), input, &[]);
    let split = feed(&mut make(), input, &cuts(seed, input.len()));
    assert_eq!(whole, split, "split invariance");
    if input.len() <= 512 {
        let bytewise: Vec<usize> = (1..input.len()).collect();
        assert_eq!(whole, feed(&mut make(), input, &bytewise), "byte at a time");
    }
}

/// Fuzz body for [`RequestParser`].
pub fn request(data: &[u8]) {
    let [seed, selector, input @ ..] = data else {
        return;
    };
    let (limits, lenient) = (limits_for(*selector), lenient_for(*selector));
    check(|| RequestParser::new(limits, lenient), *seed, input);
}

/// Fuzz body for [`ResponseParser`]; low bits of the selector pick the
/// methods of the requests the parser expects.
pub fn response(data: &[u8]) {
    let [seed, selector, input @ ..] = data else {
        return;
    };
    let (limits, lenient) = (limits_for(*selector), lenient_for(*selector));
    let make = || {
        let mut parser = ResponseParser::new(limits, lenient);
        for bit in 0..4 {
            let method: &[u8] = match (selector >> bit) & 1 {
                0 => b"GET",
                _ if bit == 3 => b"CONNECT",
                _ => b"HEAD",
            };
            parser.expect(method);
        }
        parser
    };
    check(make, *seed, input);
}
