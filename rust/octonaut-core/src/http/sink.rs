//! The events an HTTP parser reports, named for the protocol (RFC 9112).

pub use crate::parse::Flow;

/// What the parser knows once the head is complete, handed to
/// [`HttpSink::on_headers_complete`].
#[derive(Clone, Copy, Debug, PartialEq, Eq, Default)]
pub struct HeadInfo {
    /// HTTP major version (1).
    pub version_major: u8,
    /// HTTP minor version (0 or 1).
    pub version_minor: u8,
    /// Response status code, 0 for requests.
    pub status: u16,
    /// Whether the connection stays open after this message (RFC 9112 §9.3).
    pub keep_alive: bool,
    /// Whether the body is chunked.
    pub chunked: bool,
    /// The Content-Length, if one was given (and no Transfer-Encoding).
    pub content_length: Option<u64>,
    /// An Upgrade (with `Connection: upgrade`), or a CONNECT request or a 2xx
    /// response to CONNECT: the parser stops after this head and the rest of
    /// the input is not HTTP.
    pub upgrade: bool,
    /// The body runs until the connection closes (responses only).
    pub body_until_eof: bool,
}

/// Receives the events of an HTTP/1.x parser.
///
/// Slices point into the input of the current `parse` call. Any token may
/// arrive as several fragments when it is split across feeds: concatenate
/// the fragments of one callback kind until the next different event. Every
/// method has a default that ignores the event, so a sink implements only
/// what it needs.
#[allow(unused_variables)]
pub trait HttpSink {
    /// A new message starts (its first byte has been seen).
    fn on_message_begin(&mut self) -> Flow {
        Flow::Continue
    }
    /// A fragment of the request method.
    fn on_method(&mut self, fragment: &[u8]) {}
    /// A fragment of the request-target.
    fn on_target(&mut self, fragment: &[u8]) {}
    /// A request line's whole method and target, seen in one input:
    /// exactly [`HttpSink::on_method`] then [`HttpSink::on_target`], which is
    /// the default. Parsers use it for request lines they see whole, so a
    /// sink can take both at once.
    #[inline(always)]
    fn on_request_line(&mut self, method: &[u8], target: &[u8]) {
        self.on_method(method);
        self.on_target(target);
    }
    /// The status code of a response.
    fn on_status(&mut self, code: u16) {}
    /// A fragment of the reason phrase of a response.
    fn on_reason(&mut self, fragment: &[u8]) {}
    /// The HTTP version: in a request once the start line is complete, in a
    /// response just before [`HttpSink::on_status`].
    fn on_version(&mut self, major: u8, minor: u8) {}
    /// A fragment of a header field name (also used for trailer fields).
    fn on_header_name(&mut self, fragment: &[u8]) {}
    /// A fragment of a header field value, without surrounding whitespace
    /// (also used for trailer fields).
    fn on_header_value(&mut self, fragment: &[u8]) {}
    /// A whole field line's name and value (without surrounding
    /// whitespace; may be empty), both in the current input, the value after
    /// the name. The field is not complete yet (an obs-fold may continue
    /// it); [`HttpSink::on_header_complete`] follows. Parsers use it for
    /// lines they see whole, so a sink can take both spans at once; the
    /// default reports them as [`HttpSink::on_header_name`] and (when the
    /// value is not empty) [`HttpSink::on_header_value`].
    #[inline(always)]
    fn on_header_line(&mut self, name: &[u8], value: &[u8]) {
        self.on_header_name(name);
        if !value.is_empty() {
            self.on_header_value(value);
        }
    }
    /// One header (or trailer) field is complete.
    fn on_header_complete(&mut self) {}
    /// A whole field line that is also known to be complete (the next
    /// line's first byte was seen and cannot fold it): exactly
    /// [`HttpSink::on_header_line`] then [`HttpSink::on_header_complete`],
    /// which is the default. Parsers use it for lines they see whole with
    /// the next line's first byte, so a sink can store the finished field
    /// at once instead of holding it until completion.
    #[inline(always)]
    fn on_header_field(&mut self, name: &[u8], value: &[u8]) {
        self.on_header_line(name, value);
        self.on_header_complete();
    }
    /// The head is complete. Returning `skip_body = true` says this message
    /// has no body whatever its headers say (a response to HEAD, as the
    /// caller knows; httptools issue #47).
    fn on_headers_complete(&mut self, info: &HeadInfo) -> HeadersAction {
        HeadersAction::default()
    }
    /// A fragment of the (de-chunked) body.
    fn on_body(&mut self, fragment: &[u8]) {}
    /// A chunk-size line was parsed; `size` is the chunk's length (0 for the
    /// last chunk).
    fn on_chunk_header(&mut self, size: u64) {}
    /// A fragment of a chunk extension (everything after the size, before CRLF).
    fn on_chunk_extension(&mut self, fragment: &[u8]) {}
    /// A chunk's data and its CRLF are complete.
    fn on_chunk_complete(&mut self) {}
    /// The last chunk was seen; trailer fields (if any) follow as header events.
    fn on_trailers_begin(&mut self) {}
    /// The message is complete.
    fn on_message_complete(&mut self) -> Flow {
        Flow::Continue
    }
}

/// The sink's answer to [`HttpSink::on_headers_complete`].
#[derive(Clone, Copy, Debug, PartialEq, Eq, Default)]
pub struct HeadersAction {
    /// Treat the message as having no body.
    pub skip_body: bool,
    /// Pause after this event (see [`Flow::Pause`]).
    pub pause: bool,
}
