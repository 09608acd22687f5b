//! Bounded lock-free SPSC byte ring (issue 2). Being written.
