//! Fast scans for the first byte that ends a token, a target or a field value.
//!
//! Strategy: the head parsers spend most of their time walking long runs of
//! ordinary bytes (targets, User-Agent, Cookie). On x86_64 those runs are
//! checked 32 bytes at a time with AVX2 when the CPU has it (detected once at
//! run time with `is_x86_feature_detected!`, as httparse does), then 16 at a
//! time with SSE2 (always present on x86_64, so it needs no detection), and
//! the tail with the 256-entry tables of [`super::chars`]. Other targets use
//! the tables alone. Every function returns the index of the first byte
//! outside the class, or `bytes.len()`.

use super::chars::{FIELD, TARGET, TCHAR};

/// Index of the first byte that is not a tchar.
#[inline]
pub(crate) fn token_end(bytes: &[u8]) -> usize {
    scalar_end(bytes, 0, &TCHAR)
}

/// Index of the first byte that cannot appear in a request-target (anything
/// outside VCHAR: SP, CTL, DEL, non-ASCII).
#[inline]
pub(crate) fn target_end(bytes: &[u8]) -> usize {
    #[cfg(target_arch = "x86_64")]
    {
        let start = x86::target_prefix(bytes);
        scalar_end(bytes, start, &TARGET)
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
        let start = x86::value_prefix(bytes);
        scalar_end(bytes, start, &FIELD)
    }
    #[cfg(not(target_arch = "x86_64"))]
    {
        scalar_end(bytes, 0, &FIELD)
    }
}

#[inline(always)]
fn scalar_end(bytes: &[u8], mut i: usize, table: &[bool; 256]) -> usize {
    while i + 4 <= bytes.len() {
        if !table[bytes[i] as usize] {
            return i;
        }
        if !table[bytes[i + 1] as usize] {
            return i + 1;
        }
        if !table[bytes[i + 2] as usize] {
            return i + 2;
        }
        if !table[bytes[i + 3] as usize] {
            return i + 3;
        }
        i += 4;
    }
    while i < bytes.len() {
        if !table[bytes[i] as usize] {
            return i;
        }
        i += 1;
    }
    i
}

#[cfg(target_arch = "x86_64")]
mod x86 {
    use std::arch::x86_64::*;
    use std::sync::atomic::{AtomicU8, Ordering};

    const UNKNOWN: u8 = 0;
    const NO_AVX2: u8 = 1;
    const HAS_AVX2: u8 = 2;
    static AVX2: AtomicU8 = AtomicU8::new(UNKNOWN);

    #[inline(always)]
    fn has_avx2() -> bool {
        match AVX2.load(Ordering::Relaxed) {
            HAS_AVX2 => true,
            NO_AVX2 => false,
            _ => {
                let yes = is_x86_feature_detected!("avx2");
                AVX2.store(if yes { HAS_AVX2 } else { NO_AVX2 }, Ordering::Relaxed);
                yes
            }
        }
    }

    /// Length of the prefix (a multiple of 16) made only of field bytes; the
    /// caller finishes with the table.
    #[inline(always)]
    pub(super) fn value_prefix(bytes: &[u8]) -> usize {
        let mut i = 0;
        if bytes.len() >= 32 && has_avx2() {
            // SAFETY: AVX2 is available (checked above).
            i = unsafe { value_avx2(bytes) };
            if i + 32 <= bytes.len() {
                return i;
            }
        }
        // SAFETY: SSE2 is part of the x86_64 baseline.
        i + unsafe { value_sse2(&bytes[i..]) }
    }

    /// Like [`value_prefix`] for request-target bytes.
    #[inline(always)]
    pub(super) fn target_prefix(bytes: &[u8]) -> usize {
        let mut i = 0;
        if bytes.len() >= 32 && has_avx2() {
            // SAFETY: AVX2 is available (checked above).
            i = unsafe { target_avx2(bytes) };
            if i + 32 <= bytes.len() {
                return i;
            }
        }
        // SAFETY: SSE2 is part of the x86_64 baseline.
        i + unsafe { target_sse2(&bytes[i..]) }
    }

    /// Returns the index of the first 32-byte block holding a non-field byte,
    /// or the start of the tail shorter than 32 bytes.
    #[target_feature(enable = "avx2")]
    unsafe fn value_avx2(bytes: &[u8]) -> usize {
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
            if _mm256_movemask_epi8(ok) != -1 {
                return i;
            }
            i += 32;
        }
        i
    }

    #[target_feature(enable = "sse2")]
    unsafe fn value_sse2(bytes: &[u8]) -> usize {
        let mut i = 0;
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
            let mask = _mm_movemask_epi8(ok) as u32;
            if mask != 0xffff {
                return i + (!mask).trailing_zeros() as usize;
            }
            i += 16;
        }
        i
    }

    #[target_feature(enable = "avx2")]
    unsafe fn target_avx2(bytes: &[u8]) -> usize {
        let mut i = 0;
        let low = _mm256_set1_epi8(0x21);
        let high = _mm256_set1_epi8(0x7e);
        while i + 32 <= bytes.len() {
            // SAFETY: i + 32 <= len, and loadu has no alignment requirement.
            let v = unsafe { _mm256_loadu_si256(bytes.as_ptr().add(i) as *const __m256i) };
            let ge = _mm256_cmpeq_epi8(_mm256_max_epu8(v, low), v);
            let le = _mm256_cmpeq_epi8(_mm256_min_epu8(v, high), v);
            if _mm256_movemask_epi8(_mm256_and_si256(ge, le)) != -1 {
                return i;
            }
            i += 32;
        }
        i
    }

    #[target_feature(enable = "sse2")]
    unsafe fn target_sse2(bytes: &[u8]) -> usize {
        let mut i = 0;
        let low = _mm_set1_epi8(0x21);
        let high = _mm_set1_epi8(0x7e);
        while i + 16 <= bytes.len() {
            // SAFETY: i + 16 <= len, and loadu has no alignment requirement.
            let v = unsafe { _mm_loadu_si128(bytes.as_ptr().add(i) as *const __m128i) };
            let ge = _mm_cmpeq_epi8(_mm_max_epu8(v, low), v);
            let le = _mm_cmpeq_epi8(_mm_min_epu8(v, high), v);
            let mask = _mm_movemask_epi8(_mm_and_si128(ge, le)) as u32;
            if mask != 0xffff {
                return i + (!mask).trailing_zeros() as usize;
            }
            i += 16;
        }
        i
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
