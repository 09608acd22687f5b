//! Fast scans for the first byte that ends a token, a target or a field
//! value, and the run-time choice of SIMD level.
//!
//! Strategy: the head parsers spend most of their time walking long runs of
//! ordinary bytes (targets, User-Agent, Cookie). On x86_64 those runs are
//! checked 32 bytes at a time with AVX2 when the CPU has it, then 16 at a
//! time with SSE2 (always present on x86_64, so it needs no detection), and
//! the tail with the 256-entry tables of [`super::chars`]. Tokens use an
//! AVX2 nibble lookup (`vpshufb`) that classifies tchar exactly. Other
//! targets use the tables alone. Every function returns the index of the
//! first byte outside the class, or `bytes.len()`. The CPU's [`Level`]
//! (AVX2, SSSE3 or neither) is detected once with `is_x86_feature_detected!`
//! and cached in a static, so each later check is one relaxed load; the
//! whole-line field walk (`fields.rs`, `masks.rs`) picks its cursor by it.

use super::chars::{FIELD, TARGET, TCHAR};

/// Index of the first byte that is not a tchar.
#[inline]
pub(crate) fn token_end(bytes: &[u8]) -> usize {
    #[cfg(target_arch = "x86_64")]
    {
        match x86::token(bytes) {
            Ok(found) => found,
            Err(tail) => scalar_end(bytes, tail, &TCHAR),
        }
    }
    #[cfg(not(target_arch = "x86_64"))]
    {
        scalar_end(bytes, 0, &TCHAR)
    }
}

/// Index of the first byte that cannot appear in a request-target (anything
/// outside VCHAR: SP, CTL, DEL, non-ASCII).
#[inline]
pub(crate) fn target_end(bytes: &[u8]) -> usize {
    #[cfg(target_arch = "x86_64")]
    {
        match x86::target(bytes) {
            Ok(found) => found,
            Err(tail) => scalar_end(bytes, tail, &TARGET),
        }
    }
    #[cfg(not(target_arch = "x86_64"))]
    {
        scalar_end(bytes, 0, &TARGET)
    }
}

/// Index of the first byte that cannot appear in a field value or reason
/// phrase (CTL other than HTAB, DEL); CR and LF end values this way.
#[inline]
pub(crate) fn value_end(bytes: &[u8]) -> usize {
    #[cfg(target_arch = "x86_64")]
    {
        match x86::value(bytes) {
            Ok(found) => found,
            Err(tail) => scalar_end(bytes, tail, &FIELD),
        }
    }
    #[cfg(not(target_arch = "x86_64"))]
    {
        scalar_end(bytes, 0, &FIELD)
    }
}

/// True when the AVX2 scans are in use (detected once).
#[cfg(target_arch = "x86_64")]
#[inline(always)]
pub(crate) fn has_avx2() -> bool {
    x86::level() == Level::Avx2
}

/// The widest SIMD instruction set the scans may use on this CPU.
#[cfg(target_arch = "x86_64")]
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Level {
    /// Neither of the below: tables (and SSE2, part of x86_64).
    Baseline,
    /// SSSE3 (`pshufb`), without AVX2.
    Ssse3,
    Avx2,
}

/// The [`Level`] of this CPU, detected on first use and cached in a static,
/// so each later call is one relaxed load.
#[cfg(target_arch = "x86_64")]
#[inline(always)]
pub(crate) fn level() -> Level {
    #[cfg(test)]
    if let Some(forced) = FORCED_LEVEL.with(|forced| forced.get()) {
        return forced;
    }
    x86::level()
}

#[cfg(all(test, target_arch = "x86_64"))]
thread_local! {
    /// Unit tests run the field-line walk at each level on this thread
    /// (never above what the CPU has).
    pub(crate) static FORCED_LEVEL: std::cell::Cell<Option<Level>> =
        const { std::cell::Cell::new(None) };
}

#[inline(always)]
fn scalar_end(bytes: &[u8], mut i: usize, table: &[bool; 256]) -> usize {
    while i < bytes.len() {
        if !table[bytes[i] as usize] {
            return i;
        }
        i += 1;
    }
    i
}

/// For the nibble-lookup classification of tchar: entry `lo` has bit `hi`
/// set when byte `hi << 4 | lo` is a tchar (only `hi < 8` can be).
#[cfg(target_arch = "x86_64")]
const fn tchar_low_nibble_table() -> [u8; 16] {
    let mut table = [0u8; 16];
    let mut lo = 0;
    while lo < 16 {
        let mut hi = 0;
        while hi < 8 {
            if TCHAR[hi << 4 | lo] {
                table[lo] |= 1 << hi;
            }
            hi += 1;
        }
        lo += 1;
    }
    table
}

#[cfg(target_arch = "x86_64")]
mod x86 {
    //! Each scan returns `Ok(index)` of the first byte outside the class, or
    //! `Err(index)` of the first byte it did not examine (a short tail the
    //! caller finishes with the table).
    use std::arch::x86_64::*;
    use std::sync::atomic::{AtomicU8, Ordering};

    use super::Level;

    const UNKNOWN: u8 = 0;
    const BASELINE: u8 = 1;
    const SSSE3: u8 = 2;
    const AVX2: u8 = 3;
    static LEVEL: AtomicU8 = AtomicU8::new(UNKNOWN);

    #[inline(always)]
    pub(super) fn level() -> Level {
        match LEVEL.load(Ordering::Relaxed) {
            AVX2 => Level::Avx2,
            SSSE3 => Level::Ssse3,
            BASELINE => Level::Baseline,
            _ => detect(),
        }
    }

    #[cold]
    fn detect() -> Level {
        let (level, code) = if is_x86_feature_detected!("avx2") {
            (Level::Avx2, AVX2)
        } else if is_x86_feature_detected!("ssse3") {
            (Level::Ssse3, SSSE3)
        } else {
            (Level::Baseline, BASELINE)
        };
        LEVEL.store(code, Ordering::Relaxed);
        level
    }

    #[inline(always)]
    fn has_avx2() -> bool {
        level() == Level::Avx2
    }

    #[inline(always)]
    pub(super) fn value(bytes: &[u8]) -> Result<usize, usize> {
        let mut i = 0;
        if bytes.len() >= 32 && has_avx2() {
            // SAFETY: AVX2 is available (checked above).
            i = unsafe { value_avx2(bytes) }?;
        }
        // SAFETY: SSE2 is part of the x86_64 baseline.
        unsafe { value_sse2(bytes, i) }
    }

    #[inline(always)]
    pub(super) fn target(bytes: &[u8]) -> Result<usize, usize> {
        let mut i = 0;
        if bytes.len() >= 32 && has_avx2() {
            // SAFETY: AVX2 is available (checked above).
            i = unsafe { target_avx2(bytes) }?;
        }
        // SAFETY: SSE2 is part of the x86_64 baseline.
        unsafe { target_sse2(bytes, i) }
    }

    #[inline(always)]
    pub(super) fn token(bytes: &[u8]) -> Result<usize, usize> {
        if bytes.len() >= 32 && has_avx2() {
            // SAFETY: AVX2 is available (checked above).
            return unsafe { token_avx2(bytes) };
        }
        Err(0)
    }

    /// Index of the first set bit of a 32-bit "bad byte" mask from `i`.
    #[inline(always)]
    fn first(i: usize, bad: u32) -> usize {
        i + bad.trailing_zeros() as usize
    }

    #[target_feature(enable = "avx2")]
    #[inline]
    unsafe fn value_avx2(bytes: &[u8]) -> Result<usize, usize> {
        let mut i = 0;
        let space = _mm256_set1_epi8(0x20);
        let tab = _mm256_set1_epi8(0x09);
        let del = _mm256_set1_epi8(0x7f);
        while i + 32 <= bytes.len() {
            // SAFETY: i + 32 <= len, and loadu has no alignment requirement.
            let v = unsafe { _mm256_loadu_si256(bytes.as_ptr().add(i) as *const __m256i) };
            // b >= 0x20 (unsigned) <=> max(b, 0x20) == b
            let printable = _mm256_cmpeq_epi8(_mm256_max_epu8(v, space), v);
            let ok = _mm256_andnot_si256(
                _mm256_cmpeq_epi8(v, del),
                _mm256_or_si256(printable, _mm256_cmpeq_epi8(v, tab)),
            );
            let bad = !(_mm256_movemask_epi8(ok) as u32);
            if bad != 0 {
                return Ok(first(i, bad));
            }
            i += 32;
        }
        Err(i)
    }

    #[target_feature(enable = "sse2")]
    #[inline]
    unsafe fn value_sse2(bytes: &[u8], mut i: usize) -> Result<usize, usize> {
        let space = _mm_set1_epi8(0x20);
        let tab = _mm_set1_epi8(0x09);
        let del = _mm_set1_epi8(0x7f);
        while i + 16 <= bytes.len() {
            // SAFETY: i + 16 <= len, and loadu has no alignment requirement.
            let v = unsafe { _mm_loadu_si128(bytes.as_ptr().add(i) as *const __m128i) };
            let printable = _mm_cmpeq_epi8(_mm_max_epu8(v, space), v);
            let ok = _mm_andnot_si128(
                _mm_cmpeq_epi8(v, del),
                _mm_or_si128(printable, _mm_cmpeq_epi8(v, tab)),
            );
            let bad = !(_mm_movemask_epi8(ok) as u32) & 0xffff;
            if bad != 0 {
                return Ok(first(i, bad));
            }
            i += 16;
        }
        Err(i)
    }

    #[target_feature(enable = "avx2")]
    unsafe fn target_avx2(bytes: &[u8]) -> Result<usize, usize> {
        let mut i = 0;
        let low = _mm256_set1_epi8(0x21);
        let high = _mm256_set1_epi8(0x7e);
        while i + 32 <= bytes.len() {
            // SAFETY: i + 32 <= len, and loadu has no alignment requirement.
            let v = unsafe { _mm256_loadu_si256(bytes.as_ptr().add(i) as *const __m256i) };
            let ge = _mm256_cmpeq_epi8(_mm256_max_epu8(v, low), v);
            let le = _mm256_cmpeq_epi8(_mm256_min_epu8(v, high), v);
            let bad = !(_mm256_movemask_epi8(_mm256_and_si256(ge, le)) as u32);
            if bad != 0 {
                return Ok(first(i, bad));
            }
            i += 32;
        }
        Err(i)
    }

    #[target_feature(enable = "sse2")]
    unsafe fn target_sse2(bytes: &[u8], mut i: usize) -> Result<usize, usize> {
        let low = _mm_set1_epi8(0x21);
        let high = _mm_set1_epi8(0x7e);
        while i + 16 <= bytes.len() {
            // SAFETY: i + 16 <= len, and loadu has no alignment requirement.
            let v = unsafe { _mm_loadu_si128(bytes.as_ptr().add(i) as *const __m128i) };
            let ge = _mm_cmpeq_epi8(_mm_max_epu8(v, low), v);
            let le = _mm_cmpeq_epi8(_mm_min_epu8(v, high), v);
            let bad = !(_mm_movemask_epi8(_mm_and_si128(ge, le)) as u32) & 0xffff;
            if bad != 0 {
                return Ok(first(i, bad));
            }
            i += 16;
        }
        Err(i)
    }

    /// Bit i set when byte i of `v` is not a tchar.
    #[target_feature(enable = "avx2")]
    #[inline]
    fn non_tchar_mask(v: __m256i) -> u32 {
        const LOW: [u8; 16] = super::tchar_low_nibble_table();
        const HIGH: [u8; 16] = [1, 2, 4, 8, 16, 32, 64, 128, 0, 0, 0, 0, 0, 0, 0, 0];
        // SAFETY: both arrays are 16 bytes; loadu has no alignment requirement.
        let (low, high) = unsafe {
            (
                _mm256_broadcastsi128_si256(_mm_loadu_si128(LOW.as_ptr() as *const __m128i)),
                _mm256_broadcastsi128_si256(_mm_loadu_si128(HIGH.as_ptr() as *const __m128i)),
            )
        };
        let nibble = _mm256_set1_epi8(0x0f);
        let lo = _mm256_and_si256(v, nibble);
        let hi = _mm256_and_si256(_mm256_srli_epi16(v, 4), nibble);
        let hits = _mm256_and_si256(_mm256_shuffle_epi8(low, lo), _mm256_shuffle_epi8(high, hi));
        _mm256_movemask_epi8(_mm256_cmpeq_epi8(hits, _mm256_setzero_si256())) as u32
    }

    /// tchar by nibble lookup: `LOW[b & 15] & (1 << (b >> 4))` is non-zero
    /// exactly for tchars (bytes >= 0x80 map to a zero bit).
    #[target_feature(enable = "avx2")]
    #[inline]
    unsafe fn token_avx2(bytes: &[u8]) -> Result<usize, usize> {
        let mut i = 0;
        while i + 32 <= bytes.len() {
            // SAFETY: i + 32 <= len, and loadu has no alignment requirement.
            let v = unsafe { _mm256_loadu_si256(bytes.as_ptr().add(i) as *const __m256i) };
            let bad = non_tchar_mask(v);
            if bad != 0 {
                return Ok(first(i, bad));
            }
            i += 32;
        }
        Err(i)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn naive(bytes: &[u8], table: &[bool; 256]) -> usize {
        bytes
            .iter()
            .position(|&b| !table[b as usize])
            .unwrap_or(bytes.len())
    }

    #[test]
    fn simd_scans_agree_with_the_tables_for_every_byte_at_every_position() {
        for len in [0usize, 1, 15, 16, 17, 31, 32, 33, 63, 64, 65, 100] {
            for at in 0..len {
                for b in 0..=255u8 {
                    let mut buf = vec![b'a'; len];
                    buf[at] = b;
                    assert_eq!(
                        value_end(&buf),
                        naive(&buf, &FIELD),
                        "value len {len} at {at} byte {b}"
                    );
                    assert_eq!(
                        target_end(&buf),
                        naive(&buf, &TARGET),
                        "target len {len} at {at} byte {b}"
                    );
                    assert_eq!(token_end(&buf), naive(&buf, &TCHAR));
                }
            }
        }
    }
}
