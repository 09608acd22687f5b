//! The known byte stream the ring stress tests write and check.

/// The byte at absolute stream position `i` (cheap, position-dependent).
pub fn byte_at(i: usize) -> u8 {
    let x = (i as u64).wrapping_mul(0x9E37_79B9_7F4A_7C15);
    (x >> 56) as u8 ^ (i as u8)
}
