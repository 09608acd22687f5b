//! The landmarks of field lines (colon, value end) from bitmasks built 64
//! bytes at a time.
//!
//! Strategy: instead of starting a fresh scan for every name and every value
//! (each paying its own set-up and tail handling), the field-line fast path
//! walks one forward cursor over the head. Each 64-byte block is classified
//! once with SIMD into two bitmasks, "not a tchar" and "cannot be in a field
//! value" (CTL other than HTAB, DEL; CR and LF among them), using a nibble
//! lookup (`pshufb`): a byte is in a class when `LOW[b & 15] & HIGH[b >> 4]`
//! is non-zero. A query for the first class member at or after a position
//! shifts the block's mask and counts trailing zeros; most lines need one or
//! two queries per block, and a long value (User-Agent, Cookie) costs a few
//! instructions per 64 bytes. The positions a line walk asks for only move
//! forward, so a byte is classified once (the last block aside). The
//! input's last partial block is classified from the input's last 64 bytes
//! (or a zero-padded copy of a shorter input), with the bits past the end
//! set, so a query never reads past the input and answers at most
//! `input.len()`.
//!
//! AVX2 (two 32-byte halves) and SSSE3 (four 16-byte quarters) cursors are
//! chosen at run time (`scan::level`); [`Tables`] answers the same queries
//! with the 256-entry tables where neither is available.

use super::chars::{FIELD, TCHAR};

/// The two queries of a field-line walk. Both return the index of the first
/// byte at or after `from` in the class (or `input.len()` if none), and are
/// asked with positions that never decrease for one `input`.
pub(crate) trait Landmarks {
    /// The first byte at or after `from` that is not a tchar.
    fn non_tchar(&mut self, input: &[u8], from: usize) -> usize;
    /// The first byte at or after `from` that cannot be in a field value.
    fn non_value(&mut self, input: &[u8], from: usize) -> usize;
}

/// The portable answer: a table lookup per byte.
pub(crate) struct Tables;

impl Landmarks for Tables {
    #[inline(always)]
    fn non_tchar(&mut self, input: &[u8], from: usize) -> usize {
        table_scan(input, from, &TCHAR)
    }

    #[inline(always)]
    fn non_value(&mut self, input: &[u8], from: usize) -> usize {
        table_scan(input, from, &FIELD)
    }
}

#[inline(always)]
fn table_scan(input: &[u8], mut i: usize, table: &[bool; 256]) -> usize {
    while i < input.len() && table[input[i] as usize] {
        i += 1;
    }
    i
}

/// Nibble tables for a byte class with no member at or above 0x80: `(low,
/// high)` with `low[b & 15] & high[b >> 4] != 0` exactly for members (each
/// high nibble 0..8 owns one bit; high nibbles 8..16 map to no bit).
#[cfg_attr(not(target_arch = "x86_64"), allow(dead_code))]
const fn nibble_tables(member: &[bool; 256], invert: bool) -> ([u8; 16], [u8; 16]) {
    let mut low = [0u8; 16];
    let mut high = [0u8; 16];
    let mut b = 0;
    while b < 256 {
        let is_member = member[b] != invert;
        if is_member {
            assert!(b < 0x80, "nibble tables need a class below 0x80");
            low[b & 15] |= 1 << (b >> 4);
        }
        b += 1;
    }
    let mut hi = 0;
    while hi < 8 {
        high[hi] = 1 << hi;
        hi += 1;
    }
    (low, high)
}

/// tchar, as nibble tables.
#[cfg_attr(not(target_arch = "x86_64"), allow(dead_code))]
const TCHAR_NIBBLES: ([u8; 16], [u8; 16]) = nibble_tables(&TCHAR, false);
/// Bytes that cannot be in a field value (the complement of `FIELD`, all
/// below 0x80), as nibble tables.
#[cfg_attr(not(target_arch = "x86_64"), allow(dead_code))]
const NON_VALUE_NIBBLES: ([u8; 16], [u8; 16]) = nibble_tables(&FIELD, true);

#[cfg(target_arch = "x86_64")]
pub(crate) use x86::{Avx2, MaskCursor, Ssse3};

#[cfg(target_arch = "x86_64")]
mod x86 {
    use super::{Landmarks, NON_VALUE_NIBBLES, TCHAR_NIBBLES};
    use std::arch::x86_64::*;
    use std::marker::PhantomData;

    /// Classifies 64 bytes into `(non_tchar, non_value)` bitmasks (bit i
    /// for byte i).
    pub(crate) trait Classify {
        /// # Safety
        /// `ptr` must be valid for reads of 64 bytes, and the CPU must have
        /// the instruction set the implementation names.
        unsafe fn block(ptr: *const u8) -> (u64, u64);
    }

    /// 32 bytes at a time (`vpshufb`).
    pub(crate) struct Avx2;
    /// 16 bytes at a time (`pshufb`).
    pub(crate) struct Ssse3;

    impl Classify for Avx2 {
        #[target_feature(enable = "avx2")]
        #[inline]
        unsafe fn block(ptr: *const u8) -> (u64, u64) {
            // SAFETY: the caller guarantees 64 readable bytes; loadu has no
            // alignment requirement.
            let (a, b) = unsafe {
                (
                    _mm256_loadu_si256(ptr as *const __m256i),
                    _mm256_loadu_si256(ptr.add(32) as *const __m256i),
                )
            };
            let (ta, va) = half_avx2(a);
            let (tb, vb) = half_avx2(b);
            (
                u64::from(ta) | u64::from(tb) << 32,
                u64::from(va) | u64::from(vb) << 32,
            )
        }
    }

    /// `(non_tchar, non_value)` bits of 32 bytes.
    #[target_feature(enable = "avx2")]
    #[inline]
    fn half_avx2(v: __m256i) -> (u32, u32) {
        let table = |t: &[u8; 16]| {
            // SAFETY: a 16-byte array; loadu has no alignment requirement.
            _mm256_broadcastsi128_si256(unsafe { _mm_loadu_si128(t.as_ptr() as *const __m128i) })
        };
        let nibble = _mm256_set1_epi8(0x0f);
        let lo = _mm256_and_si256(v, nibble);
        let hi = _mm256_and_si256(_mm256_srli_epi16(v, 4), nibble);
        let zero = _mm256_setzero_si256();
        let tchar = _mm256_and_si256(
            _mm256_shuffle_epi8(table(&TCHAR_NIBBLES.0), lo),
            _mm256_shuffle_epi8(table(&TCHAR_NIBBLES.1), hi),
        );
        let bad = _mm256_and_si256(
            _mm256_shuffle_epi8(table(&NON_VALUE_NIBBLES.0), lo),
            _mm256_shuffle_epi8(table(&NON_VALUE_NIBBLES.1), hi),
        );
        let non_tchar = _mm256_movemask_epi8(_mm256_cmpeq_epi8(tchar, zero)) as u32;
        let value_ok = _mm256_movemask_epi8(_mm256_cmpeq_epi8(bad, zero)) as u32;
        (non_tchar, !value_ok)
    }

    impl Classify for Ssse3 {
        #[target_feature(enable = "ssse3")]
        #[inline]
        unsafe fn block(ptr: *const u8) -> (u64, u64) {
            let mut non_tchar = 0u64;
            let mut non_value = 0u64;
            for quarter in 0..4 {
                // SAFETY: the caller guarantees 64 readable bytes; loadu has
                // no alignment requirement.
                let v = unsafe { _mm_loadu_si128(ptr.add(16 * quarter) as *const __m128i) };
                let (t, b) = quarter_ssse3(v);
                non_tchar |= u64::from(t) << (16 * quarter);
                non_value |= u64::from(b) << (16 * quarter);
            }
            (non_tchar, non_value)
        }
    }

    /// `(non_tchar, non_value)` bits of 16 bytes.
    #[target_feature(enable = "ssse3")]
    #[inline]
    fn quarter_ssse3(v: __m128i) -> (u16, u16) {
        // SAFETY: a 16-byte array; loadu has no alignment requirement.
        let table = |t: &[u8; 16]| unsafe { _mm_loadu_si128(t.as_ptr() as *const __m128i) };
        let nibble = _mm_set1_epi8(0x0f);
        let lo = _mm_and_si128(v, nibble);
        let hi = _mm_and_si128(_mm_srli_epi16(v, 4), nibble);
        let zero = _mm_setzero_si128();
        let tchar = _mm_and_si128(
            _mm_shuffle_epi8(table(&TCHAR_NIBBLES.0), lo),
            _mm_shuffle_epi8(table(&TCHAR_NIBBLES.1), hi),
        );
        let bad = _mm_and_si128(
            _mm_shuffle_epi8(table(&NON_VALUE_NIBBLES.0), lo),
            _mm_shuffle_epi8(table(&NON_VALUE_NIBBLES.1), hi),
        );
        let non_tchar = _mm_movemask_epi8(_mm_cmpeq_epi8(tchar, zero)) as u16;
        let value_ok = _mm_movemask_epi8(_mm_cmpeq_epi8(bad, zero)) as u16;
        (non_tchar, !value_ok)
    }

    /// A block base that no position can be within 64 bytes of (slices
    /// never exceed `isize::MAX` bytes), so the first query loads a block.
    const UNLOADED: usize = usize::MAX / 2 + 1;

    /// The forward cursor: the masks of the 64 bytes from `base`.
    pub(crate) struct MaskCursor<C> {
        base: usize,
        non_tchar: u64,
        non_value: u64,
        classify: PhantomData<C>,
    }

    impl<C: Classify> MaskCursor<C> {
        /// # Safety
        /// The CPU must have the instruction set `C` names (the cursor runs
        /// `C::block`).
        #[inline(always)]
        pub(crate) unsafe fn new() -> Self {
            MaskCursor {
                base: UNLOADED,
                non_tchar: 0,
                non_value: 0,
                classify: PhantomData,
            }
        }

        /// Classifies the block from `at` (`at < input.len()`).
        #[inline(always)]
        fn load(&mut self, input: &[u8], at: usize) {
            debug_assert!(at < input.len());
            let rest = input.len() - at;
            let (non_tchar, non_value) = if rest >= 64 {
                // SAFETY: 64 bytes from `at` are inside `input`; `new`'s
                // contract guarantees the instruction set.
                unsafe { C::block(input.as_ptr().add(at)) }
            } else if input.len() >= 64 {
                // The last 64 bytes of the input, shifted down to `at`, with
                // every bit from the end of the input on set.
                // SAFETY: the 64 bytes before the end are inside `input`;
                // `new`'s contract guarantees the instruction set.
                let (t, v) = unsafe { C::block(input.as_ptr().add(input.len() - 64)) };
                let past_end = !0u64 << rest;
                ((t >> (64 - rest)) | past_end, (v >> (64 - rest)) | past_end)
            } else {
                self.load_short(input, at)
            };
            self.base = at;
            self.non_tchar = non_tchar;
            self.non_value = non_value;
        }

        /// The block of an input shorter than 64 bytes: a zero-padded
        /// copy, with every bit from the end of the input on set.
        #[inline(never)]
        fn load_short(&self, input: &[u8], at: usize) -> (u64, u64) {
            let rest = input.len() - at;
            let mut padded = [0u8; 64];
            padded[..rest].copy_from_slice(&input[at..]);
            // SAFETY: `padded` is 64 bytes; `new`'s contract guarantees the
            // instruction set.
            let (non_tchar, non_value) = unsafe { C::block(padded.as_ptr()) };
            let past_end = !0u64 << rest;
            (non_tchar | past_end, non_value | past_end)
        }

        #[inline(always)]
        fn first(&mut self, input: &[u8], mut from: usize, tchar: bool) -> usize {
            loop {
                let shift = from.wrapping_sub(self.base);
                if shift >= 64 {
                    if from >= input.len() {
                        return input.len();
                    }
                    self.load(input, from);
                    continue;
                }
                let mask = if tchar {
                    self.non_tchar
                } else {
                    self.non_value
                } >> shift;
                if mask != 0 {
                    return from + mask.trailing_zeros() as usize;
                }
                from = self.base + 64;
            }
        }
    }

    impl<C: Classify> Landmarks for MaskCursor<C> {
        #[inline(always)]
        fn non_tchar(&mut self, input: &[u8], from: usize) -> usize {
            self.first(input, from, true)
        }

        #[inline(always)]
        fn non_value(&mut self, input: &[u8], from: usize) -> usize {
            self.first(input, from, false)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn nibble_tables_classify_every_byte() {
        for b in 0..256usize {
            let (lo, hi) = TCHAR_NIBBLES;
            assert_eq!(lo[b & 15] & hi[b >> 4] != 0, TCHAR[b], "tchar {b:#x}");
            let (lo, hi) = NON_VALUE_NIBBLES;
            assert_eq!(lo[b & 15] & hi[b >> 4] != 0, !FIELD[b], "value {b:#x}");
        }
    }

    /// Runs the same queries through every available cursor and the tables.
    #[cfg(target_arch = "x86_64")]
    fn agree(input: &[u8], queries: &[(bool, usize)]) {
        let mut tables = Tables;
        let expected: Vec<usize> = queries
            .iter()
            .map(|&(tchar, from)| {
                if tchar {
                    tables.non_tchar(input, from)
                } else {
                    tables.non_value(input, from)
                }
            })
            .collect();
        fn run<L: Landmarks>(
            cursor: &mut L,
            input: &[u8],
            queries: &[(bool, usize)],
        ) -> Vec<usize> {
            queries
                .iter()
                .map(|&(tchar, from)| {
                    if tchar {
                        cursor.non_tchar(input, from)
                    } else {
                        cursor.non_value(input, from)
                    }
                })
                .collect()
        }
        if is_x86_feature_detected!("avx2") {
            // SAFETY: AVX2 was detected.
            let mut cursor = unsafe { MaskCursor::<Avx2>::new() };
            assert_eq!(run(&mut cursor, input, queries), expected, "avx2");
        }
        if is_x86_feature_detected!("ssse3") {
            // SAFETY: SSSE3 was detected.
            let mut cursor = unsafe { MaskCursor::<Ssse3>::new() };
            assert_eq!(run(&mut cursor, input, queries), expected, "ssse3");
        }
    }

    #[cfg(target_arch = "x86_64")]
    #[test]
    fn cursors_agree_with_the_tables_for_every_byte_at_every_position() {
        for len in [1usize, 15, 31, 32, 33, 63, 64, 65, 127, 128, 130, 200] {
            for at in 0..len {
                for b in 0..=255u8 {
                    let mut buf = vec![b'a'; len];
                    buf[at] = b;
                    // Fresh cursors for single queries from several starts,
                    // and one cursor walking forward.
                    for from in [0, at / 2, at, len - 1, len] {
                        agree(&buf, &[(true, from)]);
                        agree(&buf, &[(false, from)]);
                    }
                    agree(&buf, &[(true, 0), (false, at), (true, at), (false, len)]);
                }
            }
        }
    }

    #[cfg(target_arch = "x86_64")]
    #[test]
    fn a_walk_over_field_lines_finds_every_landmark() {
        let head = b"Host: example.org\r\nUser-Agent: a very long value that runs well past one block of sixty-four bytes\r\nX:\r\n\r\n";
        let mut queries = Vec::new();
        let mut from = 0;
        while from <= head.len() {
            queries.push((from % 3 == 0, from));
            from += 7;
        }
        agree(head, &queries);
    }
}
