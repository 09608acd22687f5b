//! [`Limit`]: a size-limit argument (`max_head=`, `max_length=`,
//! `max_frame=`, ...).
//!
//! Strategy: PyO3 extracts a negative int into an unsigned type by raising
//! `OverflowError`; a limit is a size, so a negative one is a `ValueError`,
//! as for Python's own sizes (`bytearray(-1)`). Anything that is not an
//! integer keeps PyO3's `TypeError`.

use pyo3::exceptions::{PyOverflowError, PyValueError};
use pyo3::prelude::*;

/// A non-negative integer argument that bounds a size or a count.
#[derive(Clone, Copy)]
pub(crate) struct Limit(pub u64);

impl Limit {
    /// The limit as a `usize` (saturating on a 32-bit target).
    pub(crate) fn size(self) -> usize {
        usize::try_from(self.0).unwrap_or(usize::MAX)
    }
}

impl<'a, 'py> FromPyObject<'a, 'py> for Limit {
    type Error = PyErr;

    fn extract(obj: Borrowed<'a, 'py, PyAny>) -> PyResult<Self> {
        match obj.extract::<u64>() {
            Ok(value) => Ok(Limit(value)),
            Err(err) if err.is_instance_of::<PyOverflowError>(obj.py()) && obj.lt(0)? => {
                let shown = obj.str()?;
                Err(PyValueError::new_err(format!(
                    "a limit cannot be negative, got {shown}"
                )))
            }
            Err(err) => Err(err),
        }
    }
}
