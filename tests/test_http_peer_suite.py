"""Peer conformance: cases ported from llhttp's markdown suite
(nodejs/llhttp `test/request/*.md`, `test/response/*.md`) and from h11's tests
(python-hyper/h11 `h11/tests/test_io.py`, `test_connection.py`), written here
as data. Only the inputs are taken from the peers; the expected outcomes are
decided by RFC 9112 / RFC 9110, and where octonaut deliberately differs from
llhttp (httptools runs llhttp in its default, loose mode) the case says so and
the difference is checked live against httptools.

Each case runs through:
- the message API (`RequestParser` / `ResponseParser`): the parsed fields, or
  the rejection code and the offending bytes at the error offset;
- the same input one byte at a time (split invariance);
- the httptools-compatible callback API: the same callback sequence as
  httptools when both accept, the same error class family when both reject.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import httptools
import octonaut
import octonaut.http as oh
import pytest
from hypothesis import given
from hypothesis import strategies as st
from test_http_callbacks import record

# How httptools (llhttp, loose mode) treats a case compared to octonaut.
SAME = "same"  # same outcome (accepted with the same callbacks, or rejected)
PEER_ACCEPTS = "peer_accepts"  # octonaut rejects, llhttp accepts: we are stricter
PEER_REJECTS = "peer_rejects"  # octonaut accepts, llhttp rejects
PEER_DIFFERS = "peer_differs"  # both accept, with different framing or flags


@dataclass(frozen=True)
class Case:
    name: str
    data: bytes
    # Either a list of expected messages (dicts of the fields to check) or a
    # rejection: ("code", b"bytes at the error offset", messages before it).
    messages: list[dict] | None = None
    error: tuple[str, bytes, int] | None = None
    unparsed: bytes | None = None  # bytes left after an Upgrade/CONNECT
    eof: bool = False  # responses: the last message ends at EOF (feed_eof)
    expect: tuple[bytes, ...] = ()  # responses: the request methods, in order
    lenient: tuple[str, ...] = ()
    peer: str = SAME
    why: str = ""  # the RFC reason where octonaut and the peer differ
    tags: tuple[str, ...] = field(default=())


def ok(name: str, data: bytes, *messages: dict, **kw) -> Case:
    return Case(name, data, messages=list(messages), **kw)


def rejected(name: str, data: bytes, code: str, at: bytes, before: int = 0, **kw) -> Case:
    return Case(name, data, error=(code, at, before), **kw)


def req(method: bytes, target: bytes, version: str = "1.1", **fields) -> dict:
    return {"method": method, "target": target, "version": version, **fields}


def res(status: int, reason: bytes, version: str = "1.1", **fields) -> dict:
    return {"status": status, "reason": reason, "version": version, **fields}


TRAILING_OWS = (
    "RFC 9110 §5.5: a field value excludes trailing whitespace, so octonaut strips it; "
    "httptools passes it to on_header"
)
UPGRADE_BODY = (
    "the content belongs to the request before the switch (RFC 9110 §7.8, RFC 7540 §3.2); "
    "llhttp's own suite agrees, httptools skips the body of an upgrade request"
)
ONLY_HTTP1 = "RFC 9112 §2.3: this parser speaks HTTP/1.x (a server answers 505)"

# --------------------------------------------------------------------------
# Requests
# --------------------------------------------------------------------------

REQUESTS = [
    # ---- llhttp test/request/sample.md ----
    ok(
        "sample_simple_options",
        b"OPTIONS /url HTTP/1.1\r\nHeader1: Value1\r\nHeader2:\t Value2\r\n\r\n",
        req(b"OPTIONS", b"/url", headers=[(b"Header1", b"Value1"), (b"Header2", b"Value2")]),
    ),
    ok("sample_head", b"HEAD /url HTTP/1.1\r\n\r\n", req(b"HEAD", b"/url", headers=[])),
    ok(
        "sample_curl_get",
        b"GET /test HTTP/1.1\r\nUser-Agent: curl/7.18.0 (i486-pc-linux-gnu) libcurl/7.18.0"
        b" OpenSSL/0.9.8g zlib/1.2.3.3 libidn/1.1\r\nHost: 0.0.0.0=5000\r\nAccept: */*\r\n\r\n",
        req(b"GET", b"/test", keep_alive=True),
    ),
    ok(
        "sample_firefox_get",
        b"GET /favicon.ico HTTP/1.1\r\nHost: 0.0.0.0=5000\r\n"
        b"User-Agent: Mozilla/5.0 (X11; U; Linux i686; en-US; "
        b"rv:1.9) Gecko/2008061015 Firefox/3.0\r\n"
        b"Accept: text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8\r\n"
        b"Accept-Language: en-us,en;q=0.5\r\nAccept-Encoding: gzip,deflate\r\n"
        b"Accept-Charset: ISO-8859-1,utf-8;q=0.7,*;q=0.7\r\nKeep-Alive: 300\r\n"
        b"Connection: keep-alive\r\n\r\n",
        req(b"GET", b"/favicon.ico", keep_alive=True),
    ),
    ok(
        "sample_dumbpack",
        b"GET /dumbpack HTTP/1.1\r\naaaaaaaaaaaaa:++++++++++\r\n\r\n",
        req(b"GET", b"/dumbpack", headers=[(b"aaaaaaaaaaaaa", b"++++++++++")]),
    ),
    ok(
        "sample_apachebench_http10",
        b"GET /test HTTP/1.0\r\nHost: 0.0.0.0:5000\r\nUser-Agent: ApacheBench/2.3\r\n"
        b"Accept: */*\r\n\r\n",
        req(b"GET", b"/test", "1.0", keep_alive=False, body=b""),
    ),
    ok(
        "sample_prefix_newline",
        b"\r\nGET /test HTTP/1.1\r\n\r\n",
        req(b"GET", b"/test"),
    ),
    rejected(
        "sample_no_http_version_http09",
        b"GET /\r\n\r\n",
        "invalid_start_line",
        b"\r\n",
        peer=PEER_ACCEPTS,
        why="RFC 9112 §3: request-line = method SP request-target SP HTTP-version; "
        "HTTP/0.9 simple requests are not HTTP/1.1",
    ),
    rejected(
        "sample_line_folding_crlf",
        b"GET / HTTP/1.1\r\nLine1:   abc\r\n\tdef\r\n ghi\r\n\r\n",
        "obs_fold",
        b"\tdef",
        why="RFC 9112 §5.2: a server MUST reject obs-fold or replace it (lenient obs_fold)",
    ),
    ok(
        "sample_line_folding_lenient",
        b"GET / HTTP/1.1\r\nLine1:   abc\r\n\tdef\r\n ghi\r\nLine2: \t line2\t\r\n\r\n",
        req(b"GET", b"/", headers=[(b"Line1", b"abc def ghi"), (b"Line2", b"line2")]),
        lenient=("obs_fold",),
        peer=PEER_DIFFERS,
        why="llhttp reports the folded pieces raw; RFC 9112 §5.2 replaces each fold with SP",
    ),
    rejected(
        "sample_line_folding_lf",
        b"GET / HTTP/1.1\nLine1:   abc\n\tdef\n\n",
        "bare_lf",
        b"\nLine1",
    ),
    ok(
        "sample_request_starting_with_crlf",
        b"\r\nGET /url HTTP/1.1\r\nHeader1: Value1\r\n\r\n",
        req(b"GET", b"/url", headers=[(b"Header1", b"Value1")]),
    ),
    ok(
        "sample_extended_characters_obs_text",
        b"GET / HTTP/1.1\r\nTest: D\xc3\xbcsseldorf\r\n\r\n",
        req(b"GET", b"/", headers=[(b"Test", b"D\xc3\xbcsseldorf")]),
    ),
    ok(
        "sample_255_in_header_value",
        b"OPTIONS /url HTTP/1.1\r\nHeader1: Value1\r\nHeader2: \xffValue2\r\n\r\n",
        req(b"OPTIONS", b"/url", headers=[(b"Header1", b"Value1"), (b"Header2", b"\xffValue2")]),
    ),
    # ---- llhttp test/request/method.md ----
    ok("method_report", b"REPORT /test HTTP/1.1\r\n\r\n", req(b"REPORT", b"/test")),
    ok(
        "method_connect_http10_with_data",
        b"CONNECT 0-home0.netscape.com:443 HTTP/1.0\r\nUser-agent: Mozilla/1.1N\r\n"
        b"Proxy-authorization: basic aGVsbG86d29ybGQ=\r\n\r\nsome data\r\nand yet even more data",
        req(b"CONNECT", b"0-home0.netscape.com:443", "1.0", upgrade=True),
        unparsed=b"some data\r\nand yet even more data",
    ),
    ok(
        "method_connect_caps",
        b"CONNECT HOME0.NETSCAPE.COM:443 HTTP/1.0\r\nUser-agent: Mozilla/1.1N\r\n\r\n",
        req(b"CONNECT", b"HOME0.NETSCAPE.COM:443", "1.0", upgrade=True),
        unparsed=b"",
    ),
    ok(
        "method_connect_with_content_length",
        b'CONNECT foo.bar.com:443 HTTP/1.0\r\nContent-Length: 10\r\n\r\nblarfcicle"',
        req(b"CONNECT", b"foo.bar.com:443", "1.0", upgrade=True, body=b""),
        unparsed=b'blarfcicle"',
        why="RFC 9110 §9.3.6: a CONNECT request has no content; the rest is the tunnel",
    ),
    rejected(
        "method_m_search_asterisk",
        b'M-SEARCH * HTTP/1.1\r\nHOST: 239.255.255.250:1900\r\nMAN: "ssdp:discover"\r\n'
        b'ST: "ssdp:all"\r\n\r\n',
        "invalid_target",
        b"* HTTP/1.1",
        peer=PEER_ACCEPTS,
        why="RFC 9112 §3.2.4: the asterisk-form is only used for a server-wide OPTIONS "
        "(SSDP's M-SEARCH is HTTPU over UDP, not HTTP/1.1)",
    ),
    rejected(
        "method_connect_origin_form",  # the counterpart of llhttp's CONNECT cases
        b"CONNECT /path HTTP/1.1\r\nHost: a\r\n\r\n",
        "invalid_target",
        b"/path",
        peer=PEER_ACCEPTS,
        why="RFC 9112 §3.2.3: a CONNECT request-target is the authority-form",
    ),
    ok(
        "method_patch_with_body",
        b"PATCH /file.txt HTTP/1.1\r\nHost: www.example.com\r\n"
        b"Content-Type: application/example\r\n"
        b'If-Match: "e0023aa4e"\r\nContent-Length: 10\r\n\r\ncccccccccc',
        req(b"PATCH", b"/file.txt", body=b"cccccccccc", content_length=10),
    ),
    ok(
        "method_purge",
        b"PURGE /file.txt HTTP/1.1\r\nHost: www.example.com\r\n\r\n",
        req(b"PURGE", b"/file.txt"),
    ),
    ok(
        "method_search", b"SEARCH / HTTP/1.1\r\nHost: www.example.com\r\n\r\n", req(b"SEARCH", b"/")
    ),
    ok(
        "method_link_repeated_header",
        b"LINK /images/my_dog.jpg HTTP/1.1\r\nHost: example.com\r\n"
        b'Link: <http://example.com/profiles/joe>; rel="tag"\r\n'
        b'Link: <http://example.com/profiles/sally>; rel="tag"\r\n\r\n',
        req(
            b"LINK",
            b"/images/my_dog.jpg",
            getall=(
                b"link",
                [
                    b'<http://example.com/profiles/joe>; rel="tag"',
                    b'<http://example.com/profiles/sally>; rel="tag"',
                ],
            ),
        ),
    ),
    ok(
        "method_unlink",
        b"UNLINK /images/my_dog.jpg HTTP/1.1\r\nHost: example.com\r\n\r\n",
        req(b"UNLINK", b"/images/my_dog.jpg"),
    ),
    ok(
        "method_source",
        b"SOURCE /music/sweet/music HTTP/1.1\r\nHost: example.com\r\n\r\n",
        req(b"SOURCE", b"/music/sweet/music"),
    ),
    # ---- llhttp test/request/invalid.md ----
    rejected(
        "invalid_ice_protocol",
        b"GET /music/sweet/music ICE/1.0\r\nHost: example.com\r\n\r\n",
        "invalid_version",
        b"ICE/1.0",
    ),
    rejected(
        "invalid_ihttp_protocol",
        b"GET /music/sweet/music IHTTP/1.0\r\n\r\n",
        "invalid_version",
        b"IHTTP",
    ),
    rejected(
        "invalid_rtsp_protocol",
        b"PUT /music/sweet/music RTSP/1.0\r\n\r\n",
        "invalid_version",
        b"RTSP",
    ),
    ok(
        "invalid_announce_method_is_a_token",
        b"ANNOUNCE /music/sweet/music HTTP/1.0\r\nHost: example.com\r\n\r\n",
        req(b"ANNOUNCE", b"/music/sweet/music", "1.0"),
        peer=PEER_REJECTS,
        why="RFC 9110 §9.1: method = token; an unknown method is the application's "
        "501, not a parse error (llhttp only knows its fixed method list)",
    ),
    ok(
        "invalid_mkcola_method_is_a_token",
        b"MKCOLA / HTTP/1.1\r\n\r\n",
        req(b"MKCOLA", b"/"),
        peer=PEER_REJECTS,
        why="RFC 9110 §9.1: method = token",
    ),
    rejected(
        "invalid_headers_separated_by_cr",
        b"GET / HTTP/1.1\r\nFoo: 1\rBar: 2\r\n\r\n",
        "bare_cr",
        b"\rBar",
    ),
    rejected(
        "invalid_headers_separated_by_lf",
        b"POST / HTTP/1.1\r\nHost: localhost:5000\r\nx:x\nTransfer-Encoding: chunked\r\n\r\n1\r\n"
        b"A\r\n0\r\n\r\n",
        "bare_lf",
        b"\nTransfer",
    ),
    rejected(
        "invalid_headers_separated_by_dummy",
        b"GET / HTTP/1.1\r\nConnection: close\r\nHost: a\r\n\rZGET /evil: HTTP/1.1\r\nHost: a\r\n"
        b"\r\n",
        "bare_cr",
        b"\rZGET",
    ),
    rejected(
        "invalid_empty_header_separated_by_cr",
        b"POST / HTTP/1.1\r\nConnection: Close\r\nHost: localhost:5000\r\n"
        b"x:\rTransfer-Encoding: chunked\r\n\r\n",
        "bare_cr",
        b"\rTransfer",
    ),
    rejected(
        "invalid_empty_header_separated_by_lf",
        b"POST / HTTP/1.1\r\nHost: localhost:5000\r\nx:\nTransfer-Encoding: chunked\r\n\r\n",
        "bare_lf",
        b"\nTransfer",
    ),
    rejected(
        "invalid_header_token_at",
        b"GET / HTTP/1.1\r\nFo@: Failure\r\n\r\n",
        "invalid_header_name",
        b"@:",
    ),
    rejected(
        "invalid_header_token_ctl",
        b"GET / HTTP/1.1\r\nFoo\x01test: Bar\r\n\r\n",
        "invalid_header_name",
        b"\x01test",
    ),
    rejected(
        "invalid_header_token_empty",
        b"GET / HTTP/1.1\r\n: Bar\r\n\r\n",
        "invalid_header_name",
        b": Bar",
    ),
    rejected(
        "invalid_header_name_line_folding",
        b"GET / HTTP/1.1\r\nname\r\n : value\r\n\r\n",
        "invalid_header_name",
        b"\r\n : value",
    ),
    rejected(
        "invalid_corrupted_connection_header",
        b"GET / HTTP/1.1\r\nHost: www.example.com\r\nConnection\r\x1b\x35\xd5eep-Alive\r\n"
        b"Accept-Encoding: gzip\r\n\r\n",
        "invalid_header_name",
        b"\r\x1b",
    ),
    rejected(
        "invalid_missing_cr_between_headers",
        b"GET / HTTP/1.1\r\nHost: localhost\r\nDummy: x\nContent-Length: 23\r\n\r\n"
        b"GET / HTTP/1.1\r\nDummy: GET /admin HTTP/1.1\r\nHost: localhost\r\n\r\n",
        "bare_lf",
        b"\nContent-Length",
    ),
    rejected("invalid_http_version_5_6", b"GET / HTTP/5.6\r\n\r\n", "invalid_version", b"5.6"),
    rejected(
        "invalid_space_after_start_line",
        b"GET / HTTP/1.1\r\n Host: foo\r\n\r\n",
        "leading_whitespace",
        b" Host",
    ),
    rejected(
        "invalid_only_lfs",
        b"POST / HTTP/1.1\nTransfer-Encoding: chunked\nTrailer: Baz\nFoo: abc\nBar: def\n\n"
        b"1\nA\n1;abc\nB\n0\n\nBaz: ghi\n\n",
        "bare_lf",
        b"\nTransfer",
    ),
    ok(
        "invalid_only_lfs_lenient",
        b"POST / HTTP/1.1\nTransfer-Encoding: chunked\nTrailer: Baz\nFoo: abc\nBar: def\n\n"
        b'1\nA\n1;abc\nB\n1;def=ghi\nC\n1;jkl="mno"\nD\n0\nBaz: ghi\n\n',  # no LF before Baz
        req(b"POST", b"/", body=b"ABCD", chunked=True, trailers=[(b"Baz", b"ghi")]),
        lenient=("bare_lf",),
        peer=PEER_REJECTS,
        why="the bare_lf leniency is llhttp's lenient_optional_cr_before_lf, off in httptools",
    ),
    rejected(
        "invalid_spaces_before_headers",
        b"POST /hello HTTP/1.1\r\nHost: localhost\r\nFoo: bar\r\n Content-Length: 38\r\n\r\n"
        b"GET /bye HTTP/1.1\r\nHost: localhost\r\n\r\n",
        "obs_fold",
        b" Content-Length",
    ),
    # ---- llhttp test/request/uri.md ----
    ok(
        "uri_quotes_and_backslash",
        b'GET /with_"lovely"_quotes?foo=\\"bar\\" HTTP/1.1\r\n\r\n',
        req(b"GET", b'/with_"lovely"_quotes?foo=\\"bar\\"'),
        why="any VCHAR is taken, as llhttp and h11 do; RFC 3986 checks are the application's",
    ),
    ok(
        "uri_vertical_bar",
        b"GET /test.cgi?query=| HTTP/1.1\r\n\r\n",
        req(b"GET", b"/test.cgi?query=|"),
    ),
    ok(
        "uri_absolute_form_host_not_validated",  # a mutation of llhttp's uri.md cases
        b"GET http://hypno\\toad.org:1234 HTTP/1.1\r\n\r\n",
        req(b"GET", b"http://hypno\\toad.org:1234"),
        peer=PEER_REJECTS,
        why="outside CONNECT a target is any VCHAR (as h11); llhttp checks absolute-form "
        "hosts, octonaut leaves URI parsing to the application",
    ),
    ok(
        "uri_fragment",
        b"GET /forums/1/topics/2375?page=1#posts-17408 HTTP/1.1\r\n\r\n",
        req(b"GET", b"/forums/1/topics/2375?page=1#posts-17408"),
    ),
    ok(
        "uri_query_with_question_mark",
        b"GET /test.cgi?foo=bar?baz HTTP/1.1\r\n\r\n",
        req(b"GET", b"/test.cgi?foo=bar?baz"),
    ),
    ok(
        "uri_absolute_host_then_query",
        b"GET http://hypnotoad.org?hail=all HTTP/1.1\r\n\r\n",
        req(b"GET", b"http://hypnotoad.org?hail=all"),
    ),
    ok(
        "uri_absolute_host_port_query",
        b"GET http://hypnotoad.org:1234?hail=all HTTP/1.1\r\n\r\n",
        req(b"GET", b"http://hypnotoad.org:1234?hail=all"),
    ),
    ok(
        "uri_absolute_host_port",
        b"GET http://hypnotoad.org:1234 HTTP/1.1\r\n\r\n",
        req(b"GET", b"http://hypnotoad.org:1234"),
    ),
    ok(
        "uri_absolute_userinfo",
        b"GET http://a%12:b!&*$@hypnotoad.org:1234/toto HTTP/1.1\r\n\r\n",
        req(b"GET", b"http://a%12:b!&*$@hypnotoad.org:1234/toto"),
    ),
    rejected(
        "uri_utf8_path",
        b"GET /\xce\xb4\xc2\xb6/\xce\xb4t/pope?q=1#narf HTTP/1.1\r\nHost: github.com\r\n\r\n",
        "invalid_target",
        b"\xce\xb4",
        why="RFC 9112 §3.2 / RFC 3986: a target is ASCII; llhttp (httptools too) rejects it",
    ),
    ok(
        "uri_connect_underscore_host",
        b"CONNECT home_0.netscape.com:443 HTTP/1.0\r\nUser-agent: Mozilla/1.1N\r\n"
        b"Proxy-authorization: basic aGVsbG86d29ybGQ=\r\n\r\n",
        req(b"CONNECT", b"home_0.netscape.com:443", "1.0", upgrade=True),
        unparsed=b"",
    ),
    ok(
        "uri_connect_ipv6",
        b"CONNECT [2001:db8::1]:443 HTTP/1.1\r\nHost: [2001:db8::1]:443\r\n\r\n",
        req(b"CONNECT", b"[2001:db8::1]:443", upgrade=True),
        unparsed=b"",
    ),
    rejected(
        "uri_connect_without_port",
        b"CONNECT example.com HTTP/1.1\r\n\r\n",
        "invalid_target",
        b" HTTP/1.1",
        peer=PEER_ACCEPTS,
        why='RFC 9112 §3.2.3: authority-form = uri-host ":" port',
    ),
    rejected(
        "uri_connect_non_numeric_port",
        b"CONNECT example.com:https HTTP/1.1\r\n\r\n",
        "invalid_target",
        b" HTTP/1.1",
        peer=PEER_ACCEPTS,
        why="RFC 9112 §3.2.3: port = *DIGIT",
    ),
    rejected(
        "uri_connect_quote_in_host",  # a mutation of llhttp's CONNECT cases
        b'CONNECT 0-home0.netscape."com:443 HTTP/1.0\r\n\r\n',
        "invalid_target",
        b'"com',
        why="RFC 3986 §3.2.2: '\"' is no host character",
    ),
    rejected(
        "uri_connect_userinfo",
        b"CONNECT user@example.com:443 HTTP/1.1\r\n\r\n",
        "invalid_target",
        b"@example",
        peer=PEER_ACCEPTS,
        why="RFC 9112 §3.2.3: the authority-form has no userinfo",
    ),
    rejected("uri_space_in_target", b"GET /foo bar/ HTTP/1.1\r\n\r\n", "invalid_version", b"bar/"),
    # ---- llhttp test/request/connection.md ----
    ok(
        "conn_keep_alive_flag",
        b"PUT /url HTTP/1.1\r\nConnection: keep-alive\r\n\r\n",
        req(b"PUT", b"/url", keep_alive=True),
    ),
    ok(
        "conn_keep_alive_restart",
        b"PUT /url HTTP/1.1\r\nConnection: keep-alive\r\n\r\nPUT /url HTTP/1.1\r\n"
        b"Connection: keep-alive\r\n\r\n",
        req(b"PUT", b"/url", keep_alive=True),
        req(b"PUT", b"/url", keep_alive=True),
    ),
    rejected(
        "conn_http10_no_restart_strict",
        b"PUT /url HTTP/1.0\r\n\r\nPUT /url HTTP/1.1\r\n\r\n",
        "data_after_close",
        b"PUT /url HTTP/1.1",
        before=1,
        why="RFC 9112 §9.3: HTTP/1.0 without keep-alive closes after the response",
    ),
    ok(
        "conn_http10_restart_lenient",
        b"PUT /url HTTP/1.0\r\nContent-Length: 0\r\n\r\nPUT /url HTTP/1.1\r\nContent-Length: 0\r\n"
        b"\r\n",
        req(b"PUT", b"/url", "1.0", keep_alive=False),
        req(b"PUT", b"/url", keep_alive=True),
        lenient=("data_after_close",),
    ),
    ok(
        "conn_crlf_between_requests_keep_alive",
        b"POST / HTTP/1.1\r\nHost: www.example.com\r\n"
        b"Content-Type: application/x-www-form-urlencoded\r\n"
        b"Content-Length: 4\r\n\r\nq=42\r\n\r\nGET / HTTP/1.1\r\n\r\n",
        req(b"POST", b"/", body=b"q=42"),
        req(b"GET", b"/"),
    ),
    ok(
        "conn_close_flag",
        b"PUT /url HTTP/1.1\r\nConnection: close\r\n\r\n",
        req(b"PUT", b"/url", keep_alive=False),
    ),
    rejected(
        "conn_close_then_crlf_and_request",
        b"POST / HTTP/1.1\r\nHost: www.example.com\r\nContent-Length: 4\r\nConnection: close\r\n"
        b"\r\n"
        b"q=42\r\n\r\nGET / HTTP/1.1\r\n\r\n",
        "data_after_close",
        b"GET / HTTP/1.1",
        before=1,
        why="RFC 9112 §9.6: nothing follows a close",
    ),
    ok(
        "conn_multiple_tokens_close_wins",
        b"PUT /url HTTP/1.1\r\nConnection: close, token, upgrade, token, keep-alive\r\n\r\n",
        req(b"PUT", b"/url", keep_alive=False, upgrade=False),
    ),
    rejected(
        "conn_multiple_tokens_with_folding",
        b"GET /demo HTTP/1.1\r\nHost: example.com\r\nConnection: Something,\r\n Upgrade, "
        b",Keep-Alive\r\n"
        b"Upgrade: WebSocket\r\n\r\nHot diggity dogg",
        "obs_fold",
        b" Upgrade, ,",
        why="RFC 9112 §5.2 (obs-fold)",
    ),
    ok(
        "conn_keep_alive_and_upgrade_tokens",
        b"GET /demo HTTP/1.1\r\nConnection: keep-alive, upgrade\r\nUpgrade: WebSocket\r\n\r\n"
        b"Hot diggity dogg",
        req(b"GET", b"/demo", upgrade=True, keep_alive=True),
        unparsed=b"Hot diggity dogg",
    ),
    ok(
        "conn_upgrade_flag_and_pause",
        b"PUT /url HTTP/1.1\r\nConnection: upgrade\r\nUpgrade: ws\r\n\r\n",
        req(b"PUT", b"/url", upgrade=True),
        unparsed=b"",
    ),
    ok(
        "conn_upgrade_after_body",
        b"PUT /url HTTP/1.1\r\nConnection: upgrade\r\nContent-Length: 4\r\nUpgrade: ws\r\n\r\n"
        b"abcdefgh",
        req(b"PUT", b"/url", upgrade=True, body=b"abcd"),
        unparsed=b"efgh",
        peer=PEER_DIFFERS,
        why=UPGRADE_BODY,
    ),
    ok(
        "conn_upgrade_get_websocket",
        b"GET /demo HTTP/1.1\r\nHost: example.com\r\nConnection: Upgrade\r\n"
        b"Sec-WebSocket-Key2: 12998 5 Y3 1  .P00\r\nSec-WebSocket-Protocol: sample\r\n"
        b"Upgrade: WebSocket\r\n"
        b"Sec-WebSocket-Key1: 4 @1  46546xW%0l 1 5\r\nOrigin: http://example.com\r\n\r\n"
        b"Hot diggity dogg",
        req(b"GET", b"/demo", upgrade=True),
        unparsed=b"Hot diggity dogg",
    ),
    ok(
        "conn_upgrade_post_with_body",
        b"POST /demo HTTP/1.1\r\nHost: example.com\r\nConnection: Upgrade\r\nUpgrade: HTTP/2.0\r\n"
        b"Content-Length: 15\r\n\r\nsweet post bodyHot diggity dogg",
        req(b"POST", b"/demo", upgrade=True, body=b"sweet post body"),
        unparsed=b"Hot diggity dogg",
        peer=PEER_DIFFERS,
        why=UPGRADE_BODY,
    ),
    # ---- llhttp test/request/content-length.md ----
    ok(
        "cl_with_zeroes",
        b"PUT /url HTTP/1.1\r\nContent-Length: 003\r\n\r\nabc",
        req(b"PUT", b"/url", body=b"abc", content_length=3),
    ),
    ok(
        "cl_with_follow_up_headers",
        b"PUT /url HTTP/1.1\r\nContent-Length: 003\r\nOhai: world\r\n\r\nabc",
        req(b"PUT", b"/url", body=b"abc", content_length=3),
    ),
    rejected(
        "cl_overflow",
        b"PUT /url HTTP/1.1\r\nContent-Length: 1000000000000000000000\r\n\r\n",
        "invalid_content_length",
        b"00\r\n",
    ),
    rejected(
        "cl_duplicate_differing",
        b"PUT /url HTTP/1.1\r\nContent-Length: 1\r\nContent-Length: 2\r\n\r\n",
        "duplicate_content_length",
        b"Content-Length: 2",
    ),
    rejected(
        "cl_with_te_identity",
        b"PUT /url HTTP/1.1\r\nContent-Length: 1\r\nTransfer-Encoding: identity\r\n\r\n",
        "content_length_with_transfer_encoding",
        b"Transfer-Encoding",
    ),
    ok(
        "cl_funky_case_http10",
        b"GET /get_funky_content_length_body_hello HTTP/1.0\r\nconTENT-Length: 5\r\n\r\nHELLO",
        req(
            b"GET", b"/get_funky_content_length_body_hello", "1.0", body=b"HELLO", content_length=5
        ),
    ),
    ok(
        "cl_surrounding_spaces",  # llhttp's input, with the 42 body bytes added
        b"POST / HTTP/1.1\r\nContent-Length:  42 \r\n\r\n" + b"x" * 42,
        req(b"POST", b"/", content_length=42, body=b"x" * 42),
        peer=PEER_DIFFERS,
        why=TRAILING_OWS,
    ),
    rejected(
        "cl_inner_space",
        b"POST / HTTP/1.1\r\nContent-Length: 4 2\r\n\r\n",
        "invalid_content_length",
        b"2\r\n",
    ),
    rejected(
        "cl_inner_space_2",
        b"POST / HTTP/1.1\r\nContent-Length: 13 37\r\n\r\n",
        "invalid_content_length",
        b"37",
    ),
    rejected(
        "cl_empty",
        b"POST / HTTP/1.1\r\nContent-Length:\r\n\r\n",
        "invalid_content_length",
        b"\r\n\r\n",
    ),
    rejected(
        "cl_cr_instead_of_dash",
        b"PUT /url HTTP/1.1\r\nContent\rLength: 003\r\n\r\nabc",
        "invalid_header_name",
        b"\rLength",
    ),
    # ---- llhttp test/request/transfer-encoding.md ----
    rejected(
        "te_empty_with_cl",
        b"POST /first HTTP/1.1\r\nTransfer-Encoding:\r\nContent-Length: 5\r\n\r\nhello",
        "invalid_transfer_encoding",
        b"\r\nContent-Length",
    ),
    ok("te_chunked_flag_pending", b"PUT /url HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\n"),
    ok(
        "te_chunked_lowercase_size",
        b"PUT /url HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\na\r\n0123456789\r\n0\r\n\r\n",
        req(b"PUT", b"/url", body=b"0123456789", chunked=True, trailers=[]),
    ),
    ok(
        "te_chunked_uppercase_size",
        b"PUT /url HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\nA\r\n0123456789\r\n0\r\n\r\n",
        req(b"PUT", b"/url", body=b"0123456789", chunked=True),
    ),
    ok(
        "te_chunked_all_your_base",
        b"POST /post_chunked_all_your_base HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\n"
        b"1e\r\nall your base are belong to us\r\n0\r\n\r\n",
        req(b"POST", b"/post_chunked_all_your_base", body=b"all your base are belong to us"),
    ),
    ok(
        "te_two_chunks_triple_zero_end",
        b"POST /two_chunks_mult_zero_end HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\n"
        b"5\r\nhello\r\n6\r\n world\r\n000\r\n\r\n",
        req(b"POST", b"/two_chunks_mult_zero_end", body=b"hello world"),
    ),
    ok(
        "te_trailing_headers",
        b"POST /chunked_w_trailing_headers HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\n"
        b"5\r\nhello\r\n6\r\n world\r\n0\r\nVary: *\r\nContent-Type: text/plain\r\n\r\n",
        req(
            b"POST",
            b"/chunked_w_trailing_headers",
            body=b"hello world",
            trailers=[(b"Vary", b"*"), (b"Content-Type", b"text/plain")],
        ),
    ),
    ok(
        "te_chunk_extensions",  # llhttp's input, with the final CRLF added
        b"POST /chunked_w_unicorns_after_length HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\n"
        b"5;ilovew3;somuchlove=aretheseparametersfor;another=withvalue\r\nhello\r\n"
        b"6;blahblah;blah\r\n world\r\n0\r\n\r\n",
        req(b"POST", b"/chunked_w_unicorns_after_length", body=b"hello world"),
    ),
    rejected(
        "te_no_semicolon_before_extension",
        b"POST /chunked_w_unicorns_after_length HTTP/1.1\r\nHost: localhost\r\n"
        b"Transfer-encoding: chunked\r\n\r\n"
        b"2 erfrferferf\r\naa\r\n0 rrrr\r\n\r\n",
        "invalid_chunk_size",
        b"erfrf",
    ),
    rejected(
        "te_no_extension_after_semicolon",
        b"POST /chunked_w_unicorns_after_length HTTP/1.1\r\nHost: localhost\r\n"
        b"Transfer-encoding: chunked\r\n\r\n"
        b"2;\r\naa\r\n0\r\n\r\n",
        "invalid_chunk_extension",
        b"\r\naa",
    ),
    ok(
        "te_chunk_extension_quoting",  # final CRLF added
        b"POST /chunked_w_unicorns_after_length HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\n"
        b'5;ilovew3="I \\"love\\"; '
        b'\\\\extensions\\\\";somuchlove="aretheseparametersfor";blah;foo=bar\r\n'
        b"hello\r\n6;blahblah;blah\r\n world\r\n0\r\n\r\n",
        req(b"POST", b"/chunked_w_unicorns_after_length", body=b"hello world"),
    ),
    rejected(
        "te_unbalanced_extension_quoting",
        b"POST /chunked_w_unicorns_after_length HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\n"
        b'5;ilovew3="abc";somuchlove="def; ghi\r\nhello\r\n6;blahblah;blah\r\n world\r\n0\r\n\r\n',
        "invalid_chunk_extension",
        b"\r\nhello",
    ),
    rejected(
        "te_pigeons",
        b"PUT /url HTTP/1.1\r\nTransfer-Encoding: pigeons\r\n\r\n",
        "invalid_transfer_encoding",
        b"pigeons",
    ),
    rejected(
        "te_identity_with_cl",
        b"POST /post_identity_body_world?q=search#hey HTTP/1.1\r\nAccept: */*\r\n"
        b"Transfer-Encoding: identity\r\nContent-Length: 5\r\n\r\nWorld",
        "invalid_transfer_encoding",
        b"identity",
        why="RFC 9112 §7: identity is no transfer coding (removed from the registry); "
        "llhttp rejects it for CL with TE",
    ),
    rejected(
        "te_empty_repeated_with_cl",
        b"POST / HTTP/1.1\r\nHost: foo\r\nContent-Length: 10\r\nTransfer-Encoding:\r\n"
        b"Transfer-Encoding:\r\nTransfer-Encoding:\r\n\r\n2\r\nAA\r\n0\r\n",
        "content_length_with_transfer_encoding",
        b"Transfer-Encoding:",
    ),
    rejected(
        "te_chunked_before_other_coding",
        b"POST /post HTTP/1.1\r\nAccept: */*\r\nTransfer-Encoding: chunked, deflate\r\n\r\nWorld",
        "invalid_transfer_encoding",
        b"deflate\r\n",
    ),
    rejected(
        "te_chunked_then_duplicate_te",
        b"POST /post HTTP/1.1\r\nAccept: */*\r\nTransfer-Encoding: chunked\r\n"
        b"Transfer-Encoding: deflate\r\n\r\nWorld",
        "invalid_transfer_encoding",
        b"deflate",
    ),
    ok(
        "te_chunked_last_coding",
        b"POST /post HTTP/1.1\r\nAccept: */*\r\nTransfer-Encoding: deflate, chunked\r\n\r\n5\r\n"
        b"World\r\n0\r\n\r\n",
        req(b"POST", b"/post", body=b"World", chunked=True),
    ),
    ok(
        "te_chunked_last_coding_two_fields",
        b"POST /post HTTP/1.1\r\nAccept: */*\r\nTransfer-Encoding: deflate\r\n"
        b"Transfer-Encoding: chunked\r\n\r\n"
        b"5\r\nWorld\r\n0\r\n\r\n",
        req(b"POST", b"/post", body=b"World", chunked=True),
    ),
    rejected(
        "te_chunkedchunked",
        b"POST /post HTTP/1.1\r\nAccept: */*\r\nTransfer-Encoding: chunkedchunked\r\n\r\n5\r\n"
        b"World\r\n0\r\n\r\n",
        "invalid_transfer_encoding",
        b"chunkedchunked",
    ),
    rejected(
        "te_missing_last_chunk",
        b"PUT /url HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\n3\r\nfoo\r\n\r\n\r\n",
        "invalid_chunk_size",
        b"\r\n\r\n",
    ),
    rejected(
        "te_validate_chunk_parameters",
        b"PUT /url HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\n3 \n  \r\nfoo\r\n\r\n\r\n",
        "invalid_chunk_size",
        b"\n  ",
    ),
    rejected(
        "te_obs_fold_after_chunked",
        b"PUT /url HTTP/1.1\r\nTransfer-Encoding: chunked\r\n  abc\r\n\r\n5\r\nWorld\r\n0\r\n\r\n",
        "obs_fold",
        b"  abc",
    ),
    rejected(
        "te_chunk_header_not_crlf",
        b"GET / HTTP/1.1\r\nHost: a\r\nConnection: close \r\nTransfer-Encoding: chunked \r\n\r\n"
        b"5\r\r;ABCD\r\n34\r\nE\r\n0\r\n\r\nGET / HTTP/1.1 \r\nHost: a\r\nContent-Length: 5\r\n"
        b"\r\n0\r\n\r\n",
        "bare_cr",
        b"\r\r;ABCD",
    ),
    rejected(
        "te_chunk_data_not_crlf",
        b"GET / HTTP/1.1\r\nHost: a\r\nConnection: close \r\nTransfer-Encoding: chunked \r\n\r\n"
        b"5\r\nABCDE0\r\n\r\n",
        "invalid_chunk_terminator",
        b"0\r\n\r\n",
    ),
    rejected(
        "te_space_after_chunk_size",
        b"PUT /url HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\na \r\n0123456789\r\n0\r\n\r\n",
        "invalid_chunk_size",
        b"\r\n0123",
        why="RFC 9112 §7.1.1: BWS is allowed only before ';' (h11 accepts trailing "
        "whitespace here; llhttp rejects it)",
    ),
    # ---- h11 h11/tests/test_io.py (SIMPLE_CASES, test_readers_unusual) ----
    ok(
        "h11_simple_get_close",
        b"GET /a HTTP/1.1\r\nHost: foo\r\nConnection: close\r\n\r\n",
        req(
            b"GET", b"/a", headers=[(b"Host", b"foo"), (b"Connection", b"close")], keep_alive=False
        ),
    ),
    ok(
        "h11_head_http10_with_header",
        b"HEAD /foo HTTP/1.0\r\nSome: header\r\n\r\n",
        req(b"HEAD", b"/foo", "1.0", headers=[(b"Some", b"header")]),
    ),
    ok("h11_head_http10_no_headers", b"HEAD /foo HTTP/1.0\r\n\r\n", req(b"HEAD", b"/foo", "1.0")),
    ok(
        "h11_obs_fold_lenient_joins",
        b"HEAD /foo HTTP/1.1\r\nHost: example.com\r\nSome: multi-line\r\n header\r\n\tnonsense\r\n"
        b"    \t   \t\tI guess\r\nConnection: close\r\nMore-nonsense: in the\r\n"
        b"    last header  \r\n\r\n",
        req(
            b"HEAD",
            b"/foo",
            headers=[
                (b"Host", b"example.com"),
                (b"Some", b"multi-line header nonsense I guess"),
                (b"Connection", b"close"),
                (b"More-nonsense", b"in the last header"),
            ],
        ),
        lenient=("obs_fold",),
    ),
    rejected(
        "h11_obs_fold_strict",
        b"HEAD /foo HTTP/1.1\r\nHost: example.com\r\nSome: multi-line\r\n header\r\n\r\n",
        "obs_fold",
        b" header",
        why="RFC 9112 §5.2 (h11 joins folds by default; octonaut with obs_fold)",
    ),
    rejected(
        "h11_first_line_folded",
        b"HEAD /foo HTTP/1.1\r\n  folded: line\r\n\r\n",
        "leading_whitespace",
        b"  folded",
    ),
    rejected(
        "h11_spaces_before_colon",
        b"HEAD /foo HTTP/1.1\r\nfoo  : line\r\n\r\n",
        "space_before_colon",
        b"  : line",
    ),
    rejected(
        "h11_tab_before_colon",
        b"HEAD /foo HTTP/1.1\r\nfoo\t: line\r\n\r\n",
        "space_before_colon",
        b"\t: line",
    ),
    rejected(
        "h11_empty_name", b"HEAD /foo HTTP/1.1\r\n: line\r\n\r\n", "invalid_header_name", b": line"
    ),
    # ---- h11 h11/tests/test_io.py (test_ChunkedReader, test_reject_*) ----
    ok(
        "h11_chunked_upper_lower_hex",
        b"POST / HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\naA\r\n"
        + b"x" * 0xAA
        + b"\r\n0\r\n\r\n",
        req(b"POST", b"/", body=b"x" * 0xAA),
    ),
    ok(
        "h11_chunked_trailer",
        b"POST / HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\n5\r\n01234\r\n10\r\n"
        b"0123456789abcdef\r\n"
        b"0\r\nSome: header\r\n\r\n",
        req(b"POST", b"/", body=b"012340123456789abcdef", trailers=[(b"Some", b"header")]),
    ),
    rejected(
        "h11_chunk_size_too_long",
        b"POST / HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\n" + b"9" * 100 + b"\r\nxxx",
        "invalid_chunk_size",
        b"9" * 84,
    ),
    rejected(
        "h11_chunk_size_nul",
        b"POST / HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\n10\x00\r\nxxx",
        "invalid_chunk_size",
        b"\x00",
    ),
    ok(
        "h11_chunk_extensions_discarded",
        b"POST / HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\n5; hello=there\r\nxxxxx\r\n"
        b'0; random="junk"; some=more; canbe=lonnnnngg\r\n\r\n',
        req(b"POST", b"/", body=b"xxxxx"),
        peer=PEER_REJECTS,
        why="RFC 9112 §7.1.1: chunk-ext = *( BWS \";\" BWS chunk-ext-name ...), so SP after ';' "
        "is allowed; llhttp rejects it",
    ),
    rejected(
        "h11_chunk_whitespace_after_size",
        b"POST / HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\n5   \t \r\n01234\r\n0\r\n\r\n",
        "invalid_chunk_size",
        b"\r\n01234",
        why="RFC 9112 §7.1.1: chunk-size [ chunk-ext ] CRLF, BWS only before ';' (h11 accepts it)",
    ),
    rejected(
        "h11_bad_chunk_terminator",
        b"POST / HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\n3\r\nxxx__1a\r\n",
        "invalid_chunk_terminator",
        b"__1a",
    ),
    rejected(
        "h11_bad_chunk_terminator_cr",
        b"POST / HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\n3\r\nxxx\r_1a\r\n",
        "invalid_chunk_terminator",
        b"_1a",
    ),
    rejected(
        "h11_bad_chunk_terminator_lf",
        b"POST / HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\n3\r\nxxx_\n1a\r\n",
        "invalid_chunk_terminator",
        b"_\n1a",
    ),
    rejected(
        "h11_garbage_after_request_line",
        b"HEAD /foo HTTP/1.1 xxxxxx\r\nHost: a\r\n\r\n",
        "invalid_version",
        b" xxxxxx",
    ),
    rejected(
        "h11_nul_in_header_value",
        b"HEAD /foo HTTP/1.1\r\nHost: foo\x00bar\r\n\r\n",
        "invalid_header_value",
        b"\x00bar",
    ),
    rejected(
        "h11_nul_in_path", b"HEAD /\x00 HTTP/1.1\r\nHost: foobar\r\n\r\n", "invalid_target", b"\x00"
    ),
    rejected(
        "h11_del_in_path", b"HEAD /\x7f HTTP/1.1\r\nHost: foobar\r\n\r\n", "invalid_target", b"\x7f"
    ),
    rejected(
        "h11_high_byte_in_path",
        b"HEAD /\xee HTTP/1.1\r\nHost: foobar\r\n\r\n",
        "invalid_target",
        b"\xee",
        why="RFC 3986: a target is ASCII",
    ),
    rejected(
        "h11_ctl_in_cookie_value",
        b"HEAD /foo HTTP/1.1\r\nHost: foo\r\nSet-Cookie: ___utmvafIumyLc=kUd\x01UpAt; path=/; "
        b"Max-Age=900\r\n\r\n",
        "invalid_header_value",
        b"\x01UpAt",
        why="RFC 9110 §5.5: field-vchar excludes CTL; h11 accepts it (h11 #57), llhttp does not",
    ),
    # ---- llhttp test/request/finish.md and lenient-headers.md ----
    ok("finish_after_get", b"GET / HTTP/1.1\r\n\r\n", req(b"GET", b"/"), eof=True),
    rejected(
        "finish_inside_body",
        b"PUT / HTTP/1.1\r\nContent-Length: 100\r\n\r\n",
        "incomplete",
        b"",
        eof=True,
    ),
    rejected(
        "finish_inside_header", b"PUT / HTTP/1.1\r\nContent-Leng", "incomplete", b"", eof=True
    ),
    rejected(
        "lenient_headers_form_feed_in_value",
        b"GET /url HTTP/1.1\r\nHeader1: \x0c\r\n\r\n",
        "invalid_header_value",
        b"\x0c",
    ),
    rejected(
        "lenient_version_5_6",
        b"GET / HTTP/5.6\r\n\r\n",
        "invalid_version",
        b"5.6",
        why="llhttp's lenient_version has no octonaut counterpart",
    ),
    # ---- llhttp test/request/pipelining.md ----
    ok(
        "pipelining_three_requests_last_incomplete",
        b"POST /aaa HTTP/1.1\r\nContent-Length: 3\r\n\r\nAAA\r\nPUT /bbb HTTP/1.1\r\n"
        b"Content-Length: 4\r\n\r\nBBBB\r\nPATCH /ccc HTTP/1.1\r\nContent-Length: 5\r\n\r\nCCCC",
        req(b"POST", b"/aaa", body=b"AAA"),
        req(b"PUT", b"/bbb", body=b"BBBB"),
    ),
    # ---- h11 h11/tests/test_connection.py ----
    ok(
        "h11_pipelined_then_close",
        b"GET /1 HTTP/1.1\r\nHost: a.com\r\nContent-Length: 5\r\n\r\n12345"
        b"GET /2 HTTP/1.1\r\nHost: a.com\r\nContent-Length: 5\r\n\r\n67890",
        req(b"GET", b"/1", body=b"12345"),
        req(b"GET", b"/2", body=b"67890"),
        eof=True,
    ),
    rejected("h11_gibberish_request", b"gibberish\r\n\r\n", "invalid_start_line", b"\r\n\r\n"),
    rejected("h11_connection_drop_in_request_line", b"GET /", "incomplete", b"", eof=True),
    ok(
        "h11_empty_request_line_then_eof",
        b"\r\n",
        eof=True,
        why="RFC 9112 §2.2: empty lines before a request are ignored, so this is a clean "
        "EOF (h11 raises)",
    ),
    rejected("h11_early_nul", b"\x00", "invalid_method", b"\x00"),
    rejected("h11_early_space", b"\x20", "invalid_method", b" "),
    rejected("h11_early_tls_client_hello", b"\x16\x03\x01\x00\xa5", "invalid_method", b"\x16"),
    rejected(
        "h11_lost_connection_in_cl_body",
        b"POST / HTTP/1.1\r\nHost: example.com\r\nContent-Length: 100\r\n\r\n12345",
        "incomplete",
        b"",
        eof=True,
    ),
    rejected(
        "h11_lost_connection_in_chunked_body",
        b"POST / HTTP/1.1\r\nHost: example.com\r\nTransfer-Encoding: chunked\r\n\r\n8\r\n012345",
        "incomplete",
        b"",
        eof=True,
    ),
    # ---- the checks asked for specifically (RFC 9112/9110 edge cases) ----
    ok(
        "edge_value_trailing_whitespace_stripped",
        b"GET / HTTP/1.1\r\nA: x \t \r\nB:\ty\t\r\n\r\n",
        req(b"GET", b"/", headers=[(b"A", b"x"), (b"B", b"y")]),
        peer=PEER_DIFFERS,
        why=TRAILING_OWS,
    ),
    ok(
        "edge_empty_header_value",
        b"GET / HTTP/1.1\r\nA:\r\nB: \r\nC: c\r\n\r\n",
        req(b"GET", b"/", headers=[(b"A", b""), (b"B", b""), (b"C", b"c")]),
    ),
    ok(
        "edge_tab_inside_value_kept",
        b"GET / HTTP/1.1\r\nA: x\ty  z\r\n\r\n",
        req(b"GET", b"/", headers=[(b"A", b"x\ty  z")]),
    ),
    rejected(
        "edge_long_chunk_extension",
        b"POST / HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\n1;"
        + b"e" * 2000
        + b"\r\nx\r\n0\r\n\r\n",
        "chunk_extension_too_long",
        b"e",
        peer=PEER_ACCEPTS,
        why="octonaut's max_chunk_extension limit (1 KiB); llhttp has no such limit",
    ),
    ok(
        "edge_chunk_size_leading_zeros",
        b"POST / HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\n0005\r\nhello\r\n0000\r\n\r\n",
        req(b"POST", b"/", body=b"hello"),
    ),
    rejected(
        "edge_chunk_size_0x",
        b"POST / HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\n0x5\r\nhello\r\n0\r\n\r\n",
        "invalid_chunk_size",
        b"x5",
    ),
    ok(
        "edge_cl0_then_next_request",
        b"POST /a HTTP/1.1\r\nContent-Length: 0\r\n\r\nGET /b HTTP/1.1\r\n\r\n",
        req(b"POST", b"/a", body=b"", content_length=0),
        req(b"GET", b"/b"),
    ),
    rejected(
        "edge_http20_version",
        b"GET / HTTP/2.0\r\n\r\n",
        "invalid_version",
        b"2.0",
        peer=PEER_ACCEPTS,
        why=ONLY_HTTP1,
    ),
    rejected(
        "edge_prior_knowledge_preface",
        b"PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n",
        "invalid_target",
        b"* HTTP/2.0",
        why="RFC 9113 §3.4: the preface is not an HTTP/1.1 request",
    ),
    rejected(
        "edge_http09_version",
        b"GET / HTTP/0.9\r\n\r\n",
        "invalid_version",
        b"0.9",
        peer=PEER_ACCEPTS,
        why=ONLY_HTTP1,
    ),
    rejected("edge_lowercase_http_name", b"GET / http/1.1\r\n\r\n", "invalid_version", b"http"),
    ok(
        "edge_http10_keep_alive",
        b"GET /a HTTP/1.0\r\nConnection: keep-alive\r\n\r\nGET /b HTTP/1.0\r\n\r\n",
        req(b"GET", b"/a", "1.0", keep_alive=True),
        req(b"GET", b"/b", "1.0", keep_alive=False),
    ),
    rejected(
        "edge_pipelined_after_close",
        b"GET /a HTTP/1.1\r\n\r\nGET /b HTTP/1.1\r\nConnection: close\r\n\r\nGET /c HTTP/1.1\r\n"
        b"\r\n",
        "data_after_close",
        b"GET /c",
        before=2,
        why="RFC 9112 §9.6: a request with Connection: close is the last one",
    ),
    ok(
        "edge_connection_keep_alive_upgrade_tokens",
        b"GET /chat HTTP/1.1\r\nHost: a\r\nConnection: keep-alive, Upgrade\r\n"
        b"Upgrade: websocket\r\n\r\n\x81\x80",
        req(b"GET", b"/chat", keep_alive=True, upgrade=True),
        unparsed=b"\x81\x80",
    ),
    ok(
        "edge_upgrade_header_without_connection_token",
        b"GET / HTTP/1.1\r\nUpgrade: websocket\r\n\r\n",
        req(b"GET", b"/", upgrade=False),
        why="RFC 9110 §7.8: Upgrade is only honoured when listed in Connection",
    ),
    rejected(
        "edge_te_in_http10_request",
        b"POST / HTTP/1.0\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n",
        "transfer_encoding_in_http10",
        b"Transfer-Encoding",
        peer=PEER_ACCEPTS,
        why="RFC 9112 §6.1: TE in HTTP/1.0 means faulty framing",
    ),
    ok("edge_asterisk_form", b"OPTIONS * HTTP/1.1\r\nHost: a\r\n\r\n", req(b"OPTIONS", b"*")),
    ok(
        "edge_upgrade_ignored_in_http10",
        b"GET / HTTP/1.0\r\nConnection: Upgrade, keep-alive\r\nUpgrade: websocket\r\n\r\n"
        b"GET /2 HTTP/1.0\r\n\r\n",
        req(b"GET", b"/", "1.0", upgrade=False, keep_alive=True),
        req(b"GET", b"/2", "1.0", keep_alive=False),
        peer=PEER_DIFFERS,
        why="RFC 9110 §7.8: a server MUST ignore Upgrade in an HTTP/1.0 request; llhttp upgrades",
    ),
    rejected(
        "edge_te_empty_list_element_first",
        b"POST / HTTP/1.1\r\nTransfer-Encoding: , chunked\r\n\r\n1\r\nx\r\n0\r\n\r\n",
        "invalid_transfer_encoding",
        b", chunked",
        peer=PEER_ACCEPTS,
        why="RFC 9110 §5.6.1.2 asks recipients to skip empty list elements; octonaut rejects "
        "them in Transfer-Encoding (a framing field: an obfuscated TE, see the issue)",
    ),
    rejected(
        "edge_te_empty_list_element_inner",
        b"POST / HTTP/1.1\r\nTransfer-Encoding: gzip, , chunked\r\n\r\n1\r\nx\r\n0\r\n\r\n",
        "invalid_transfer_encoding",
        b", chunked",
        peer=PEER_ACCEPTS,
        why="as above",
    ),
    rejected(
        "edge_te_unknown_coding_before_chunked",
        b"POST / HTTP/1.1\r\nTransfer-Encoding: br, chunked\r\n\r\n1\r\nx\r\n0\r\n\r\n",
        "invalid_transfer_encoding",
        b"br, chunked",
        peer=PEER_ACCEPTS,
        why="RFC 9112 §6.1: a coding the server does not understand is a 501; octonaut knows "
        "chunked, gzip, deflate, compress (and x-)",
    ),
    rejected(
        "edge_empty_chunk_extension",
        b"POST / HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\n1;;a\r\nx\r\n0\r\n\r\n",
        "invalid_chunk_extension",
        b";a\r\n",
        peer=PEER_ACCEPTS,
        why="RFC 9112 §7.1.1: every ';' is followed by a chunk-ext-name",
    ),
    rejected(
        "edge_te_trailing_comma",
        b"POST / HTTP/1.1\r\nTransfer-Encoding: chunked,\r\n\r\n1\r\nx\r\n0\r\n\r\n",
        "invalid_transfer_encoding",
        b"\r\n\r\n1",
    ),
    rejected(
        "edge_te_chunked_with_parameter",
        b"POST / HTTP/1.1\r\nTransfer-Encoding: chunked;q=1\r\n\r\n1\r\nx\r\n0\r\n\r\n",
        "invalid_transfer_encoding",
        b";q=1",
    ),
    rejected(
        "edge_te_chunked_twice",
        b"POST / HTTP/1.1\r\nTransfer-Encoding: chunked\r\nTransfer-Encoding: chunked\r\n\r\n"
        b"0\r\n\r\n",
        "invalid_transfer_encoding",
        b"chunked\r\n\r\n0",
    ),
    rejected(
        "edge_te_gzip_only_request",
        b"POST / HTTP/1.1\r\nTransfer-Encoding: gzip\r\n\r\n",
        "invalid_transfer_encoding",
        b"Transfer-Encoding",
    ),
    ok(
        "edge_te_case_insensitive",
        b"POST / HTTP/1.1\r\nTransfer-Encoding: CHUNKED\r\n\r\n1\r\nx\r\n0\r\n\r\n",
        req(b"POST", b"/", body=b"x", chunked=True),
    ),
    ok(
        "edge_chunk_bws_before_semicolon",
        b"POST / HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\n5 ;a=b\r\nhello\r\n0\r\n\r\n",
        req(b"POST", b"/", body=b"hello"),
        peer=PEER_REJECTS,
        why='RFC 9112 §7.1.1: chunk-ext = *( BWS ";" ...); llhttp rejects the BWS',
    ),
    ok(
        "edge_chunk_bws_around_equals",
        b"POST / HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\n5;a = b\r\nhello\r\n0\r\n\r\n",
        req(b"POST", b"/", body=b"hello"),
        peer=PEER_REJECTS,
        why='RFC 9112 §7.1.1: BWS "=" BWS; llhttp rejects it',
    ),
    ok(
        "edge_last_chunk_extension",
        b"POST / HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nhello\r\n0;foo=bar\r\n\r\n",
        req(b"POST", b"/", body=b"hello"),
    ),
    rejected(
        "edge_chunk_size_overflow",
        b"POST / HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\nffffffffffffffffff\r\n",
        "invalid_chunk_size",
        b"ff\r\n",
    ),
    ok(
        "edge_trailer_content_length_is_not_framing",
        b"POST / HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\n1\r\nx\r\n0\r\n"
        b"Content-Length: 5\r\n\r\n",
        req(b"POST", b"/", body=b"x", trailers=[(b"Content-Length", b"5")]),
        peer=PEER_REJECTS,
        why="RFC 9110 §6.5.1: trailer fields never frame the message; octonaut keeps them "
        "apart (llhttp treats it as CL with TE)",
    ),
    rejected(
        "edge_trailer_obs_fold",
        b"POST / HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\n1\r\nx\r\n0\r\nA: b\r\n c\r\n\r\n",
        "obs_fold",
        b" c\r\n",
    ),
    rejected(
        "edge_cl_list_same_values",
        b"POST / HTTP/1.1\r\nContent-Length: 5, 5\r\n\r\nhello",
        "duplicate_content_length",
        b", 5",
    ),
    ok(
        "edge_cl_list_same_values_lenient",
        b"POST / HTTP/1.1\r\nContent-Length: 5, 5\r\n\r\nhello",
        req(b"POST", b"/", body=b"hello", content_length=5),
        lenient=("duplicate_content_length",),
        peer=PEER_REJECTS,
        why="RFC 9110 §8.6 allows a recipient to accept identical values (opt-in)",
    ),
    rejected(
        "edge_cl_zero_twice",
        b"GET / HTTP/1.1\r\nContent-Length: 0\r\nContent-Length: 0\r\n\r\n",
        "duplicate_content_length",
        b"Content-Length: 0\r\n\r\n",
    ),
    ok(
        "edge_connection_empty_list_element",
        b"GET / HTTP/1.1\r\nConnection: keep-alive, , Upgrade\r\nUpgrade: x\r\n\r\n",
        req(b"GET", b"/", upgrade=True, keep_alive=True),
        unparsed=b"",
    ),
    ok(
        "edge_connection_close_uppercase",
        b"GET / HTTP/1.1\r\nConnection: CLOSE\r\n\r\n",
        req(b"GET", b"/", keep_alive=False),
    ),
    ok(
        "edge_connection_keep_alive_close",
        b"GET / HTTP/1.1\r\nConnection: Keep-Alive,close\r\n\r\n",
        req(b"GET", b"/", keep_alive=False),
    ),
    rejected(
        "edge_double_space_after_method",
        b"GET  / HTTP/1.1\r\n\r\n",
        "invalid_start_line",
        b" / HTTP",
        peer=PEER_ACCEPTS,
        why="RFC 9112 §3: one SP between the parts (the whitespace-splitting leniency of §3 "
        "is not taken)",
    ),
    rejected("edge_space_after_version", b"GET / HTTP/1.1 \r\n\r\n", "invalid_version", b" \r\n"),
    rejected("edge_tab_after_method", b"GET\t/ HTTP/1.1\r\n\r\n", "invalid_method", b"\t/"),
    ok(
        "edge_lowercase_method_is_a_token",
        b"get / HTTP/1.1\r\n\r\n",
        req(b"get", b"/"),
        peer=PEER_REJECTS,
        why="RFC 9110 §9.1: methods are case-sensitive tokens; 'get' is an unknown method",
    ),
    ok(
        "edge_no_host_and_duplicate_host_left_to_the_application",
        b"GET / HTTP/1.1\r\n\r\nGET / HTTP/1.1\r\nHost: a\r\nHost: b\r\n\r\n",
        req(b"GET", b"/", headers=[]),
        req(b"GET", b"/", getall=(b"host", [b"a", b"b"])),
        why="RFC 9112 §3.2: the server answers 400; the parser reports the fields (h11 "
        "rejects a missing Host itself)",
    ),
    rejected(
        "edge_del_in_value", b"GET / HTTP/1.1\r\nX:\x7f\r\n\r\n", "invalid_header_value", b"\x7f"
    ),
    rejected(
        "edge_vt_in_value", b"GET / HTTP/1.1\r\nX: a\x0bb\r\n\r\n", "invalid_header_value", b"\x0bb"
    ),
    ok(
        "edge_several_empty_lines_between_requests",
        b"\r\n\r\nGET / HTTP/1.1\r\n\r\n\r\n\r\nGET /2 HTTP/1.1\r\n\r\n",
        req(b"GET", b"/"),
        req(b"GET", b"/2"),
    ),
    rejected(
        "edge_bare_lf_empty_line_before_request",
        b"\nGET / HTTP/1.1\r\n\r\n",
        "bare_lf",
        b"\nGET",
        peer=PEER_ACCEPTS,
        why="RFC 9112 §2.2 names CRLF empty lines; a bare LF needs the bare_lf leniency",
    ),
    ok(
        "edge_head_request_with_body",
        b"HEAD / HTTP/1.1\r\nContent-Length: 5\r\n\r\nhelloGET / HTTP/1.1\r\n\r\n",
        req(b"HEAD", b"/", body=b"hello"),
        req(b"GET", b"/"),
    ),
    ok(
        "edge_connect_ignores_transfer_encoding",
        b"CONNECT a:1 HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n",
        req(b"CONNECT", b"a:1", upgrade=True, body=b""),
        unparsed=b"0\r\n\r\n",
        why="RFC 9110 §9.3.6: a CONNECT request has no content",
    ),
]

# --------------------------------------------------------------------------
# Responses
# --------------------------------------------------------------------------

RESPONSES = [
    # ---- llhttp test/response/sample.md ----
    ok(
        "rs_simple",
        b"HTTP/1.1 200 OK\r\nHeader1: Value1\r\nHeader2:\t Value2\r\nContent-Length: 0\r\n\r\n",
        res(
            200,
            b"OK",
            headers=[(b"Header1", b"Value1"), (b"Header2", b"Value2"), (b"Content-Length", b"0")],
        ),
    ),
    rejected(
        "rs_rtsp",
        b"RTSP/1.1 200 OK\r\n\r\n",
        "invalid_version",
        b"RTSP",
        peer=PEER_ACCEPTS,
        why='RFC 9112 §2.3: HTTP-name is "HTTP"; llhttp also parses RTSP and ICE',
    ),
    rejected(
        "rs_ice",
        b"ICE/1.1 200 OK\r\n\r\n",
        "invalid_version",
        b"ICE",
        peer=PEER_ACCEPTS,
        why="RFC 9112 §2.3",
    ),
    rejected("rs_httper", b"HTTPER/1.1 200 OK\r\n\r\n", "invalid_version", b"ER/"),
    ok(
        "rs_empty_body_eof",
        b"HTTP/1.1 200 OK\r\n\r\n",
        res(200, b"OK", body=b"", keep_alive=False),
        eof=True,
    ),
    ok(
        "rs_google_301",  # llhttp's header section; the body cut to its Content-Length
        b"HTTP/1.1 301 Moved Permanently\r\nLocation: http://www.google.com/\r\n"
        b"Content-Type: text/html; charset=UTF-8\r\nDate: Sun, 26 Apr 2009 11:11:49 GMT\r\n"
        b"Expires: Tue, 26 May 2009 11:11:49 GMT\r\nX-$PrototypeBI-Version: 1.6.0.3\r\n"
        b"Cache-Control: public, max-age=2592000\r\nServer: gws\r\nContent-Length:  25  \r\n\r\n"
        b"<HTML>\n301 Moved\r\n</HTML>",
        res(301, b"Moved Permanently", body=b"<HTML>\n301 Moved\r\n</HTML>", content_length=25),
        peer=PEER_DIFFERS,
        why=TRAILING_OWS,
    ),
    ok(
        "rs_amazon_chunked",
        b"HTTP/1.1 301 MovedPermanently\r\nDate: Wed, 15 May 2013 17:06:33 GMT\r\n"
        b"Server: Server\r\n"
        b"Vary: Accept-Encoding,User-Agent\r\nContent-Type: text/html; charset=ISO-8859-1\r\n"
        b"Transfer-Encoding: chunked\r\n\r\n1\r\n\n\r\n0\r\n\r\n",
        res(301, b"MovedPermanently", body=b"\n", chunked=True),
    ),
    ok(
        "rs_no_headers_no_body",
        b"HTTP/1.1 404 Not Found\r\n\r\n",
        res(404, b"Not Found", body=b""),
        eof=True,
    ),
    ok("rs_no_reason_phrase", b"HTTP/1.1 301\r\n\r\n", res(301, b"", body=b""), eof=True),
    ok(
        "rs_empty_reason_after_space",
        b"HTTP/1.1 200 \r\n\r\n",
        res(200, b"", body=b""),
        eof=True,
        why="the callback API calls on_status(b'') here, as httptools does",
    ),
    rejected(
        "rs_no_carriage_return",
        b"HTTP/1.1 200 OK\nContent-Type: text/html; charset=utf-8\nConnection: close\n\n"
        b"these headers are from http://news.ycombinator.com/",
        "bare_lf",
        b"\nContent-Type",
    ),
    ok(
        "rs_no_carriage_return_lenient",
        b"HTTP/1.1 200 OK\nContent-Type: text/html; charset=utf-8\nConnection: close\n\n"
        b"these headers are from http://news.ycombinator.com/",
        res(
            200,
            b"OK",
            keep_alive=False,
            body=b"these headers are from http://news.ycombinator.com/",
        ),
        eof=True,
        lenient=("bare_lf",),
        peer=PEER_REJECTS,
        why="bare_lf is llhttp's lenient_optional_cr_before_lf, off in httptools",
    ),
    ok(
        "rs_underscore_in_header_name",
        b"HTTP/1.1 200 OK\r\nServer: DCLK-AdSvr\r\nContent-Type: text/xml\r\nContent-Length: 0\r\n"
        b"DCLK_imp: v7;x;114750856;0-0;0;17820020;0/0;21603567/21621457/1;"
        b";~okv=;dcmt=text/xml;;~cs=o\r\n\r\n",
        res(
            200,
            b"OK",
            body=b"",
            getall=(
                b"dclk_imp",
                [
                    b"v7;x;114750856;0-0;0;17820020;0/0;21603567/21621457/1;;~okv=;dcmt=text/xml;;~cs=o"
                ],
            ),
        ),
    ),
    ok(
        "rs_bonjourmadame_empty_value",
        b"HTTP/1.0 301 Moved Permanently\r\nDate: Thu, 03 Jun 2010 09:56:32 GMT\r\n"
        b"Server: Apache/2.2.3 (Red Hat)\r\nCache-Control: public\r\nPragma: \r\n"
        b"Location: http://www.bonjourmadame.fr/\r\nVary: Accept-Encoding\r\nContent-Length: 0\r\n"
        b"Content-Type: text/html; charset=UTF-8\r\nConnection: keep-alive\r\n\r\n",
        res(301, b"Moved Permanently", "1.0", keep_alive=True, body=b"", getall=(b"pragma", [b""])),
    ),
    ok(
        "rs_odd_header_names_chunked_close",
        b"HTTP/1.1 200 OK\r\nDate: Tue, 28 Sep 2010 01:14:13 GMT\r\nServer: Apache\r\n"
        b"Cache-Control: no-cache, must-revalidate\r\nExpires: Mon, 26 Jul 1997 05:00:00 GMT\r\n"
        b".et-Cookie: PlaxoCS=1274804622353690521; path=/; domain=.plaxo.com\r\n"
        b"Vary: Accept-Encoding\r\n"
        b"_eep-Alive: timeout=45\r\n_onnection: Keep-Alive\r\nTransfer-Encoding: chunked\r\n"
        b"Content-Type: text/html\r\nConnection: close\r\n\r\n0\r\n\r\n",
        res(200, b"OK", keep_alive=False, body=b"", chunked=True),
    ),
    rejected(
        "rs_space_in_header_name",
        b"HTTP/1.1 200 OK\r\nServer: Microsoft-IIS/6.0\r\nX-Powered-By: ASP.NET\r\n"
        b"en-US Content-Type: text/xml\r\nContent-Type: text/xml\r\nContent-Length: 16\r\n"
        b"Connection: keep-alive\r\n\r\n<xml>hello</xml>",
        "space_before_colon",
        b" Content-Type",
    ),
    ok(
        "rs_non_ascii_reason",
        b"HTTP/1.1 500 Ori\xc3\xabntatieprobleem\r\nDate: Fri, 5 Nov 2010 23:07:12 GMT+2\r\n"
        b"Content-Length: 0\r\nConnection: close\r\n\r\n",
        res(500, b"Ori\xc3\xabntatieprobleem", keep_alive=False),
    ),
    rejected(
        "rs_http09",
        b"HTTP/0.9 200 OK\r\n\r\n",
        "invalid_version",
        b"0.9",
        peer=PEER_ACCEPTS,
        why=ONLY_HTTP1,
    ),
    ok(
        "rs_no_cl_no_te_eof",
        b"HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\n\r\nhello world",
        res(200, b"OK", body=b"hello world", keep_alive=False),
        eof=True,
    ),
    rejected(
        "rs_starting_with_crlf",
        b"\r\nHTTP/1.1 200 OK\r\nHeader1: Value1\r\nHeader2:\t Value2\r\nContent-Length: 0\r\n\r\n",
        "invalid_version",
        b"\r\nHTTP",
        peer=PEER_ACCEPTS,
        why="RFC 9112 §2.2 allows ignoring empty lines before a request-line only",
    ),
    # ---- h11 h11/tests/test_connection.py (client side) ----
    rejected(
        "h11_empty_response",
        b"\r\n",
        "invalid_version",
        b"\r\n",
        peer=PEER_ACCEPTS,
        why="RFC 9112 §2.2 allows ignoring empty lines before a request-line only",
    ),
    rejected("h11_gibberish_response", b"gibberish\r\n\r\n", "invalid_version", b"gibberish"),
    rejected("h11_early_nul_response", b"\x00", "invalid_version", b"\x00"),
    rejected("h11_early_space_response", b"\x20", "invalid_version", b" "),
    rejected("h11_early_tls_server_hello", b"\x16\x03\x03\x00\x31", "invalid_version", b"\x16"),
    # ---- h11 h11/tests/test_io.py (SIMPLE_CASES, test_readers_unusual) ----
    ok(
        "h11_rs_close",
        b"HTTP/1.1 200 OK\r\nConnection: close\r\n\r\n",
        res(200, b"OK", keep_alive=False),
        eof=True,
    ),
    ok(
        "h11_rs_101_upgrade",
        b"HTTP/1.1 101 Upgrade\r\nUpgrade: websocket\r\n\r\n",
        res(101, b"Upgrade", upgrade=True, headers=[(b"Upgrade", b"websocket")]),
        unparsed=b"",
        peer=PEER_REJECTS,
        why="RFC 9110 §15.2.2: a 101 switches after its empty line; httptools also wants "
        "Connection: upgrade",
    ),
    ok(
        "h11_rs_http10_header",
        b"HTTP/1.0 200 OK\r\nSome: header\r\nContent-Length: 0\r\n\r\n",
        res(200, b"OK", "1.0", keep_alive=False),
    ),
    ok(
        "h11_rs_single_char_words",
        b"HTTP/1.0 200 OK\r\nFoo: a a a a a \r\n\r\n",
        res(200, b"OK", "1.0", headers=[(b"Foo", b"a a a a a")]),
        eof=True,
        peer=PEER_DIFFERS,
        why=TRAILING_OWS,
    ),
    ok(
        "h11_rs_empty_value",
        b"HTTP/1.0 200 OK\r\nFoo:\r\n\r\n",
        res(200, b"OK", "1.0", headers=[(b"Foo", b"")]),
        eof=True,
    ),
    ok(
        "h11_rs_whitespace_only_value",
        b"HTTP/1.0 200 OK\r\nFoo: \t \t \r\n\r\n",
        res(200, b"OK", "1.0", headers=[(b"Foo", b"")]),
        eof=True,
    ),
    ok(
        "h11_rs_no_reason",
        b"HTTP/1.0 200\r\nFoo: bar\r\n\r\n",
        res(200, b"", "1.0", headers=[(b"Foo", b"bar")]),
        eof=True,
    ),
    rejected(
        "h11_rs_lf_then_crlf",
        b"HTTP/1.1 200 OK\r\nSomeHeader: val\n\r\n",
        "bare_lf",
        b"\n\r\n",
        why="bare LF needs the bare_lf leniency (h11 tolerates it)",
    ),
    ok(
        "h11_rs_mixed_line_ends_lenient",
        b"HTTP/1.1 200 OK\r\nSomeHeader1: val1\nSomeHeader2: val2\n\r\n",
        res(200, b"OK", headers=[(b"SomeHeader1", b"val1"), (b"SomeHeader2", b"val2")]),
        eof=True,
        lenient=("bare_lf",),
    ),
    rejected(
        "h11_rs_nul_in_reason",
        b"HTTP/1.0 200 OK\x00xxxx\r\n\r\n",
        "invalid_reason",
        b"\x00",
        peer=PEER_ACCEPTS,
        why="RFC 9112 §4: a reason-phrase has no CTL",
    ),
    # ---- llhttp test/response/invalid.md ----
    rejected("rs_incomplete_protocol", b"HTP/1.1 200 OK\r\n\r\n", "invalid_version", b"P/1.1"),
    rejected("rs_extra_digit_major", b"HTTP/01.1 200 OK\r\n\r\n", "invalid_version", b"01.1 "),
    rejected("rs_extra_digit_major_2", b"HTTP/11.1 200 OK\r\n\r\n", "invalid_version", b"1.1 "),
    rejected("rs_extra_digit_minor", b"HTTP/1.01 200 OK\r\n\r\n", "invalid_version", b"1 200"),
    rejected("rs_tab_after_version", b"HTTP/1.1\t200 OK\r\n\r\n", "invalid_version", b"\t200"),
    rejected("rs_cr_before_response", b"\rHTTP/1.1\t200 OK\r\n\r\n", "invalid_version", b"\rHTTP"),
    rejected(
        "rs_headers_separated_by_cr",
        b"HTTP/1.1 200 OK\r\nFoo: 1\rBar: 2\r\n\r\n",
        "bare_cr",
        b"\rBar",
    ),
    rejected("rs_invalid_version_5_6", b"HTTP/5.6 200 OK\r\n\r\n", "invalid_version", b"5.6"),
    rejected(
        "rs_space_after_start_line",
        b"HTTP/1.1 200 OK\r\n Host: foo\r\n\r\n",
        "leading_whitespace",
        b" Host",
    ),
    rejected(
        "rs_extra_space_before_status", b"HTTP/1.1  200 OK\r\n\r\n", "invalid_status", b" 200"
    ),
    ok("rs_extra_space_before_reason", b"HTTP/1.1 200  OK\r\n\r\n", res(200, b" OK"), eof=True),
    rejected("rs_one_digit_status", b"HTTP/1.1 2 OK\r\n\r\n", "invalid_status", b" OK"),
    rejected(
        "rs_only_lfs_no_body", b"HTTP/1.1 200 OK\nContent-Length: 0\n\n", "bare_lf", b"\nContent"
    ),
    # ---- llhttp test/response/connection.md ----
    ok(
        "rs_proxy_connection_is_not_connection",
        b"HTTP/1.1 200 OK\r\nContent-Type: text/html; charset=UTF-8\r\nContent-Length: 11\r\n"
        b"Proxy-Connection: close\r\nDate: Thu, 31 Dec 2009 20:55:48 +0000\r\n\r\nhello world",
        res(200, b"OK", body=b"hello world", keep_alive=True),
        peer=PEER_DIFFERS,
        why="RFC 9112 §9.6 defines only Connection; Proxy-Connection is not standard, "
        "llhttp treats it as Connection",
    ),
    ok(
        "rs_http10_keep_alive_eof_body",
        b"HTTP/1.0 200 OK\r\nConnection: keep-alive\r\n\r\nHTTP/1.0 200 OK",
        res(200, b"OK", "1.0", body=b"HTTP/1.0 200 OK", keep_alive=False),
        eof=True,
    ),
    ok(
        "rs_http10_keep_alive_204",
        b"HTTP/1.0 204 No content\r\nConnection: keep-alive\r\n\r\nHTTP/1.0 200 OK\r\n"
        b"Content-Length: 0\r\n\r\n",
        res(204, b"No content", "1.0", body=b"", keep_alive=True),
        res(200, b"OK", "1.0", keep_alive=False),
    ),
    ok(
        "rs_http11_eof_body",
        b"HTTP/1.1 200 OK\r\n\r\nHTTP/1.1 200 OK",
        res(200, b"OK", body=b"HTTP/1.1 200 OK", keep_alive=False),
        eof=True,
    ),
    ok(
        "rs_http11_204_then_next",
        b"HTTP/1.1 204 No content\r\n\r\nHTTP/1.1 200 OK\r\nContent-Length: 1\r\n\r\nx",
        res(204, b"No content", body=b""),
        res(200, b"OK", body=b"x"),
    ),
    rejected(
        "rs_204_close_then_data",
        b"HTTP/1.1 204 No content\r\nConnection: close\r\n\r\nHTTP/1.1 200 OK\r\n\r\n",
        "data_after_close",
        b"HTTP/1.1 200",
        before=1,
        why="RFC 9112 §9.6",
    ),
    rejected(
        "rs_cl_close_then_data",
        b"HTTP/1.1 200 No content\r\nContent-Length: 5\r\nConnection: close\r\n\r\n"
        b"2ad731e3-4dcd-4f70-b871-0ad284b29ffc",
        "data_after_close",
        b"1e3-",
        before=1,
        why="RFC 9112 §9.6",
    ),
    ok(
        "rs_101_with_content_length",
        b"HTTP/1.1 101 Switching Protocols\r\nConnection: upgrade\r\nUpgrade: h2c\r\n"
        b"Content-Length: 4\r\n\r\nbodyproto",
        res(101, b"Switching Protocols", upgrade=True, body=b""),
        unparsed=b"bodyproto",
        why="RFC 9112 §6.3 (1): a 1xx response ends at the empty line whatever its "
        "fields say (llhttp's own suite reads a body; httptools does not)",
    ),
    ok(
        "rs_101_with_transfer_encoding",
        b"HTTP/1.1 101 Switching Protocols\r\nConnection: upgrade\r\nUpgrade: h2c\r\n"
        b"Transfer-Encoding: chunked\r\n\r\n2\r\nbo\r\n2\r\ndy\r\n0\r\n\r\nproto",
        res(101, b"Switching Protocols", upgrade=True, body=b""),
        unparsed=b"2\r\nbo\r\n2\r\ndy\r\n0\r\n\r\nproto",
        why="RFC 9112 §6.3 (1), as above",
    ),
    ok(
        "rs_200_with_upgrade_header_eof",
        b"HTTP/1.1 200 OK\r\nConnection: upgrade\r\nUpgrade: h2c\r\n\r\nbody",
        res(200, b"OK", upgrade=False, body=b"body"),
        eof=True,
    ),
    ok(
        "rs_200_with_upgrade_header_cl",
        b"HTTP/1.1 200 OK\r\nConnection: upgrade\r\nUpgrade: h2c\r\nContent-Length: 4\r\n\r\nbody",
        res(200, b"OK", upgrade=False, body=b"body"),
    ),
    ok(
        "rs_200_with_upgrade_header_chunked",
        b"HTTP/1.1 200 OK\r\nConnection: upgrade\r\nUpgrade: h2c\r\nTransfer-Encoding: chunked\r\n"
        b"\r\n"
        b"2\r\nbo\r\n2\r\ndy\r\n0\r\n\r\n",
        res(200, b"OK", upgrade=False, body=b"body"),
    ),
    # ---- llhttp test/response/content-length.md ----
    ok(
        "rs_no_cl_close_eof_body",
        b"HTTP/1.1 200 OK\r\nServer: Apache\r\nContent-Type: text/xml; charset=utf-8\r\n"
        b'Connection: close\r\n\r\n<?xml version="1.0" encoding="UTF-8"?>\n<SOAP-ENV:Envelope/>',
        res(
            200,
            b"OK",
            keep_alive=False,
            body=b'<?xml version="1.0" encoding="UTF-8"?>\n<SOAP-ENV:Envelope/>',
        ),
        eof=True,
    ),
    ok(
        "rs_content_length_x_is_another_field",
        b"HTTP/1.1 200 OK\r\nContent-Length-X: 0\r\nTransfer-Encoding: chunked\r\n\r\n2\r\nOK\r\n"
        b"0\r\n\r\n",
        res(200, b"OK", body=b"OK", chunked=True, content_length=None),
    ),
    ok(
        "rs_head_responses_skip_body",
        b"HTTP/1.1 200 OK\r\nContent-Length: 123\r\n\r\nHTTP/1.1 200 OK\r\nContent-Length: 456\r\n"
        b"\r\n",
        res(200, b"OK", body=b"", content_length=123),
        res(200, b"OK", body=b"", content_length=456),
        expect=(b"HEAD", b"HEAD"),
    ),
    ok(
        "rs_tabs_around_cl",  # llhttp's head, with the 42 body bytes added
        b"HTTP/1.1 200 OK\r\nContent-Length:\t42\t\r\n\r\n" + b"y" * 42,
        res(200, b"OK", content_length=42, body=b"y" * 42),
        peer=PEER_DIFFERS,
        why=TRAILING_OWS,
    ),
    # ---- llhttp test/response/transfer-encoding.md ----
    rejected(
        "rs_te_empty_with_cl",
        b"HTTP/1.1 200 OK\r\nTransfer-Encoding:\r\nContent-Length: 5\r\n\r\nhello",
        "invalid_transfer_encoding",
        b"\r\nContent-Length",
    ),
    rejected(
        "rs_trailing_space_on_chunk_size",
        b"HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\nTransfer-Encoding: chunked\r\n\r\n"
        b"25  \r\nThis is the data in the first chunk\r\n\r\n0  \r\n\r\n",
        "invalid_chunk_size",
        b"\r\nThis",
    ),
    rejected(
        "rs_chunked_before_other_coding",
        b"HTTP/1.1 200 OK\r\nAccept: */*\r\nTransfer-Encoding: chunked, deflate\r\n\r\nWorld",
        "invalid_transfer_encoding",
        b"deflate\r\n",
        peer=PEER_ACCEPTS,
        why="RFC 9112 §6.3 (4) lets a client read such a response to EOF; octonaut "
        "rejects every TE whose final coding is not chunked (the issue's strict rule)",
    ),
    rejected(
        "rs_chunked_then_identity",
        b"HTTP/1.1 200 OK\r\nAccept: */*\r\nTransfer-Encoding: chunked\r\n"
        b"Transfer-Encoding: identity\r\n\r\nWorld",
        "invalid_transfer_encoding",
        b"identity",
        peer=PEER_ACCEPTS,
        why="as above; identity is not a transfer coding (RFC 9112 §7)",
    ),
    rejected(
        "rs_chunkedchunked",
        b"HTTP/1.1 200 OK\r\nAccept: */*\r\nTransfer-Encoding: chunkedchunked\r\n\r\n2\r\nOK\r\n"
        b"0\r\n\r\n",
        "invalid_transfer_encoding",
        b"chunkedchunked",
        peer=PEER_ACCEPTS,
        why="as above",
    ),
    ok(
        "rs_chunk_extensions",
        b"HTTP/1.1 200 OK\r\nHost: localhost\r\nTransfer-encoding: chunked\r\n\r\n"
        b"5;ilovew3;somuchlove=aretheseparametersfor\r\nhello\r\n6;blahblah;blah\r\n world\r\n"
        b"0\r\n\r\n",
        res(200, b"OK", body=b"hello world"),
    ),
    rejected(
        "rs_no_semicolon_before_extension",
        b"HTTP/1.1 200 OK\r\nHost: localhost\r\nTransfer-encoding: chunked\r\n\r\n"
        b"2 erfrferferf\r\naa\r\n0 rrrr\r\n\r\n",
        "invalid_chunk_size",
        b"erfrf",
    ),
    rejected(
        "rs_no_extension_after_semicolon",
        b"HTTP/1.1 200 OK\r\nHost: localhost\r\nTransfer-encoding: chunked\r\n\r\n2;\r\naa\r\n"
        b"0\r\n\r\n",
        "invalid_chunk_extension",
        b"\r\naa",
    ),
    ok(
        "rs_chunk_extension_quoting",
        b"HTTP/1.1 200 OK\r\nHost: localhost\r\nTransfer-Encoding: chunked\r\n\r\n"
        b'5;ilovew3="I love; extensions";somuchlove="aretheseparametersfor";blah;foo=bar\r\n'
        b"hello\r\n6;blahblah;blah\r\n world\r\n0\r\n\r\n",
        res(200, b"OK", body=b"hello world"),
    ),
    rejected(
        "rs_unbalanced_extension_quoting",
        b"HTTP/1.1 200 OK\r\nHost: localhost\r\nTransfer-Encoding: chunked\r\n\r\n"
        b'5;ilovew3="abc";somuchlove="def; ghi\r\nhello\r\n6;blahblah;blah\r\n world\r\n0\r\n\r\n',
        "invalid_chunk_extension",
        b"\r\nhello",
    ),
    rejected(
        "rs_obs_fold_after_chunked",
        b"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n  abc\r\n\r\n5\r\nWorld\r\n0\r\n\r\n",
        "obs_fold",
        b"  abc",
    ),
    # ---- the checks asked for specifically ----
    rejected(
        "edge_rs_empty_line_before_status_line",
        b"\r\nHTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n",
        "invalid_version",
        b"\r\nHTTP",
        peer=PEER_ACCEPTS,
        why="RFC 9112 §2.2 allows ignoring empty lines before a request-line only",
    ),
    ok("edge_rs_status_999", b"HTTP/1.1 999 Odd\r\nContent-Length: 0\r\n\r\n", res(999, b"Odd")),
    rejected(
        "edge_rs_status_099",
        b"HTTP/1.1 099 Odd\r\nContent-Length: 0\r\n\r\n",
        "invalid_status",
        b"099",
        peer=PEER_ACCEPTS,
        why="RFC 9110 §15: status codes start at 100 (no 0xx class)",
    ),
    rejected("edge_rs_status_1000", b"HTTP/1.1 1000 Odd\r\n\r\n", "invalid_status", b"0 Odd"),
    rejected(
        "edge_rs_chunked_in_http10",
        b"HTTP/1.0 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n2\r\nOK\r\n0\r\n\r\n",
        "transfer_encoding_in_http10",
        b"Transfer-Encoding",
        peer=PEER_ACCEPTS,
        why="RFC 9112 §6.1: TE in an HTTP/1.0 message means faulty framing",
    ),
    ok(
        "edge_rs_chunked_in_http10_lenient",
        b"HTTP/1.0 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n2\r\nOK\r\n0\r\n\r\n",
        res(200, b"OK", "1.0", body=b"OK", chunked=True, keep_alive=False),
        lenient=("transfer_encoding_http10",),
    ),
    rejected(
        "edge_rs_cl_and_te",
        b"HTTP/1.1 200 OK\r\nContent-Length: 5\r\nTransfer-Encoding: chunked\r\n\r\n2\r\nOK\r\n"
        b"0\r\n\r\n",
        "content_length_with_transfer_encoding",
        b"Transfer-Encoding",
        why="RFC 9112 §6.3 (3): TE overrides CL but this 'ought to be handled as an error'",
    ),
    ok(
        "edge_rs_cl_and_te_lenient_te_wins",
        b"HTTP/1.1 200 OK\r\nContent-Length: 5\r\nTransfer-Encoding: chunked\r\n\r\n2\r\nOK\r\n"
        b"0\r\n\r\n",
        res(200, b"OK", body=b"OK", chunked=True, keep_alive=False),
        lenient=("te_with_cl",),
        peer=PEER_REJECTS,
        why="RFC 9112 §6.3 (3): with te_with_cl, TE overrides CL and the connection closes",
    ),
    ok(
        "edge_rs_http10_no_cl_eof",
        b"HTTP/1.0 200 OK\r\nServer: x\r\n\r\nall of this is body\r\nHTTP/1.0 200 OK\r\n",
        res(
            200, b"OK", "1.0", body=b"all of this is body\r\nHTTP/1.0 200 OK\r\n", keep_alive=False
        ),
        eof=True,
    ),
    ok(
        "edge_rs_100_continue_then_final",
        b"HTTP/1.1 100 Continue\r\n\r\nHTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok",
        res(100, b"Continue", body=b""),
        res(200, b"OK", body=b"ok"),
    ),
    ok(
        "edge_rs_304_with_cl_has_no_body",
        b"HTTP/1.1 304 Not Modified\r\nContent-Length: 10\r\n\r\nHTTP/1.1 200 OK\r\n"
        b"Content-Length: 0\r\n\r\n",
        res(304, b"Not Modified", body=b""),
        res(200, b"OK", body=b""),
    ),
    ok(
        "edge_rs_connect_2xx_tunnel",
        b"HTTP/1.1 200 Connection established\r\n\r\n\x16\x03\x01",
        res(200, b"Connection established", upgrade=True, body=b""),
        unparsed=b"\x16\x03\x01",
        expect=(b"CONNECT",),
    ),
    rejected("edge_rs_lowercase_http", b"http/1.1 200 OK\r\n\r\n", "invalid_version", b"http"),
    ok(
        "edge_rs_204_with_te_and_cl",
        b"HTTP/1.1 204 No Content\r\nTransfer-Encoding: chunked\r\n\r\n"
        b"HTTP/1.1 204 No Content\r\nContent-Length: 5\r\n\r\n",
        res(204, b"No Content", body=b""),
        res(204, b"No Content", body=b""),
    ),
    ok(
        "edge_rs_head_chunked_has_no_body",
        b"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n",
        res(200, b"OK", body=b""),
        expect=(b"HEAD",),
    ),
    ok(
        "edge_rs_102_103_then_final",
        b"HTTP/1.1 102 Processing\r\n\r\nHTTP/1.1 103 Early Hints\r\nLink: </s.css>\r\n\r\n"
        b"HTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n",
        res(102, b"Processing"),
        res(103, b"Early Hints"),
        res(200, b"OK"),
    ),
    rejected(
        "edge_rs_chunked_close_then_data",
        b"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\nConnection: close\r\n\r\n0\r\n\r\nX",
        "data_after_close",
        b"X",
        before=1,
    ),
    ok(
        "edge_rs_connect_non_2xx_has_a_body",
        b"HTTP/1.1 407 Proxy Authentication Required\r\nContent-Length: 1\r\n\r\nx",
        res(407, b"Proxy Authentication Required", body=b"x", upgrade=False),
        expect=(b"CONNECT",),
    ),
    ok(
        "edge_rs_connect_2xx_ignores_content_length",
        b"HTTP/1.1 200 OK\r\nContent-Length: 1\r\n\r\nx",
        res(200, b"OK", body=b"", upgrade=True),
        unparsed=b"x",
        expect=(b"CONNECT",),
        why="RFC 9110 §9.3.6: a client MUST ignore CL/TE in a 2xx to CONNECT",
    ),
    ok("edge_rs_status_600", b"HTTP/1.1 600 Odd\r\nContent-Length: 0\r\n\r\n", res(600, b"Odd")),
    ok(
        "edge_rs_reason_with_tab_and_obs_text",
        b"HTTP/1.1 200 O\tK\xff\r\nContent-Length: 0\r\n\r\n",
        res(200, b"O\tK\xff"),
    ),
    rejected(
        "edge_rs_bare_cr_after_status_line",
        b"HTTP/1.1 200 OK\rContent-Length: 0\r\n\r\n",
        "bare_cr",
        b"\rContent",
    ),
    ok(
        "edge_rs_http10_keep_alive_pipelined",
        b"HTTP/1.0 200 OK\r\nConnection: keep-alive\r\nContent-Length: 0\r\n\r\n"
        b"HTTP/1.0 200 OK\r\nContent-Length: 0\r\n\r\n",
        res(200, b"OK", "1.0", keep_alive=True),
        res(200, b"OK", "1.0", keep_alive=False),
    ),
    ok(
        "edge_rs_101_without_upgrade_field",
        b"HTTP/1.1 101 Switching Protocols\r\n\r\nabc",
        res(101, b"Switching Protocols", upgrade=True),
        unparsed=b"abc",
        peer=PEER_REJECTS,
        why="RFC 9110 §15.2.2: a 101 switches protocols after the empty line; httptools "
        "wants an Upgrade field",
    ),
    rejected(
        "edge_rs_http20",
        b"HTTP/2.0 200 OK\r\n\r\n",
        "invalid_version",
        b"2.0",
        peer=PEER_ACCEPTS,
        why=ONLY_HTTP1,
    ),
]

ALL = [("request", c) for c in REQUESTS] + [("response", c) for c in RESPONSES]
IDS = [c.name for _, c in ALL]

# --------------------------------------------------------------------------
# The runners
# --------------------------------------------------------------------------


def summary(message) -> dict:
    fields = {}
    for name in (
        "method",
        "target",
        "status",
        "reason",
        "version",
        "body",
        "keep_alive",
        "upgrade",
        "content_length",
        "chunked",
    ):
        if hasattr(message, name):
            value = getattr(message, name)
            fields[name] = bytes(value) if name == "body" else value
    fields["headers"] = list(message.headers)
    fields["trailers"] = list(message.trailers) if message.trailers is not None else []
    fields["_message"] = message
    return fields


def run_messages(kind: str, case: Case, fragments: list[bytes]):
    """Feed the fragments to a message parser: ("ok", summaries, unparsed) or
    ("error", code, offset, summaries before it)."""
    if kind == "request":
        parser = oh.RequestParser(lenient=case.lenient)
    else:
        parser = oh.ResponseParser(lenient=case.lenient)
        for method in case.expect:
            parser.expect(method)
    out = []
    try:
        for fragment in fragments:
            out += parser.feed(fragment)
        if case.eof:
            last = parser.feed_eof()
            if last is not None:
                out.append(last)
    except octonaut.ParseError as exc:
        return ("error", exc.code, exc.offset, [summary(m) for m in out + list(exc.messages)])
    return ("ok", [summary(m) for m in out], bytes(parser.unparsed))


def comparable(outcome):
    def strip(ms):
        return [{k: v for k, v in m.items() if k != "_message"} for m in ms]

    if outcome[0] == "ok":
        return ("ok", strip(outcome[1]), outcome[2])
    return ("error", outcome[1], outcome[2], strip(outcome[3]))


def check_message(got: dict, want: dict) -> None:
    for key, value in want.items():
        if key == "getall":
            name, values = value
            assert got["_message"].headers.getall(name) == values
        else:
            assert got[key] == value, key


@pytest.mark.parametrize(("kind", "case"), ALL, ids=IDS)
def test_peer_case(kind: str, case: Case) -> None:
    outcome = run_messages(kind, case, [case.data])
    if case.error is not None:
        code, at, before = case.error
        assert outcome[0] == "error", outcome
        assert outcome[1] == code
        assert case.data[outcome[2] :].startswith(at), case.data[outcome[2] :]
        assert len(outcome[3]) == before
    else:
        assert outcome[0] == "ok", outcome
        got = outcome[1]
        assert len(got) == len(case.messages)
        for message, want in zip(got, case.messages, strict=True):
            check_message(message, want)
        if case.unparsed is not None:
            assert outcome[2] == case.unparsed
        else:
            assert outcome[2] == b""


@pytest.mark.parametrize(("kind", "case"), ALL, ids=IDS)
def test_peer_case_one_byte_at_a_time(kind: str, case: Case) -> None:
    whole = comparable(run_messages(kind, case, [case.data]))
    split = comparable(
        run_messages(kind, case, [case.data[i : i + 1] for i in range(len(case.data))])
    )
    assert split == whole


def callbacks(module, kind: str, case: Case, fragments: list[bytes]):
    cls = "HttpRequestParser" if kind == "request" else "HttpResponseParser"
    return record(module, cls, fragments)


ERROR_CLASSES = (
    "HttpParserError",
    "HttpParserInvalidMethodError",
    "HttpParserInvalidURLError",
    "HttpParserInvalidStatusError",
)

DEFAULT_CASES = [(k, c) for k, c in ALL if not c.lenient and not c.expect]


@pytest.mark.parametrize(("kind", "case"), DEFAULT_CASES, ids=[c.name for _, c in DEFAULT_CASES])
def test_callbacks_against_httptools(kind: str, case: Case) -> None:
    ours = callbacks(oh, kind, case, [case.data])
    theirs = callbacks(httptools, kind, case, [case.data])
    ours_split = callbacks(oh, kind, case, [case.data[i : i + 1] for i in range(len(case.data))])
    # Same events; the same outcome class (an upgrade offset is per feed_data call).
    assert ours_split[0] == ours[0]
    assert (ours_split[1] or ("",))[0] == (ours[1] or ("",))[0]
    our_error = ours[1] is not None and ours[1][0] in ERROR_CLASSES
    their_error = theirs[1] is not None and theirs[1][0] in ERROR_CLASSES
    # The callback API agrees with the message API on accepting or rejecting
    # (it sees no EOF, so an input cut short is no error there).
    assert our_error == (case.error is not None and case.error[0] != "incomplete")
    if case.peer == SAME:
        if not our_error:
            assert ours == theirs
            bytewise = [case.data[i : i + 1] for i in range(len(case.data))]
            assert ours_split == callbacks(httptools, kind, case, bytewise)
        else:
            assert their_error
    elif case.peer == PEER_ACCEPTS:
        assert our_error and not their_error
    elif case.peer == PEER_REJECTS:
        assert their_error and not our_error
    else:
        assert ours != theirs


def test_every_difference_gives_its_reason() -> None:
    for _, case in ALL:
        if case.peer != SAME:
            assert case.why, case.name


def cut(data: bytes, cuts: list[int]) -> list[bytes]:
    bounds = [0, *sorted({c % (len(data) + 1) for c in cuts}), len(data)]
    return [data[a:b] for a, b in zip(bounds, bounds[1:], strict=False)]


@given(st.sampled_from(ALL), st.lists(st.integers(0, 1 << 16), max_size=12))
def test_peer_cases_in_random_splits(kind_case: tuple[str, Case], cuts: list[int]) -> None:
    kind, case = kind_case
    whole = comparable(run_messages(kind, case, [case.data]))
    assert comparable(run_messages(kind, case, cut(case.data, cuts))) == whole


AGREED = [(k, c) for k, c in DEFAULT_CASES if c.peer == SAME and c.error is None]


@given(st.sampled_from(AGREED), st.lists(st.integers(0, 1 << 16), max_size=12))
def test_agreed_callbacks_match_httptools_in_random_splits(
    kind_case: tuple[str, Case], cuts: list[int]
) -> None:
    kind, case = kind_case
    fragments = cut(case.data, cuts)
    assert callbacks(oh, kind, case, fragments) == callbacks(httptools, kind, case, fragments)
