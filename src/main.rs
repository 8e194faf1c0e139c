//! The `ehp` binary: hands the command line to [`ehp::cli`].

fn main() -> std::process::ExitCode {
    ehp::cli::main()
}
