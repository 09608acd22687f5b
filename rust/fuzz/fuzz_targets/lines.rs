#![no_main]
//! Lines: no panic, split invariance, frame bound, reset.
libfuzzer_sys::fuzz_target!(|data: &[u8]| octonaut_fuzz::framing::lines(data));
