//! `octonaut._octonaut`: the PyO3 skin over `octonaut-core`.
//!
//! Strategy: each submodule wraps one core primitive and registers its
//! classes here; errors cross into Python only through [`errors`], so the
//! whole exception hierarchy lives in one place (`octonaut/_errors.py`). No
//! panic crosses the FFI boundary: PyO3 turns a panic in a method into a
//! `PanicException`, and the hot loops run with the GIL released.

mod buffer;
mod errors;
mod framing;
mod http;
mod limit;

use pyo3::prelude::*;

#[pymodule]
fn _octonaut(m: &Bound<'_, PyModule>) -> PyResult<()> {
    m.add("__version__", env!("CARGO_PKG_VERSION"))?;
    buffer::register(m)?;
    framing::register(m)?;
    http::register(m)?;
    Ok(())
}
