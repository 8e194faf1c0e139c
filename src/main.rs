//! The `ehp` binary: hands the command line to [`ehp::cli`].

fn main() {
    println!("ehp");
}
