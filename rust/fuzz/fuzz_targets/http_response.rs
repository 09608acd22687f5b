#![no_main]
//! ResponseParser: no panic, split invariance.
libfuzzer_sys::fuzz_target!(|data: &[u8]| octonaut_fuzz::bodies::response(data));
