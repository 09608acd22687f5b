//! The [`HttpSink`] events that assemble a message into the collector's
//! staging record.
//!
//! Strategy: each token event appends its fragment (`append`, in `run.rs`)
//! and stores the returned span of the whole token so far; a field becomes
//! a table entry on `on_header_complete`. The whole-token events a parser
//! reports inside its input (`on_request_line`, `on_header_line`,
//! `on_header_field`) take a fast path that turns input offsets into spans
//! with a few compares (the request line starts the message's run, a field
//! line continues it), and otherwise fall back to the fragment events, so
//! records are the same either way.
//! `on_message_complete` swaps the staged record into a free slab slot and
//! pauses the parser when the slab is full (backpressure).

use super::collector::{MessageCollector, Token};
use super::record::{grow_within, Field, Span, INITIAL_BODY};
use crate::http::sink::{Flow, HeadInfo, HeadersAction, HttpSink};
use crate::parse::ErrorKind;

impl HttpSink for MessageCollector {
    fn on_message_begin(&mut self) -> Flow {
        self.run_active = false;
        self.token = Token::None;
        self.in_trailers = false;
        self.field_limit = self.limits.max_headers;
        self.staging.clear();
        self.in_message = true;
        if self.slab.is_full() {
            // Every slot holds an undrained message: stop until one is released.
            return Flow::Pause;
        }
        Flow::Continue
    }

    fn on_method(&mut self, fragment: &[u8]) {
        if let Some(span) = self.append(Token::Method, fragment) {
            self.staging.method = span;
        }
    }

    fn on_target(&mut self, fragment: &[u8]) {
        if let Some(span) = self.append(Token::Target, fragment) {
            self.staging.target = span;
        }
    }

    /// Both tokens at once when they start the message's run in the
    /// current input (the usual case inside [`MessageCollector::parse`]);
    /// otherwise as two fragments. The records are the same either way.
    #[inline(always)]
    fn on_request_line(&mut self, method: &[u8], target: &[u8]) {
        let method_at = (method.as_ptr() as usize).wrapping_sub(self.input_addr);
        let target_at = (target.as_ptr() as usize).wrapping_sub(self.input_addr);
        let in_order = !self.run_active
            && self.error.is_none()
            && method_at <= target_at
            && method.len() <= target_at - method_at
            && target_at <= self.input_len
            && target.len() <= self.input_len - target_at;
        if in_order {
            // As `on_method` would: a run starts at the method...
            self.start_run(method_at);
            let target_end = target_at + target.len();
            if target_end <= self.run_limit {
                // ...and `on_target` continues it.
                let shift = self.run_shift;
                let method_start = method_at.wrapping_add(shift) as u32;
                self.staging.method = Span {
                    start: method_start,
                    end: method_start + method.len() as u32,
                };
                let target_start = target_at.wrapping_add(shift) as u32;
                self.staging.target = Span {
                    start: target_start,
                    end: target_end.wrapping_add(shift) as u32,
                };
                self.run_to = target_end;
                self.token = Token::Target;
                self.token_start = target_start;
                return;
            }
            self.run_active = false;
        }
        self.on_method(method);
        self.on_target(target);
    }

    fn on_status(&mut self, code: u16) {
        self.staging.status = code;
    }

    fn on_reason(&mut self, fragment: &[u8]) {
        if let Some(span) = self.append(Token::Reason, fragment) {
            self.staging.reason = span;
        }
    }

    fn on_version(&mut self, major: u8, minor: u8) {
        self.token = Token::None;
        self.staging.version = (major, minor);
    }

    #[inline(always)]
    fn on_header_name(&mut self, fragment: &[u8]) {
        if let Some(span) = self.append(Token::Name, fragment) {
            self.name = span;
            // An empty value may never be reported: it is empty after the name.
            self.value = Span {
                start: span.end,
                end: span.end,
            };
        }
    }

    #[inline(always)]
    fn on_header_value(&mut self, fragment: &[u8]) {
        if let Some(span) = self.append(Token::Value, fragment) {
            self.value = span;
        }
    }

    /// Both spans at once when the line continues the pending run (the
    /// usual case inside [`MessageCollector::parse`]); otherwise as a name
    /// and a value fragment. The records are the same either way.
    #[inline(always)]
    fn on_header_line(&mut self, name: &[u8], value: &[u8]) {
        let name_at = (name.as_ptr() as usize).wrapping_sub(self.input_addr);
        let value_at = (value.as_ptr() as usize).wrapping_sub(self.input_addr);
        let line_end = value_at.wrapping_add(value.len());
        let continues_run = self.error.is_none()
            && self.run_active
            && self.token != Token::Name
            && name_at >= self.run_to
            && value_at >= name_at.wrapping_add(name.len())
            && line_end <= self.input_len;
        if continues_run {
            // Area offsets of input offsets in the run (all >= run_from).
            let area_of = |at: usize| (self.run_area + (at - self.run_from)) as u32;
            let name_end = name_at + name.len();
            let name_span = Span {
                start: area_of(name_at),
                end: area_of(name_end),
            };
            let (run_to, value_span) = if value.is_empty() {
                let at_name_end = Span {
                    start: name_span.end,
                    end: name_span.end,
                };
                (name_end, at_name_end)
            } else {
                let span = Span {
                    start: area_of(value_at),
                    end: area_of(line_end),
                };
                (line_end, span)
            };
            if (value_span.end as usize) <= 2 * self.limits.max_head {
                self.run_to = run_to;
                (self.token, self.token_start) = if value.is_empty() {
                    (Token::Name, name_span.start)
                } else {
                    (Token::Value, value_span.start)
                };
                self.name = name_span;
                self.value = value_span;
                return;
            }
        }
        self.on_header_name(name);
        if !value.is_empty() {
            self.on_header_value(value);
        }
    }

    #[inline(always)]
    fn on_header_complete(&mut self) {
        self.token = Token::None;
        if self.error.is_some() {
            return;
        }
        let field = Field {
            name: self.name,
            value: self.value,
        };
        self.push_field(field);
    }

    /// A whole, complete line inside the pending run (the usual case inside
    /// [`MessageCollector::parse`]) becomes a field at once: its spans are
    /// input offsets shifted into the byte area, with none of the pending
    /// name/value bookkeeping. Anything else goes through
    /// [`HttpSink::on_header_line`] and [`HttpSink::on_header_complete`];
    /// the records are the same either way.
    #[inline(always)]
    fn on_header_field(&mut self, name: &[u8], value: &[u8]) {
        let name_at = (name.as_ptr() as usize).wrapping_sub(self.input_addr);
        let name_end = name_at.wrapping_add(name.len());
        let value_at = (value.as_ptr() as usize).wrapping_sub(self.input_addr);
        let line_end = value_at.wrapping_add(value.len());
        let count = self.staging.fields.len();
        // (`run_active` implies no error: `fail` ends the run.)
        let continues_run = self.run_active
            && self.token != Token::Name
            && name_at >= self.run_to
            && value_at >= name_end
            && line_end <= self.run_limit
            && count < self.field_limit
            && count < self.staging.fields.capacity();
        if continues_run {
            // Input offsets in the run map to area offsets by one shift.
            let shift = self.run_shift;
            let (run_to, value_from) = if value.is_empty() {
                (name_end, name_end)
            } else {
                (line_end, value_at)
            };
            let field = Field {
                name: Span {
                    start: name_at.wrapping_add(shift) as u32,
                    end: name_end.wrapping_add(shift) as u32,
                },
                value: Span {
                    start: value_from.wrapping_add(shift) as u32,
                    end: run_to.wrapping_add(shift) as u32,
                },
            };
            self.run_to = run_to;
            self.token = Token::None;
            let record = &mut self.staging;
            record.fields.push(field);
            if !self.in_trailers {
                record.header_count = count + 1;
            }
            return;
        }
        self.on_header_line(name, value);
        self.on_header_complete();
    }

    fn on_headers_complete(&mut self, info: &HeadInfo) -> HeadersAction {
        self.flush_run();
        self.token = Token::None;
        let max_body = self.limits.max_body as u64;
        if info.content_length.is_some_and(|n| n > max_body) {
            self.fail(ErrorKind::BodyTooLarge);
        }
        let record = &mut self.staging;
        record.info = *info;
        record.header_count = record.fields.len();
        if info.status != 0 {
            record.status = info.status;
        }
        record.version = (info.version_major, info.version_minor);
        HeadersAction {
            skip_body: false,
            pause: self.error.is_some(),
        }
    }

    fn on_body(&mut self, fragment: &[u8]) {
        if self.error.is_some() {
            return;
        }
        let max_body = self.limits.max_body;
        let body = &mut self.staging.body;
        if body.len() + fragment.len() > max_body {
            self.fail(ErrorKind::BodyTooLarge);
            return;
        }
        grow_within(body, fragment.len(), max_body, INITIAL_BODY);
        body.extend_from_slice(fragment);
    }

    fn on_trailers_begin(&mut self) {
        self.token = Token::None;
        self.in_trailers = true;
        self.field_limit = 2 * self.limits.max_headers;
    }

    fn on_message_complete(&mut self) -> Flow {
        self.flush_run();
        self.token = Token::None;
        self.in_trailers = false;
        self.in_message = false;
        if self.error.is_some() {
            return Flow::Pause;
        }
        let staging = &mut self.staging;
        match self.slab.insert_with(|slot| staging.move_into(slot)) {
            Some(key) => self.ready.push_back(key),
            None => {
                // The caller fed more input without draining a full collector.
                self.fail(ErrorKind::UnexpectedMessage);
                return Flow::Pause;
            }
        }
        if self.slab.is_full() {
            Flow::Pause
        } else {
            Flow::Continue
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::http::message::test_support::{limits, replay_request};

    #[test]
    fn assembles_fragments_into_spans() {
        let mut c = MessageCollector::new(limits(4));
        assert_eq!(replay_request(&mut c, b"hello"), Flow::Continue);
        let key = c.pop().unwrap();
        let r = c.record(key).unwrap();
        assert_eq!(r.method(), b"GET");
        assert_eq!(r.target(), b"/a%20b");
        assert_eq!(r.version(), (1, 1));
        assert_eq!(r.headers().len(), 2);
        assert_eq!(r.headers()[0].name.of(r.area()), b"Host");
        assert_eq!(r.headers()[0].value.of(r.area()), b"example.com");
        assert_eq!(r.headers()[1].name.of(r.area()), b"X-Empty");
        assert_eq!(r.headers()[1].value.of(r.area()), b"");
        assert_eq!(r.header(b"HOST"), Some(&b"example.com"[..]));
        assert_eq!(r.header(b"missing"), None);
        assert_eq!(r.body(), b"hello");
        assert!(r.info().keep_alive);
        assert!(r.trailers().is_empty());
        assert!(c.release(key));
        assert!(!c.release(key));
    }

    #[test]
    fn trailers_follow_headers() {
        let mut c = MessageCollector::new(limits(4));
        c.on_message_begin();
        c.on_method(b"POST");
        c.on_target(b"/");
        c.on_version(1, 1);
        c.on_header_name(b"Transfer-Encoding");
        c.on_header_value(b"chunked");
        c.on_header_complete();
        c.on_headers_complete(&HeadInfo {
            chunked: true,
            ..HeadInfo::default()
        });
        c.on_chunk_header(3);
        c.on_body(b"abc");
        c.on_chunk_complete();
        c.on_chunk_header(0);
        c.on_trailers_begin();
        c.on_header_name(b"Expires");
        c.on_header_value(b"never");
        c.on_header_complete();
        assert_eq!(c.on_message_complete(), Flow::Continue);
        let key = c.pop().unwrap();
        let r = c.record(key).unwrap();
        assert_eq!(r.headers().len(), 1);
        assert_eq!(r.trailers().len(), 1);
        assert_eq!(r.trailers()[0].name.of(r.area()), b"Expires");
        assert_eq!(r.trailers()[0].value.of(r.area()), b"never");
        assert_eq!(r.body(), b"abc");
    }

    #[test]
    fn response_fields() {
        let mut c = MessageCollector::new(limits(2));
        c.on_message_begin();
        c.on_status(404);
        c.on_reason(b"Not ");
        c.on_reason(b"Found");
        c.on_version(1, 0);
        c.on_headers_complete(&HeadInfo {
            version_major: 1,
            version_minor: 0,
            status: 404,
            ..HeadInfo::default()
        });
        c.on_message_complete();
        let key = c.pop().unwrap();
        let r = c.record(key).unwrap();
        assert_eq!(r.status(), 404);
        assert_eq!(r.reason(), b"Not Found");
        assert_eq!(r.version(), (1, 0));
        assert_eq!(r.method(), b"");
    }

    #[test]
    fn overflowing_areas_set_errors() {
        let mut c = MessageCollector::new(limits(2));
        c.on_message_begin();
        c.on_method(&[b'A'; 600]);
        assert_eq!(c.take_error(), Some(ErrorKind::HeadTooLarge));
        c.reset();

        c.on_message_begin();
        for _ in 0..5 {
            c.on_header_name(b"a");
            c.on_header_complete();
        }
        assert_eq!(c.take_error(), Some(ErrorKind::TooManyHeaders));
        c.reset();

        c.on_message_begin();
        let action = c.on_headers_complete(&HeadInfo {
            content_length: Some(65),
            ..HeadInfo::default()
        });
        assert!(action.pause);
        assert_eq!(c.take_error(), Some(ErrorKind::BodyTooLarge));
        c.reset();

        c.on_message_begin();
        c.on_headers_complete(&HeadInfo {
            chunked: true,
            ..HeadInfo::default()
        });
        c.on_body(&[0; 40]);
        c.on_body(&[0; 40]);
        assert_eq!(c.on_message_complete(), Flow::Pause);
        assert_eq!(c.take_error(), Some(ErrorKind::BodyTooLarge));
    }
}
