//! When a blocking Buffer call gives up.
//!
//! Strategy: a Python `timeout` (`0`: never wait, `None`: forever, else
//! seconds) becomes a [`Deadline`] once, at the start of the call; every wait
//! then sleeps at most one slice ([`WAIT_SLICE`]) before the caller checks
//! for signals, so Ctrl-C interrupts any wait within 50 ms.

use std::time::{Duration, Instant};

use pyo3::exceptions::PyValueError;
use pyo3::prelude::*;

/// Longest a blocking call sleeps before checking for signals.
pub const WAIT_SLICE: Duration = Duration::from_millis(50);

/// When a blocking call gives up.
#[derive(Clone, Copy)]
pub enum Deadline {
    Now,
    Never,
    At(Instant),
}

impl Deadline {
    pub fn from_timeout(timeout: Option<f64>) -> PyResult<Self> {
        match timeout {
            None => Ok(Deadline::Never),
            Some(t) if t.is_nan() || t < 0.0 => Err(PyValueError::new_err(
                "timeout must be None or a non-negative number",
            )),
            Some(0.0) => Ok(Deadline::Now),
            Some(t) => Ok(Duration::try_from_secs_f64(t)
                .ok()
                .and_then(|d| Instant::now().checked_add(d))
                .map_or(Deadline::Never, Deadline::At)),
        }
    }

    /// How long the next wait may sleep, or `None` once time is up.
    pub fn next_slice(self) -> Option<Duration> {
        match self {
            Deadline::Now => None,
            Deadline::Never => Some(WAIT_SLICE),
            Deadline::At(at) => {
                let left = at.saturating_duration_since(Instant::now());
                (!left.is_zero()).then(|| left.min(WAIT_SLICE))
            }
        }
    }
}
