//! [`CountingAllocator`]: the system allocator, counting the bytes in use and their peak, for
//! measuring peak heap memory by run length (`examples/heap_probe`, and by inclusion
//! `crates/nobat-core/tests/memory.rs`). A resident-set reading would also count freed memory
//! the allocator keeps.
//!
//! Install it with `#[global_allocator] static A: CountingAllocator = CountingAllocator;`.

use std::alloc::{GlobalAlloc, Layout, System};
use std::sync::atomic::{AtomicI64, Ordering};

/// The system allocator with counts of bytes in use and of the peak since the last
/// [`reset_peak`].
pub struct CountingAllocator;

static IN_USE: AtomicI64 = AtomicI64::new(0);
static PEAK: AtomicI64 = AtomicI64::new(0);

fn grew(bytes: i64) {
    let now = IN_USE.fetch_add(bytes, Ordering::Relaxed) + bytes;
    PEAK.fetch_max(now, Ordering::Relaxed);
}

/// Bytes allocated and not yet freed.
pub fn in_use() -> i64 {
    IN_USE.load(Ordering::Relaxed)
}

/// The most bytes in use at once since the last [`reset_peak`].
pub fn peak() -> i64 {
    PEAK.load(Ordering::Relaxed)
}

/// Starts a new peak from the bytes in use now.
pub fn reset_peak() {
    PEAK.store(in_use(), Ordering::Relaxed);
}

// SAFETY: every call is passed on to `System` unchanged; only the counters are added.
unsafe impl GlobalAlloc for CountingAllocator {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        grew(layout.size() as i64);
        unsafe { System.alloc(layout) }
    }
    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        IN_USE.fetch_sub(layout.size() as i64, Ordering::Relaxed);
        unsafe { System.dealloc(ptr, layout) }
    }
    unsafe fn realloc(&self, ptr: *mut u8, layout: Layout, new_size: usize) -> *mut u8 {
        grew(new_size as i64 - layout.size() as i64);
        unsafe { System.realloc(ptr, layout, new_size) }
    }
}
