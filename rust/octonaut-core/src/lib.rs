//! octonaut-core: the pure-Rust heart of octonaut.
//!
//! Strategy: every structure here has a capacity fixed at construction, so the
//! steady state allocates nothing; every parser is sans-IO, keeps its own state
//! and reports through a sink; nothing here knows about Python. The PyO3 crate
//! `octonaut-py` is a thin skin over these modules.
//!
//! - [`ring`]: bounded, lock-free single-producer/single-consumer byte ring over a
//!   mirrored mapping (Linux memfd mapped twice) or a plain heap fallback.
//! - [`slab`]: fixed-capacity slab with generational keys.
//! - [`parse`]: the [`parse::Parser`] trait and the shared [`parse::ParseError`].
//! - [`http`]: incremental, strict HTTP/1.1 request and response parsers.
//! - [`framing`]: delimiter (`Lines`) and length-prefixed framing parsers.

pub mod framing;
pub mod http;
pub mod parse;
pub mod ring;
pub mod slab;
