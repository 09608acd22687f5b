//! Opt-in leniencies: the parsers are strict (request-smuggling safe) unless
//! the caller names a relaxation.
//!
//! Strategy: a `u32` bit set with one named constant per leniency, plus a
//! name table so bindings can accept `lenient=("bare_lf", ...)`. Each flag
//! relaxes exactly one rejection and is tested both ways.

use std::ops::{BitOr, BitOrAssign};

/// A set of leniencies. [`Lenient::STRICT`] (the default) enables none.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Default)]
pub struct Lenient(u32);

impl Lenient {
    /// No leniency: the default.
    pub const STRICT: Lenient = Lenient(0);
    /// `bare_lf`: accept a LF without CR as a line terminator (start line,
    /// header and trailer lines, chunk-size lines, after chunk data, empty lines
    /// before a request). RFC 9112 §2.2 allows this; strict mode rejects it
    /// (`bare_lf`) because front and back ends disagree on it.
    pub const BARE_LF: Lenient = Lenient(1 << 0);
    /// `obs_fold`: accept obs-fold (a header line continued on the next line
    /// that starts with SP/HTAB); the fold is replaced by one SP, as RFC 9112
    /// §5.2 says a recipient may do. Strict mode rejects it (`obs_fold`).
    pub const OBS_FOLD: Lenient = Lenient(1 << 1);
    /// `space_before_colon`: accept (and drop) whitespace between a field name
    /// and its colon. RFC 9112 §5.1 requires servers to reject it
    /// (`space_before_colon`).
    pub const SPACE_BEFORE_COLON: Lenient = Lenient(1 << 2);
    /// `te_with_cl`: accept Content-Length together with Transfer-Encoding;
    /// Transfer-Encoding wins, Content-Length is ignored and the connection is
    /// not kept alive (RFC 9112 §6.1). Strict mode rejects it
    /// (`content_length_with_transfer_encoding`).
    pub const TE_WITH_CL: Lenient = Lenient(1 << 3);
    /// `duplicate_content_length`: accept repeated Content-Length fields or a
    /// list (`5, 5`) when every value is identical (RFC 9110 §8.6). Differing
    /// values are always rejected (`duplicate_content_length`).
    pub const DUPLICATE_CONTENT_LENGTH: Lenient = Lenient(1 << 4);
    /// `data_after_close`: keep parsing messages after one that said
    /// `Connection: close` (or was HTTP/1.0 without keep-alive). Strict mode
    /// rejects any byte but empty lines after such a message
    /// (`data_after_close`).
    pub const DATA_AFTER_CLOSE: Lenient = Lenient(1 << 5);
    /// `transfer_encoding_http10`: accept Transfer-Encoding in an HTTP/1.0
    /// message and honour it. Strict mode rejects it
    /// (`transfer_encoding_in_http10`, RFC 9112 §6.1).
    pub const TRANSFER_ENCODING_HTTP10: Lenient = Lenient(1 << 6);
    /// `transfer_encoding_until_close`: read a response whose
    /// Transfer-Encoding does not end in `chunked` until the connection
    /// closes, as RFC 9112 §6.3 rule 4 says. Strict mode rejects it
    /// (`invalid_transfer_encoding`), since such a body has no end a proxy can
    /// check. Requests are always rejected (the same rule requires a 400).
    pub const TRANSFER_ENCODING_UNTIL_CLOSE: Lenient = Lenient(1 << 7);

    /// Every leniency with its name, as bindings spell it.
    pub const NAMES: [(&'static str, Lenient); 8] = [
        ("bare_lf", Lenient::BARE_LF),
        ("obs_fold", Lenient::OBS_FOLD),
        ("space_before_colon", Lenient::SPACE_BEFORE_COLON),
        ("te_with_cl", Lenient::TE_WITH_CL),
        (
            "duplicate_content_length",
            Lenient::DUPLICATE_CONTENT_LENGTH,
        ),
        ("data_after_close", Lenient::DATA_AFTER_CLOSE),
        (
            "transfer_encoding_http10",
            Lenient::TRANSFER_ENCODING_HTTP10,
        ),
        (
            "transfer_encoding_until_close",
            Lenient::TRANSFER_ENCODING_UNTIL_CLOSE,
        ),
    ];

    /// The leniency called `name` (see [`Lenient::NAMES`]), if any.
    pub fn from_name(name: &str) -> Option<Lenient> {
        Lenient::NAMES
            .iter()
            .find(|(n, _)| *n == name)
            .map(|&(_, flag)| flag)
    }

    /// True when every flag of `other` is set in `self`.
    pub const fn contains(self, other: Lenient) -> bool {
        self.0 & other.0 == other.0
    }

    /// `self` with the flags of `other` added.
    pub const fn with(self, other: Lenient) -> Lenient {
        Lenient(self.0 | other.0)
    }

    /// The raw bits (stable only within one build).
    pub const fn bits(self) -> u32 {
        self.0
    }
}

impl BitOr for Lenient {
    type Output = Lenient;
    fn bitor(self, rhs: Lenient) -> Lenient {
        self.with(rhs)
    }
}

impl BitOrAssign for Lenient {
    fn bitor_assign(&mut self, rhs: Lenient) {
        *self = self.with(rhs);
    }
}
