//! A guard against stack exhaustion in the recursive parser and executor:
//! it remembers the stack position where work started and reports when the
//! stack has grown by more than a budget, so deeply nested or recursive
//! templates fail with an error instead of overflowing the thread's stack.

/// Measures stack growth since its creation.
pub(crate) struct StackGuard {
    base: usize,
    budget: usize,
}

/// The address of a local of a non-inlined frame: the current stack depth.
#[inline(never)]
fn stack_position() -> usize {
    let marker = 0u8;
    std::hint::black_box(&marker) as *const u8 as usize
}

impl StackGuard {
    /// A guard allowing `budget` bytes of stack growth from here.
    pub(crate) fn new(budget: usize) -> StackGuard {
        StackGuard {
            base: stack_position(),
            budget,
        }
    }

    /// Whether the stack grew beyond the budget.
    pub(crate) fn exceeded(&self) -> bool {
        self.base.abs_diff(stack_position()) > self.budget
    }
}
