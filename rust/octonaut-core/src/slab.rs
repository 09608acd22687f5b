//! Fixed-capacity slab with generational keys (issue 3). Being written.
