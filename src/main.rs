//! The `ehp` binary: hands the command line to [`ehp::cli`].

/// ehp allocates many small, short-lived values per app and environment; mimalloc serves them
/// several times faster than the system allocator (see `benches/compile.rs`).
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn main() -> std::process::ExitCode {
    ehp::cli::main()
}
