//! `ehp fmt`: format `.ehp` files in place, check them, or format stdin.

use std::path::PathBuf;

use super::args::FmtArgs;
use super::report::Reporter;
use super::rewrite::replace_source;
use super::sources::{ehp_files, read_text};
use super::{EXIT_FAILED, EXIT_OK, UsageError};
use crate::source::SourceDb;

/// `ehp fmt [PATHS] [--check]`.
pub(super) fn run(args: &FmtArgs) -> Result<u8, UsageError> {
    let reporter = args.diagnostics.reporter();
    let (paths, check_only) = (&args.paths, args.check);
    if paths.len() == 1 && paths.first().is_some_and(|path| path.as_os_str() == "-") {
        return format_stdin(check_only, reporter);
    }
    let roots: Vec<PathBuf> = if paths.is_empty() {
        vec![PathBuf::from(".")]
    } else {
        paths.to_vec()
    };
    let mut files: Vec<PathBuf> = Vec::new();
    for root in &roots {
        if root.is_file() {
            files.push(root.clone());
            continue;
        }
        if !root.is_dir() {
            return Err(UsageError(format!(
                "`{}` is neither a file nor a directory",
                root.display()
            )));
        }
        let (found, problems) = ehp_files(root, None);
        if let Some(problem) = problems.into_iter().next() {
            return Err(UsageError(problem));
        }
        files.extend(found);
    }
    let mut failed = false;
    for path in files {
        let text = read_text(&path)?;
        match crate::fmt::format_source(&text)
            .map(|formatted| crate::source::with_line_endings_of(&text, &formatted))
        {
            Ok(formatted) if formatted == text => {}
            Ok(_) if check_only => {
                outln!("would reformat: {}", path.display());
                failed = true;
            }
            Ok(formatted) => {
                replace_source(&path, &text, &formatted)?;
                errln!("formatted {}", path.display());
            }
            Err(diagnostics) => {
                let mut db = SourceDb::new();
                db.add(path.display().to_string(), text);
                reporter.report(&db, &diagnostics);
                failed = true;
            }
        }
    }
    Ok(if failed { EXIT_FAILED } else { EXIT_OK })
}

/// `ehp fmt -`: formats stdin to stdout.
fn format_stdin(check_only: bool, reporter: Reporter) -> Result<u8, UsageError> {
    let mut text = String::new();
    std::io::Read::read_to_string(&mut std::io::stdin(), &mut text)
        .map_err(|error| format!("cannot read stdin: {error}"))?;
    match crate::fmt::format_source(&text) {
        Ok(formatted) => {
            super::stdio::out_bytes(formatted.as_bytes());
            Ok(if check_only && formatted != text {
                EXIT_FAILED
            } else {
                EXIT_OK
            })
        }
        Err(diagnostics) => {
            let mut db = SourceDb::new();
            db.add("<stdin>", text);
            reporter.report(&db, &diagnostics);
            Ok(EXIT_FAILED)
        }
    }
}
