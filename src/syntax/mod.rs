//! The syntax phase: pest grammar, item-level recovery and lowering to the AST.

pub mod ast;
pub mod literal;
mod parse;
mod split;
pub mod trivia;

pub use parse::{Agreement, hand_parser_agreement, parse_chunk, parse_file, split_file};
pub use split::Chunk;

/// The pest parser generated from `grammar/ehp.pest`.
#[allow(missing_docs)]
mod generated {
    /// The parser.
    #[derive(pest_derive::Parser)]
    #[grammar = "../grammar/ehp.pest"]
    pub(crate) struct EhpParser;
}

pub(crate) use generated::{EhpParser, Rule};
