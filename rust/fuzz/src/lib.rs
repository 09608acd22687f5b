//! Fuzz target bodies, shared with the stable smoke test in
//! `octonaut-core/tests/fuzz_smoke.rs` and `framing_fuzz_smoke.rs` (which
//! include `bodies.rs` and `framing.rs` by path).
//!
//! Strategy: each body parses the input in one feed and again in splits
//! derived from the input itself, and asserts that nothing panics and that
//! both runs give the same events and the same error.

pub mod bodies;
pub mod framing;
