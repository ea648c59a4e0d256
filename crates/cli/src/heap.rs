//! glibc's allocator, tuned for the commands that hold much in memory: how
//! many heaps (arenas) its threads share, and giving back what it holds
//! free. Elsewhere (other systems, other C libraries) these do nothing.

/// Has glibc's allocator serve every thread from at most `arenas` heaps.
/// Each thread that allocates otherwise gets a heap of its own, and what
/// it frees stays there: peak memory then grows with every thread a
/// command starts. Call it before any thread starts.
pub fn limit_arenas(arenas: usize) {
    #[cfg(all(target_os = "linux", target_env = "gnu"))]
    // SAFETY: mallopt takes no pointer; it sets a limit the allocator reads
    // when a thread next needs an arena.
    unsafe {
        libc::mallopt(
            libc::M_ARENA_MAX,
            libc::c_int::try_from(arenas).unwrap_or(libc::c_int::MAX),
        );
    }
    #[cfg(not(all(target_os = "linux", target_env = "gnu")))]
    let _ = arenas;
}

/// Hands the memory glibc's allocator holds free back to the system: after
/// several threads each read a return, their heaps keep hundreds of
/// megabytes freed that the import would otherwise never reuse.
pub fn release_free_memory() {
    #[cfg(all(target_os = "linux", target_env = "gnu"))]
    // SAFETY: malloc_trim takes no pointer and only releases memory the
    // allocator itself holds free.
    unsafe {
        libc::malloc_trim(0);
    }
}
