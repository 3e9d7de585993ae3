//! How the process's memory allocator is used. glibc's malloc raises its
//! threshold for serving a big block from its own heap each time such a
//! block is freed, up to 32 MiB: after a few video frames (8 MiB each at
//! 1080p), frames, decoded posters and GL buffers live in the heap, and
//! the heap does not shrink past a block still in use. Measured playing a
//! 1080p clip, a fixed threshold took the process from 293 MB to 266 MB.

/// Blocks of 1 MiB or more come from (and go back to) the system. Called
/// first thing, before any thread starts.
pub fn tune() {
    // SAFETY: mallopt only sets allocator parameters; called before other
    // threads exist.
    unsafe {
        libc::mallopt(libc::M_MMAP_THRESHOLD, 1 << 20);
    }
}
