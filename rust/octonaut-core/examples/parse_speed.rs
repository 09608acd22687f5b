//! Quick timing of the 703-byte request through the parser, with a null sink
//! and with the message collector (a smoke check; criterion benches are the
//! reference).

use std::time::Instant;

use octonaut_core::http::message::{CollectorLimits, MessageCollector};
use octonaut_core::http::{HttpSink, Lenient, Limits, RequestParser};
use octonaut_core::parse::Parser;

const REQ: &[u8] = b"GET /wp-content/uploads/2010/03/hello-kitty-darth-vader-pink.jpg HTTP/1.1\r\n\
Host: www.kittyhell.com\r\n\
User-Agent: Mozilla/5.0 (Macintosh; U; Intel Mac OS X 10.6; ja-JP-mac; rv:1.9.2.3) Gecko/20100401 Firefox/3.6.3 Pathtraq/0.9\r\n\
Accept: text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8\r\n\
Accept-Language: ja,en-us;q=0.7,en;q=0.3\r\n\
Accept-Encoding: gzip,deflate\r\n\
Accept-Charset: Shift_JIS,utf-8;q=0.7,*;q=0.7\r\n\
Keep-Alive: 115\r\n\
Connection: keep-alive\r\n\
Cookie: wp_ozh_wsa_visits=2; wp_ozh_wsa_visit_lasttime=xxxxxxxxxx; __utma=xxxxxxxxx.xxxxxxxxxx.xxxxxxxxxx.xxxxxxxxxx.xxxxxxxxxx.x; __utmz=xxxxxxxxx.xxxxxxxxxx.x.x.utmccn=(referral)|utmcsr=reader.livedoor.com|utmcct=/reader/|utmcmd=referral\r\n\r\n";

struct Null;
impl HttpSink for Null {}

fn main() {
    assert_eq!(REQ.len(), 703);
    let n = 200_000;
    let mut parser = RequestParser::new(Limits::default(), Lenient::STRICT);
    let start = Instant::now();
    for _ in 0..n {
        let consumed = parser.parse(std::hint::black_box(REQ), &mut Null).unwrap();
        assert_eq!(consumed, REQ.len());
    }
    let null = start.elapsed().as_nanos() as f64 / n as f64;

    let mut collector = MessageCollector::new(CollectorLimits::default());
    let start = Instant::now();
    for _ in 0..n {
        parser
            .parse(std::hint::black_box(REQ), &mut collector)
            .unwrap();
        collector.drain(|r| {
            std::hint::black_box(r.method());
        });
    }
    let collected = start.elapsed().as_nanos() as f64 / n as f64;
    println!("null sink: {null:.0} ns/request; collector: {collected:.0} ns/request");
}
