//! What the P3 criterion bench (`benches/http.rs`) and the callgrind
//! example (`examples/p3.rs`) share: the request and a span-recording sink.

use octonaut_core::http::{HeadInfo, HeadersAction, HttpSink};
use octonaut_core::parse::Flow;

/// picohttpparser's bench.c request, byte for byte (703 bytes).
pub const REQ: &[u8] = b"\
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

#[derive(Clone, Copy, Default)]
pub struct Span {
    pub start: usize,
    pub len: usize,
}

/// Records where method, target, and each header name and value are, as
/// httparse's `Request` does (16 header slots, spans as pointer + length).
#[derive(Default)]
pub struct SpanSink {
    pub method: Span,
    pub target: Span,
    pub names: [Span; 16],
    pub values: [Span; 16],
    pub fields: usize,
    pub done: bool,
}

fn span(bytes: &[u8]) -> Span {
    Span {
        start: bytes.as_ptr() as usize,
        len: bytes.len(),
    }
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
