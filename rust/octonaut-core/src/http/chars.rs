//! The RFC 9110/9112 character classes, as 256-entry lookup tables, in one place.
//!
//! Strategy: each class is a `[bool; 256]` built by a `const fn`, so a
//! membership test is one indexed load with no branches on the byte value.

const fn build(class: u8) -> [bool; 256] {
    let mut table = [false; 256];
    let mut i = 0;
    while i < 256 {
        let b = i as u8;
        table[i] = match class {
            TCHAR_CLASS => {
                b.is_ascii_alphanumeric()
                    || matches!(
                        b,
                        b'!' | b'#'
                            | b'$'
                            | b'%'
                            | b'&'
                            | b'\''
                            | b'*'
                            | b'+'
                            | b'-'
                            | b'.'
                            | b'^'
                            | b'_'
                            | b'`'
                            | b'|'
                            | b'~'
                    )
            }
            // field-vchar / SP / HTAB: VCHAR, obs-text, SP, HTAB (RFC 9110 §5.5).
            // Also the reason-phrase alphabet (RFC 9112 §4).
            FIELD_CLASS => b == b'\t' || (b >= 0x20 && b != 0x7f),
            // request-target bytes: VCHAR only (RFC 9112 §3.2, RFC 3986 is ASCII).
            TARGET_CLASS => b >= 0x21 && b <= 0x7e,
            // scheme = ALPHA *( ALPHA / DIGIT / "+" / "-" / "." ) (RFC 3986 §3.1).
            SCHEME_CLASS => b.is_ascii_alphanumeric() || matches!(b, b'+' | b'-' | b'.'),
            // qdtext = HTAB / SP / %x21 / %x23-5B / %x5D-7E / obs-text (RFC 9110 §5.6.4).
            QDTEXT_CLASS => {
                b == b'\t' || b == b' ' || b == 0x21 || (b >= 0x23 && b != 0x5c && b != 0x7f)
            }
            _ => false,
        };
        i += 1;
    }
    table
}

const TCHAR_CLASS: u8 = 0;
const FIELD_CLASS: u8 = 1;
const TARGET_CLASS: u8 = 2;
const SCHEME_CLASS: u8 = 3;
const QDTEXT_CLASS: u8 = 4;

/// tchar (RFC 9110 §5.6.2): method, field names, codings, chunk-ext names.
pub(crate) static TCHAR: [bool; 256] = build(TCHAR_CLASS);
/// Bytes allowed inside a field value or a reason phrase.
pub(crate) static FIELD: [bool; 256] = build(FIELD_CLASS);
/// Bytes allowed in a request-target.
pub(crate) static TARGET: [bool; 256] = build(TARGET_CLASS);
/// URI scheme characters after the first ALPHA.
pub(crate) static SCHEME: [bool; 256] = build(SCHEME_CLASS);
/// qdtext of a quoted-string.
pub(crate) static QDTEXT: [bool; 256] = build(QDTEXT_CLASS);

/// SP or HTAB (OWS/BWS/RWS).
#[inline(always)]
pub(crate) fn is_ws(b: u8) -> bool {
    b == b' ' || b == b'\t'
}

/// The value of a hex digit (either case), or `None`.
#[inline(always)]
pub(crate) fn hex_value(b: u8) -> Option<u8> {
    match b {
        b'0'..=b'9' => Some(b - b'0'),
        b'a'..=b'f' => Some(b - b'a' + 10),
        b'A'..=b'F' => Some(b - b'A' + 10),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn classes_match_the_abnf() {
        assert!(TCHAR[b'a' as usize] && TCHAR[b'~' as usize] && TCHAR[b'!' as usize]);
        assert!(!TCHAR[b':' as usize] && !TCHAR[b' ' as usize] && !TCHAR[b'"' as usize]);
        assert!(FIELD[b'\t' as usize] && FIELD[b' ' as usize] && FIELD[0x80] && FIELD[0xff]);
        assert!(!FIELD[0] && !FIELD[b'\r' as usize] && !FIELD[b'\n' as usize] && !FIELD[0x7f]);
        assert!(TARGET[b'/' as usize] && !TARGET[b' ' as usize] && !TARGET[0x80]);
        assert!(QDTEXT[b'a' as usize] && !QDTEXT[b'"' as usize] && !QDTEXT[b'\\' as usize]);
        assert_eq!(hex_value(b'F'), Some(15));
        assert_eq!(hex_value(b'g'), None);
    }
}
