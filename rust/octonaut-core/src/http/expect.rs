//! The fixed-capacity FIFO of request methods a response parser expects.
//!
//! Strategy: a ring of [`Method`]s allocated once in the constructor; `push`
//! refuses (returns false) when full instead of growing. The response parser
//! pops one entry per final response, so pipelined HEAD and CONNECT requests
//! frame their responses correctly.

use super::framing::Method;

/// A bounded queue of the methods of requests awaiting responses.
#[derive(Debug)]
pub(crate) struct ExpectQueue {
    slots: Box<[Method]>,
    head: usize,
    len: usize,
}

impl ExpectQueue {
    pub(crate) fn with_capacity(capacity: usize) -> Self {
        ExpectQueue {
            slots: vec![Method::Other; capacity].into_boxed_slice(),
            head: 0,
            len: 0,
        }
    }

    /// Appends `method`; false when the queue is full.
    pub(crate) fn push(&mut self, method: Method) -> bool {
        if self.len == self.slots.len() {
            return false;
        }
        let at = (self.head + self.len) % self.slots.len();
        self.slots[at] = method;
        self.len += 1;
        true
    }

    /// Removes the oldest method; `Method::Other` when nothing was expected.
    pub(crate) fn pop(&mut self) -> Method {
        if self.len == 0 {
            return Method::Other;
        }
        let method = self.slots[self.head];
        self.head = (self.head + 1) % self.slots.len();
        self.len -= 1;
        method
    }

    pub(crate) fn len(&self) -> usize {
        self.len
    }

    pub(crate) fn capacity(&self) -> usize {
        self.slots.len()
    }

    pub(crate) fn clear(&mut self) {
        self.head = 0;
        self.len = 0;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fifo_order_and_capacity() {
        let mut q = ExpectQueue::with_capacity(2);
        assert!(q.push(Method::Head));
        assert!(q.push(Method::Connect));
        assert!(!q.push(Method::Other));
        assert_eq!(q.pop(), Method::Head);
        assert!(q.push(Method::Options));
        assert_eq!(q.pop(), Method::Connect);
        assert_eq!(q.pop(), Method::Options);
        assert_eq!(q.pop(), Method::Other);
        assert_eq!(q.len(), 0);
    }
}
