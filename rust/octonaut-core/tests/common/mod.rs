//! Shared helpers for the HTTP tests: a recording sink that merges fragments,
//! drivers that feed input whole or split, and a message view of the events.
#![allow(dead_code)]

use octonaut_core::http::{
    HeadInfo, HeadersAction, HttpSink, Lenient, Limits, RequestParser, ResponseParser,
};
use octonaut_core::parse::{Flow, ParseError, Parser};

/// One event, with fragments of the same kind merged.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Ev {
    Begin,
    Method(Vec<u8>),
    Target(Vec<u8>),
    Status(u16),
    Reason(Vec<u8>),
    Version(u8, u8),
    Name(Vec<u8>),
    Value(Vec<u8>),
    HeaderDone,
    Head(HeadInfo),
    Body(Vec<u8>),
    ChunkHeader(u64),
    ChunkExt(Vec<u8>),
    ChunkDone,
    Trailers,
    Done,
}

/// Records every event; merges consecutive fragments of one kind.
#[derive(Default, Debug)]
pub struct Recorder {
    pub events: Vec<Ev>,
    /// Answer `skip_body` to every head.
    pub skip_body: bool,
}

impl Recorder {
    fn fragment(&mut self, make: fn(Vec<u8>) -> Ev, bytes: &[u8]) {
        let fresh = make(Vec::new());
        if let Some(last) = self.events.last_mut() {
            if std::mem::discriminant(last) == std::mem::discriminant(&fresh) {
                match last {
                    Ev::Method(v)
                    | Ev::Target(v)
                    | Ev::Reason(v)
                    | Ev::Name(v)
                    | Ev::Value(v)
                    | Ev::Body(v)
                    | Ev::ChunkExt(v) => {
                        v.extend_from_slice(bytes);
                        return;
                    }
                    _ => {}
                }
            }
        }
        self.events.push(make(bytes.to_vec()));
    }
}

impl HttpSink for Recorder {
    fn on_message_begin(&mut self) -> Flow {
        self.events.push(Ev::Begin);
        Flow::Continue
    }
    fn on_method(&mut self, f: &[u8]) {
        self.fragment(Ev::Method, f)
    }
    fn on_target(&mut self, f: &[u8]) {
        self.fragment(Ev::Target, f)
    }
    fn on_status(&mut self, code: u16) {
        self.events.push(Ev::Status(code))
    }
    fn on_reason(&mut self, f: &[u8]) {
        self.fragment(Ev::Reason, f)
    }
    fn on_version(&mut self, major: u8, minor: u8) {
        self.events.push(Ev::Version(major, minor))
    }
    fn on_header_name(&mut self, f: &[u8]) {
        self.fragment(Ev::Name, f)
    }
    fn on_header_value(&mut self, f: &[u8]) {
        self.fragment(Ev::Value, f)
    }
    fn on_header_complete(&mut self) {
        self.events.push(Ev::HeaderDone)
    }
    fn on_headers_complete(&mut self, info: &HeadInfo) -> HeadersAction {
        self.events.push(Ev::Head(*info));
        HeadersAction {
            skip_body: self.skip_body,
            pause: false,
        }
    }
    fn on_body(&mut self, f: &[u8]) {
        if !f.is_empty() {
            self.fragment(Ev::Body, f)
        }
    }
    fn on_chunk_header(&mut self, size: u64) {
        self.events.push(Ev::ChunkHeader(size))
    }
    fn on_chunk_extension(&mut self, f: &[u8]) {
        self.fragment(Ev::ChunkExt, f)
    }
    fn on_chunk_complete(&mut self) {
        self.events.push(Ev::ChunkDone)
    }
    fn on_trailers_begin(&mut self) {
        self.events.push(Ev::Trailers)
    }
    fn on_message_complete(&mut self) -> Flow {
        self.events.push(Ev::Done);
        Flow::Continue
    }
}

/// What a run produced: the events, how many bytes were consumed, and the
/// error (if any).
#[derive(Debug, PartialEq, Eq)]
pub struct Outcome {
    pub events: Vec<Ev>,
    pub consumed: usize,
    pub error: Option<ParseError>,
}

pub fn req_parser(lenient: Lenient) -> RequestParser {
    RequestParser::new(Limits::default(), lenient)
}

pub fn resp_parser(lenient: Lenient) -> ResponseParser {
    ResponseParser::new(Limits::default(), lenient)
}

/// Feeds `input` cut at `cuts` (sorted positions), then EOF when `eof`.
pub fn run_split<P: Parser<Recorder>>(
    parser: &mut P,
    input: &[u8],
    cuts: &[usize],
    eof: bool,
) -> Outcome {
    let mut sink = Recorder::default();
    let mut consumed = 0;
    let mut start = 0;
    let mut bounds: Vec<usize> = cuts.to_vec();
    bounds.push(input.len());
    for &cut in &bounds {
        if cut < start {
            continue;
        }
        let piece = &input[start..cut];
        match parser.parse(piece, &mut sink) {
            Ok(n) => {
                consumed += n;
                if n < piece.len() {
                    // Stopped (upgrade): the rest is not ours.
                    return Outcome {
                        events: sink.events,
                        consumed,
                        error: None,
                    };
                }
            }
            Err(e) => {
                // On error, report the error offset as the progress made.
                return Outcome {
                    events: sink.events,
                    consumed: e.offset as usize,
                    error: Some(e),
                };
            }
        }
        start = cut;
    }
    let error = if eof {
        parser.parse_eof(&mut sink).err()
    } else {
        None
    };
    Outcome {
        events: sink.events,
        consumed,
        error,
    }
}

pub fn run<P: Parser<Recorder>>(parser: &mut P, input: &[u8]) -> Outcome {
    run_split(parser, input, &[], false)
}

/// Parses `input` as requests in one feed.
pub fn req(input: &[u8]) -> Outcome {
    run(&mut req_parser(Lenient::STRICT), input)
}

pub fn req_lenient(input: &[u8], lenient: Lenient) -> Outcome {
    run(&mut req_parser(lenient), input)
}

/// Parses `input` as responses in one feed (no expectations) then EOF.
pub fn resp(input: &[u8]) -> Outcome {
    run_split(&mut resp_parser(Lenient::STRICT), input, &[], true)
}

/// A complete message assembled from events.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Msg {
    pub method: Vec<u8>,
    pub target: Vec<u8>,
    pub status: u16,
    pub reason: Vec<u8>,
    pub version: (u8, u8),
    pub headers: Vec<(Vec<u8>, Vec<u8>)>,
    pub head: Option<HeadInfo>,
    pub body: Vec<u8>,
    pub chunks: Vec<u64>,
    pub extensions: Vec<Vec<u8>>,
    pub trailers: Vec<(Vec<u8>, Vec<u8>)>,
    pub complete: bool,
}

/// Groups events into messages (the last may be incomplete).
pub fn messages(events: &[Ev]) -> Vec<Msg> {
    let mut out: Vec<Msg> = Vec::new();
    let mut in_trailers = false;
    for ev in events {
        if *ev == Ev::Begin {
            out.push(Msg::default());
            in_trailers = false;
            continue;
        }
        let m = out.last_mut().expect("event before message begin");
        match ev {
            Ev::Method(v) => m.method = v.clone(),
            Ev::Target(v) => m.target = v.clone(),
            Ev::Status(s) => m.status = *s,
            Ev::Reason(v) => m.reason = v.clone(),
            Ev::Version(a, b) => m.version = (*a, *b),
            Ev::Name(v) => {
                let list = if in_trailers {
                    &mut m.trailers
                } else {
                    &mut m.headers
                };
                list.push((v.clone(), Vec::new()));
            }
            Ev::Value(v) => {
                let list = if in_trailers {
                    &mut m.trailers
                } else {
                    &mut m.headers
                };
                list.last_mut().expect("value before name").1 = v.clone();
            }
            Ev::Head(h) => m.head = Some(*h),
            Ev::Body(v) => m.body.extend_from_slice(v),
            Ev::ChunkHeader(n) => m.chunks.push(*n),
            Ev::ChunkExt(v) => m.extensions.push(v.clone()),
            Ev::Trailers => in_trailers = true,
            Ev::Done => m.complete = true,
            Ev::HeaderDone | Ev::ChunkDone | Ev::Begin => {}
        }
    }
    out
}

/// The value of the first header called `name` (case-insensitive).
pub fn header<'a>(m: &'a Msg, name: &str) -> Option<&'a [u8]> {
    m.headers
        .iter()
        .find(|(n, _)| n.eq_ignore_ascii_case(name.as_bytes()))
        .map(|(_, v)| v.as_slice())
}
