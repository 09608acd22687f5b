#![no_main]
//! RequestParser: no panic, split invariance.
libfuzzer_sys::fuzz_target!(|data: &[u8]| octonaut_fuzz::bodies::request(data));
