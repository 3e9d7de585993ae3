//! Pixels in memory pages of their own, given back to the system the
//! moment they are dropped.
//!
//! A decoded poster (135 KB and more) lives as long as its texture, and is
//! dropped on the main thread, long after the poster thread made it. Made
//! by malloc, it sits in the poster thread's heap, which does not shrink
//! while anything above it lives: a 50 000-item grid's scrolling left
//! ~10 MB there (measured by `benches/grid_50k.rs`). Setting malloc to map
//! every big block apart (`M_MMAP_THRESHOLD`) fixed that but cost GTK's
//! own per-frame buffers a fresh mapping every frame (Home scrolled at
//! half the frame rate); only the posters get pages of their own here.

use std::ptr::NonNull;

pub struct OwnPages {
    ptr: NonNull<u8>,
    len: usize,
}

// SAFETY: the pages are owned by this value alone (no other pointer to
// them is kept), so it may move between threads like a Vec<u8>.
unsafe impl Send for OwnPages {}

impl OwnPages {
    /// `len` zeroed bytes (None: no memory, or nothing asked).
    pub fn zeroed(len: usize) -> Option<Self> {
        if len == 0 {
            return None;
        }
        // SAFETY: an anonymous private mapping; no file, no fixed address.
        let ptr = unsafe {
            libc::mmap(
                std::ptr::null_mut(),
                len,
                libc::PROT_READ | libc::PROT_WRITE,
                libc::MAP_PRIVATE | libc::MAP_ANONYMOUS,
                -1,
                0,
            )
        };
        if ptr == libc::MAP_FAILED {
            return None;
        }
        NonNull::new(ptr.cast::<u8>()).map(|ptr| OwnPages { ptr, len })
    }
}

impl AsRef<[u8]> for OwnPages {
    fn as_ref(&self) -> &[u8] {
        // SAFETY: `len` bytes mapped readable (and zeroed) by `zeroed`, alive until drop.
        unsafe { std::slice::from_raw_parts(self.ptr.as_ptr(), self.len) }
    }
}

impl AsMut<[u8]> for OwnPages {
    fn as_mut(&mut self) -> &mut [u8] {
        // SAFETY: as above, writable, and `&mut self` makes this the only view.
        unsafe { std::slice::from_raw_parts_mut(self.ptr.as_ptr(), self.len) }
    }
}

impl Drop for OwnPages {
    fn drop(&mut self) {
        // SAFETY: the mapping made in `zeroed`, unmapped once.
        unsafe { libc::munmap(self.ptr.as_ptr().cast(), self.len) };
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pages_hold_what_is_written_and_go_back_when_dropped() {
        let mut p = OwnPages::zeroed(200_000).expect("memory");
        assert!(p.as_ref().iter().all(|b| *b == 0));
        p.as_mut()[199_999] = 7;
        assert_eq!(p.as_ref()[199_999], 7);
        assert!(OwnPages::zeroed(0).is_none());
        drop(p);
    }
}
