//! Shared fixtures for the collector's unit tests.
//!
//! Strategy: small limits that the tests can overflow on purpose, and one
//! request replayed as a parser would report it across feeds (every token
//! in two fragments), so each file's tests drive the same events.

use super::collector::MessageCollector;
use super::record::CollectorLimits;
use crate::http::sink::{Flow, HeadInfo, HeadersAction, HttpSink};

pub(super) fn limits(pending: usize) -> CollectorLimits {
    CollectorLimits {
        max_head: 256,
        max_headers: 4,
        max_body: 64,
        max_pending: pending,
    }
}

/// Replays the events of `GET /a%20b HTTP/1.1` with two headers, splitting
/// every token into two fragments as a parser does across feeds.
pub(super) fn replay_request(c: &mut MessageCollector, body: &[u8]) -> Flow {
    assert_eq!(c.on_message_begin(), Flow::Continue);
    c.on_method(b"G");
    c.on_method(b"ET");
    c.on_target(b"/a%2");
    c.on_target(b"0b");
    c.on_version(1, 1);
    c.on_header_name(b"Ho");
    c.on_header_name(b"st");
    c.on_header_value(b"exa");
    c.on_header_value(b"mple.com");
    c.on_header_complete();
    c.on_header_name(b"X-Empty");
    c.on_header_complete();
    let info = HeadInfo {
        version_major: 1,
        version_minor: 1,
        keep_alive: true,
        content_length: Some(body.len() as u64),
        ..HeadInfo::default()
    };
    assert_eq!(c.on_headers_complete(&info), HeadersAction::default());
    if !body.is_empty() {
        c.on_body(&body[..1]);
        c.on_body(&body[1..]);
    }
    c.on_message_complete()
}
