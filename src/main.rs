// mimalloc keeps per-thread heaps small and hands freed pages back to the
// OS: indexing one 60 MB file peaks near 300 MB instead of 500 MB under
// glibc's malloc arenas (README, Operations).
#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

/// mimalloc (v3) option numbers, from `mimalloc.h`'s `mi_option_e`.
const MI_OPTION_ARENA_EAGER_COMMIT: i32 = 4;
const MI_OPTION_PURGE_DELAY: i32 = 15;

fn main() -> std::process::ExitCode {
    // Purge freed memory after 5 ms and commit arena memory only when used,
    // so the peak follows what is live (a big file's text, the writer's
    // arenas) rather than what was live a moment ago. Purging at once
    // (delay 0) kept the peak 10 MB lower but faulted freed pages back in
    // all the time: 5–10 % of the Kiryu build's CPU (bench/README.md).
    // SAFETY: plain option setters of the allocator in use, called before
    // any other thread exists.
    unsafe {
        libmimalloc_sys::mi_option_set(MI_OPTION_PURGE_DELAY, 5);
        libmimalloc_sys::mi_option_set(MI_OPTION_ARENA_EAGER_COMMIT, 0);
    }
    plansearch::cli::main()
}
