//! The command line as clap types: one variant per command, the arguments of each command, and
//! the argument groups every command shares. Nothing here runs a command.
//!
//! The conventions, which a new command follows by flattening the shared structs below:
//!
//! - **The project** is named with `-C/--project PATH` ([`ProjectArg`]): the project's folder,
//!   or any file or folder inside it; the root is the nearest folder at or above it that holds
//!   `ehp.toml` (see `project::locate`), the current folder by default. A command whose only
//!   operand is the project (`check`, `build`, `diff`, `status`) also takes it as its
//!   positional `[PATH]` ([`ProjectOperand`]); the two are the same option. `--path` is the
//!   older spelling of `--project`, still accepted.
//! - **Environments**: `--env ENV` names the environments a command works on: repeatable
//!   where several make sense, as "only these" ([`EnvFilter`]: `build`, `why`, `log`,
//!   `diff --base`), once where the command edits one (`hotfix`, `rollback`). The two ends of
//!   a step a release takes are `--from ENV` and `--to ENV` (`promote`, `diff` between two
//!   environments). An image tag is always `--tag`.
//! - **Diagnostics**: a command that prints diagnostics flattens [`DiagnosticArgs`]
//!   (`--message-format`, `--color`, `--deny`); the others (`lsp`, `explain`, `completions`)
//!   do not show them.

use std::path::{Path, PathBuf};

use clap::{Args, Parser, Subcommand, ValueEnum};

use super::report::Reporter;

pub(super) const AFTER_HELP: &str = "\
Exit codes:
  0  success
  1  the sources have errors, or `build --check` found the output out of date
  2  bad usage, no .ehp file where the project should be, or a file could not be read or
     written";

const FMT_AFTER_HELP: &str = "\
Exit codes:
  0  every file is formatted (or was formatted now)
  1  with --check: some file would change; or some file has a syntax error
  2  bad usage, or a file could not be read or written";

const DIFF_AFTER_HELP: &str = "\
Exit codes:
  0  success (with --exit-code: the desired state is the same)
  1  either side has errors; with --exit-code: the desired state differs
  2  bad usage, a git error, or a file could not be read";

/// `ehp`: compile .ehp deployment descriptions into helmsman desired-state files and Helm
/// values files.
#[derive(Debug, Parser)]
#[command(name = "ehp", version, about, after_help = AFTER_HELP)]
pub(super) struct Cli {
    #[command(subcommand)]
    pub(super) command: Command,
}

/// `-C/--project PATH`: the project a command works on.
#[derive(Debug, Clone, Args)]
pub(super) struct ProjectArg {
    /// The project: its folder, or any file or folder inside it (its root is the nearest
    /// folder at or above it holding ehp.toml). Default: the current folder.
    #[arg(short = 'C', long = "project", value_name = "PATH", alias = "path")]
    pub(super) project: Option<PathBuf>,
}

impl ProjectArg {
    /// The path given, or the current folder.
    pub(super) fn given(&self) -> &Path {
        self.project.as_deref().unwrap_or(Path::new("."))
    }
}

/// The project as a command's operand: `[PATH]`, or the same as `-C/--project PATH`.
#[derive(Debug, Clone, Args)]
pub(super) struct ProjectOperand {
    /// The project: its folder, or a file or folder inside it, whose problems alone are then
    /// reported (the same as --project). Default: the current folder.
    #[arg(value_name = "PATH", conflicts_with = "project")]
    pub(super) path: Option<PathBuf>,
    #[command(flatten)]
    pub(super) project: ProjectArg,
}

impl ProjectOperand {
    /// The path given either way, or the current folder.
    pub(super) fn given(&self) -> &Path {
        self.path
            .as_deref()
            .or(self.project.project.as_deref())
            .unwrap_or(Path::new("."))
    }
}

/// `--env ENV...`: only these environments.
#[derive(Debug, Clone, Args)]
pub(super) struct EnvFilter {
    /// Only this environment (repeatable). Default: every concrete environment.
    #[arg(long = "env", value_name = "ENV")]
    pub(super) envs: Vec<String>,
}

/// How diagnostics are printed, for the commands that print them.
#[derive(Debug, Clone, Args)]
#[command(next_help_heading = "Diagnostics")]
pub(super) struct DiagnosticArgs {
    /// How diagnostics are printed: `human` and `short` on stderr; `json` (one object per
    /// line), `sarif` (SARIF 2.1.0) and `github` (workflow commands) on stdout.
    #[arg(long, value_enum, default_value_t = MessageFormat::Human)]
    pub(super) message_format: MessageFormat,
    /// When to colour human output (`NO_COLOR` set means never, for `auto`).
    #[arg(long, value_enum, default_value_t = ColorChoice::Auto)]
    pub(super) color: ColorChoice,
    /// `--deny warnings` makes every warning but W0005 (a hot-fix on its way back down the
    /// chain, which only more commits can bring back) fail the run (exit 1); `--deny CODE` (a
    /// warning code such as W0020, unknown chart values) only that one. May be repeated.
    #[arg(long, value_parser = parse_deny, value_name = "warnings|CODE")]
    pub(super) deny: Vec<DenyArg>,
}

impl DiagnosticArgs {
    /// The reporter these options describe.
    pub(super) fn reporter(&self) -> Reporter {
        Reporter {
            format: self.message_format,
            color: self.color,
            deny_warnings: self.deny.contains(&DenyArg::Warnings),
            answering: false,
            // The denied codes live as long as the run: leaking the short list keeps
            // `Reporter` a plain copyable value.
            denied: Vec::leak(
                self.deny
                    .iter()
                    .filter_map(|deny| match deny {
                        DenyArg::Code(code) => Some(*code),
                        DenyArg::Warnings => None,
                    })
                    .collect(),
            ),
        }
    }
}

/// `--message-format`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub(super) enum MessageFormat {
    /// Source excerpts with labels and help, for people.
    Human,
    /// One line per diagnostic: `file:line:col: severity[code]: message`.
    Short,
    /// One JSON object per line and diagnostic.
    Json,
    /// One SARIF 2.1.0 log, for code-scanning uploads.
    Sarif,
    /// GitHub Actions workflow commands, shown as pull-request annotations.
    Github,
}

/// `--color`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub(super) enum ColorChoice {
    /// Colour when stderr is a terminal and `NO_COLOR` is not set.
    Auto,
    /// Always colour.
    Always,
    /// Never colour.
    Never,
}

/// `--deny`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum DenyArg {
    /// Every warning but W0005 counts as an error for the exit code.
    Warnings,
    /// This warning counts as an error for the exit code.
    Code(crate::diag::Code),
}

/// `warnings`, or the code of a warning (`W0020`).
fn parse_deny(text: &str) -> Result<DenyArg, String> {
    if text == "warnings" {
        return Ok(DenyArg::Warnings);
    }
    match crate::diag::codes::lookup(text) {
        Some(code) if code.id.starts_with('W') => Ok(DenyArg::Code(code)),
        Some(code) => Err(format!(
            "{} is an error already: only warnings can be denied",
            code.id
        )),
        None => Err(format!(
            "`{text}` is neither `warnings` nor a warning code such as W0020"
        )),
    }
}

#[derive(Debug, Subcommand)]
pub(super) enum Command {
    /// Check the project and report every problem; writes nothing. Given a file or folder
    /// inside a project, check the whole project and report that part's problems.
    #[command(after_help = AFTER_HELP)]
    Check(CheckArgs),
    /// Write each environment's helmsman desired-state file and Helm values files.
    #[command(after_help = AFTER_HELP)]
    Build(BuildArgs),
    /// Show where a field's value comes from: the final value of FIELD (dotted for a part of
    /// it, e.g. `probes.period`) of APP in each environment, and every layer that sets it, in
    /// order, with the ones that win, in the sources of the branch each environment is
    /// deployed from.
    #[command(after_help = AFTER_HELP)]
    Why(WhyArgs),
    /// Show what a change does to the desired state: every desired-state file and values file
    /// of the project at `--base GIT_REV` against the working tree, as a unified diff per
    /// changed file, or as Markdown for a pull-request comment (with each release's record and
    /// the gate's verdict). With `--from A --to B`, compare two environments instead, each read
    /// from its branch.
    #[command(after_help = DIFF_AFTER_HELP)]
    Diff(DiffArgs),
    /// Show the release of every app in every environment of the promotion chain, each read
    /// from its branch: who put it there and when, what is waiting for promotion, the
    /// hot-fixes (and those that have not flowed back), rollbacks and releases marked bad.
    #[command(after_help = AFTER_HELP)]
    Status(StatusArgs),
    /// Promote apps one step along the promotion chain: copy their release (by default `tag`
    /// and `chart_version`) from one environment to the next by editing the `.ehp` sources,
    /// and record who promoted and why.
    #[command(after_help = AFTER_HELP)]
    Promote(PromoteArgs),
    /// Put a release straight into an environment that accepts hot-fixes, marked as a hot-fix
    /// in the source.
    #[command(after_help = AFTER_HELP)]
    Hotfix(HotfixArgs),
    /// Put an environment back on a release it ran before (found in the git history), recorded
    /// as a rollback, and mark the release it replaces as bad so that it is not promoted again.
    #[command(after_help = AFTER_HELP)]
    Rollback(RollbackArgs),
    /// Put a newly published image tag on the first environment of the promotion chain, and
    /// record who published it.
    #[command(after_help = AFTER_HELP)]
    Publish(PublishArgs),
    /// List every publication, promotion, hot-fix and rollback in the git history: who, when,
    /// from where, why, and the commit; each environment read from its branch.
    #[command(after_help = AFTER_HELP)]
    Log(LogArgs),
    /// Start a project: a new platform (ehp.toml, environments, a promotion chain), or with
    /// --app a supplier's new app in an existing project. What it writes checks clean and is
    /// formatted.
    #[command(after_help = AFTER_HELP)]
    Init(InitArgs),
    /// Import a platform from helmsman: one desired-state file per environment (YAML or
    /// TOML) and the values files it names become an .ehp project in --out, with what the
    /// environments share in an abstract `base` and in each app, and what differs in overrides.
    /// What cannot be carried over is reported where it is written (see docs/import.md).
    #[command(after_help = AFTER_HELP)]
    Import(ImportArgs),
    /// Format .ehp files in place (one canonical layout, comments kept). `-` formats stdin to
    /// stdout. A file with a syntax error is left untouched and reported.
    #[command(after_help = FMT_AFTER_HELP)]
    Fmt(FmtArgs),
    /// Fetch and lock the Helm charts the project uses, so that `check` and `build` check
    /// chart values against them (see docs/charts.md).
    #[command(subcommand)]
    Charts(ChartsCommand),
    /// Run the language server on stdin/stdout (for editors; see docs/editors.md).
    Lsp,
    /// Print the explanation of a diagnostic code, e.g. `ehp explain E0501`.
    Explain {
        /// The code.
        code: String,
    },
    /// Print a shell completion script, e.g. `ehp completions bash > ~/.local/share/bash-completion/completions/ehp`.
    Completions {
        /// The shell.
        shell: clap_complete::Shell,
    },
}

/// `ehp charts ...`.
#[derive(Debug, Subcommand)]
pub(super) enum ChartsCommand {
    /// Download every chart version the project uses (from its Helm repository, digest checked
    /// against the repository's index, or from its OCI registry) into the chart cache, and
    /// write `ehp.lock` with each version's digest. The only command that uses the network;
    /// charts already in the cache with their locked digest are not downloaded again.
    #[command(after_help = CHARTS_AFTER_HELP)]
    Fetch(ChartsFetchArgs),
}

const CHARTS_AFTER_HELP: &str = "\
The cache is $EHP_CHART_CACHE, else $XDG_CACHE_HOME/ehp/charts, else ~/.cache/ehp/charts.

Exit codes:
  0  every chart is in the cache and locked
  1  the sources have errors, a chart is not in its repository, or a digest does not match
  2  bad usage, a repository could not be reached, or a file could not be read or written";

// `ehp charts fetch`.
#[derive(Debug, Args)]
pub(super) struct ChartsFetchArgs {
    /// The project (`ehp.lock` is written at its root).
    #[command(flatten)]
    pub(super) project: ProjectOperand,
    #[command(flatten)]
    pub(super) diagnostics: DiagnosticArgs,
}

// The argument structs carry plain comments: a doc comment on them would become the command's
// `about` and hide the variant's.

// `ehp check`.
#[derive(Debug, Args)]
pub(super) struct CheckArgs {
    #[command(flatten)]
    pub(super) project: ProjectOperand,
    /// Also check every commit since this git revision (and the working tree): each change
    /// of a release is a promotion from the environment before it (which ran that release), a
    /// hot-fix, a rollback or a publication, by someone the step's roles name.
    #[arg(long, value_name = "GIT_REV")]
    pub(super) against: Option<String>,
    /// With `--against`: the commits arrive through the chain's pull request, so no
    /// privileged environment of the branch it merges into may change.
    #[arg(long, requires = "against")]
    pub(super) pull_request: bool,
    #[command(flatten)]
    pub(super) diagnostics: DiagnosticArgs,
}

// `ehp build`.
#[derive(Debug, Args)]
pub(super) struct BuildArgs {
    #[command(flatten)]
    pub(super) project: ProjectOperand,
    /// The output directory. ehp writes only files it generated, listed in its
    /// `.ehp-manifest`, and refuses to overwrite any other file.
    #[arg(long, value_name = "DIR")]
    pub(super) out: PathBuf,
    /// Build only these environments; the files of the others stay as they are.
    #[command(flatten)]
    pub(super) envs: EnvFilter,
    /// The format of the desired-state files. Default: the format of the output already in
    /// DIR (from its manifest), else YAML.
    #[arg(long, value_enum)]
    pub(super) dsf_format: Option<FormatArg>,
    /// Write nothing; exit 1 and list the files that differ, are missing or are stale
    /// when the output directory is not exactly what the sources produce.
    #[arg(long)]
    pub(super) check: bool,
    #[command(flatten)]
    pub(super) diagnostics: DiagnosticArgs,
}

// `ehp why`.
#[derive(Debug, Args)]
pub(super) struct WhyArgs {
    /// The app and the field (or a dotted path into it). The older spelling `ehp why ENV APP
    /// FIELD` still works and means `ehp why APP FIELD --env ENV`.
    #[arg(value_name = "APP FIELD", num_args = 2..=3, required = true)]
    pub(super) targets: Vec<String>,
    #[command(flatten)]
    pub(super) envs: EnvFilter,
    #[command(flatten)]
    pub(super) project: ProjectArg,
    #[command(flatten)]
    pub(super) revisions: RevisionArgs,
    #[command(flatten)]
    pub(super) diagnostics: DiagnosticArgs,
}

// `ehp diff`.
#[derive(Debug, Args)]
pub(super) struct DiffArgs {
    #[command(flatten)]
    pub(super) project: ProjectOperand,
    /// The git revision to compare with, e.g. `origin/prod`.
    #[arg(long, value_name = "GIT_REV", conflicts_with_all = ["from", "to"])]
    pub(super) base: Option<String>,
    /// With `--base`: only these environments.
    #[command(flatten)]
    pub(super) envs: EnvFilter,
    /// Compare two environments of the working tree: the one a release comes from ...
    #[arg(long, value_name = "ENV", requires = "to")]
    pub(super) from: Option<String>,
    /// ... and the one it goes to.
    #[arg(long, value_name = "ENV", requires = "from")]
    pub(super) to: Option<String>,
    /// `unified` (a diff per file) or `markdown` (a pull-request comment).
    #[arg(long, value_enum, default_value_t = DiffFormatArg::Unified)]
    pub(super) format: DiffFormatArg,
    /// Exit 1 when the desired state differs, as `git diff --exit-code` does.
    #[arg(long)]
    pub(super) exit_code: bool,
    /// With `--base`: the change is the chain's pull request; the comment names the
    /// environments merging deploys, and its gate is `ehp check --against BASE
    /// --pull-request` (with `--format markdown`, the gate's verdict is always in the comment).
    #[arg(long, requires = "base")]
    pub(super) pull_request: bool,
    #[command(flatten)]
    pub(super) revisions: RevisionArgs,
    #[command(flatten)]
    pub(super) diagnostics: DiagnosticArgs,
}

// `ehp status`.
#[derive(Debug, Args)]
pub(super) struct StatusArgs {
    #[command(flatten)]
    pub(super) project: ProjectOperand,
    /// `text`, `markdown`, `html` (one self-contained page) or `json`.
    #[arg(long, value_enum, default_value_t = StatusFormatArg::Text)]
    pub(super) format: StatusFormatArg,
    #[command(flatten)]
    pub(super) revisions: RevisionArgs,
    #[command(flatten)]
    pub(super) diagnostics: DiagnosticArgs,
}

// Which revision each branch of the chain is read at (`status`, `why`, `diff --env`, `log`).
#[derive(Debug, Args, Clone, Default)]
pub(super) struct RevisionArgs {
    /// Read the environments of BRANCH at REV (repeatable), e.g. `--rev prod=HEAD`. By default
    /// each branch is read at `origin/BRANCH`, else at `BRANCH`.
    #[arg(long = "rev", value_name = "BRANCH=REV")]
    pub(super) revs: Vec<String>,
    /// Read the branch checked out from the working tree, uncommitted edits included.
    #[arg(long)]
    pub(super) worktree: bool,
}

// `ehp promote`.
#[derive(Debug, Args)]
pub(super) struct PromoteArgs {
    /// The apps to promote.
    pub(super) apps: Vec<String>,
    /// Promote every app of the `--from` environment.
    #[arg(long)]
    pub(super) all: bool,
    /// The environment the release comes from.
    #[arg(long, value_name = "ENV")]
    pub(super) from: String,
    /// The environment it goes to: the next one in the chain.
    #[arg(long, value_name = "ENV")]
    pub(super) to: String,
    /// Who promotes: recorded in the source, and one of the step's roles when it is
    /// privileged (an e-mail address, as git and Jenkins show it).
    #[arg(long)]
    pub(super) actor: String,
    /// Why (recorded in the source).
    #[arg(long)]
    pub(super) reason: Option<String>,
    /// The date recorded (default: today, YYYY-MM-DD).
    #[arg(long)]
    pub(super) date: Option<String>,
    /// Show the edit as a diff and change nothing.
    #[arg(long)]
    pub(super) dry_run: bool,
    #[command(flatten)]
    pub(super) project: ProjectArg,
    #[command(flatten)]
    pub(super) diagnostics: DiagnosticArgs,
}

// `ehp hotfix`.
#[derive(Debug, Args)]
pub(super) struct HotfixArgs {
    /// The app.
    pub(super) app: String,
    /// The environment the fix goes into (one listed in the chain's `hotfix_envs`).
    #[arg(long, value_name = "ENV")]
    pub(super) env: String,
    /// The image tag of the fix (none for a `helm_chart`, whose release is its chart version).
    #[arg(long, required_unless_present = "chart_version")]
    pub(super) tag: Option<String>,
    /// The chart version of the fix, when it changes too.
    #[arg(long, value_name = "VERSION")]
    pub(super) chart_version: Option<String>,
    /// Why the fix cannot wait for the chain.
    #[arg(long)]
    pub(super) reason: String,
    /// Who makes the fix: recorded in the source, and one of the roles of the step into the
    /// environment when it is privileged.
    #[arg(long)]
    pub(super) actor: String,
    /// The date recorded (default: today, YYYY-MM-DD).
    #[arg(long)]
    pub(super) date: Option<String>,
    /// Show the edit as a diff and change nothing.
    #[arg(long)]
    pub(super) dry_run: bool,
    #[command(flatten)]
    pub(super) project: ProjectArg,
    #[command(flatten)]
    pub(super) diagnostics: DiagnosticArgs,
}

// `ehp rollback`.
#[derive(Debug, Args)]
pub(super) struct RollbackArgs {
    /// The app.
    pub(super) app: String,
    /// The environment (after the first of the chain).
    #[arg(long, value_name = "ENV")]
    pub(super) env: String,
    /// The image tag to go back to; by default the release the environment ran before the
    /// current one. `--to` is its older spelling.
    #[arg(long, value_name = "TAG", alias = "to")]
    pub(super) tag: Option<String>,
    /// Why the current release has to go (also recorded as why it is bad).
    #[arg(long)]
    pub(super) reason: String,
    /// Who rolls back: recorded, and one of the roles of the step into the environment when
    /// it is privileged.
    #[arg(long)]
    pub(super) actor: String,
    /// The date recorded (default: today, YYYY-MM-DD).
    #[arg(long)]
    pub(super) date: Option<String>,
    /// Show the edit as a diff and change nothing.
    #[arg(long)]
    pub(super) dry_run: bool,
    #[command(flatten)]
    pub(super) project: ProjectArg,
    #[command(flatten)]
    pub(super) diagnostics: DiagnosticArgs,
}

// `ehp publish`.
#[derive(Debug, Args)]
pub(super) struct PublishArgs {
    /// The app.
    pub(super) app: String,
    /// The image tag pushed to the registry (none for a `helm_chart`, whose release is its
    /// chart version).
    #[arg(long, required_unless_present = "chart_version")]
    pub(super) tag: Option<String>,
    /// The chart version, when it changes too.
    #[arg(long, value_name = "VERSION")]
    pub(super) chart_version: Option<String>,
    /// What the release brings (recorded).
    #[arg(long)]
    pub(super) reason: Option<String>,
    /// Who publishes (recorded): a supplier, or the job that watches the registry.
    #[arg(long)]
    pub(super) actor: String,
    /// The date recorded (default: today, YYYY-MM-DD).
    #[arg(long)]
    pub(super) date: Option<String>,
    /// Show the edit as a diff and change nothing.
    #[arg(long)]
    pub(super) dry_run: bool,
    #[command(flatten)]
    pub(super) project: ProjectArg,
    #[command(flatten)]
    pub(super) diagnostics: DiagnosticArgs,
}

// `ehp log`.
#[derive(Debug, Args)]
pub(super) struct LogArgs {
    /// Only this app.
    pub(super) app: Option<String>,
    #[command(flatten)]
    pub(super) envs: EnvFilter,
    /// `text` or `json`.
    #[arg(long, value_enum, default_value_t = LogFormatArg::Text)]
    pub(super) format: LogFormatArg,
    /// How many commits of each branch to read, newest first.
    #[arg(long, default_value_t = 1000)]
    pub(super) max_count: usize,
    #[command(flatten)]
    pub(super) project: ProjectArg,
    #[command(flatten)]
    pub(super) revisions: RevisionArgs,
    #[command(flatten)]
    pub(super) diagnostics: DiagnosticArgs,
}

/// `ehp log --format`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub(super) enum LogFormatArg {
    /// One line per event.
    Text,
    /// JSON (`"version": 1`, documented in docs/promotion.md).
    Json,
}

// `ehp init`.
#[derive(Debug, Args)]
pub(super) struct InitArgs {
    /// Without --app: the folder of the new project (created if missing; default: the
    /// current folder). With --app: the project, or a folder inside it (the same as
    /// --project).
    #[arg(value_name = "PATH", conflicts_with = "project")]
    pub(super) path: Option<PathBuf>,
    #[command(flatten)]
    pub(super) project: ProjectArg,
    /// The project's name (default: the folder's name).
    #[arg(long, conflicts_with = "app")]
    pub(super) name: Option<String>,
    /// Add a new app to an existing project instead, as `apps/APP.ehp`.
    #[arg(long, value_name = "APP")]
    pub(super) app: Option<String>,
    /// The template of the new app.
    #[arg(long, default_value = "web_service", requires = "app")]
    pub(super) template: String,
}

// `ehp import`.
#[derive(Debug, Args)]
pub(super) struct ImportArgs {
    /// An environment and its desired-state file, as NAME=DSF (repeat for each environment;
    /// an environment named twice has its files merged in order, as helmsman merges `-f`).
    #[arg(long = "env", value_name = "NAME=DSF", required = true)]
    pub(super) envs: Vec<String>,
    /// The folder of the new project (written whole; files ehp did not write are kept).
    #[arg(long, value_name = "DIR")]
    pub(super) out: PathBuf,
    /// The project's name (default: the name of the --out folder).
    #[arg(long)]
    pub(super) name: Option<String>,
    /// helmsman runs with `--subst-env-values`: `$NAME` in values files is a variable it
    /// substitutes (imported as deploy_var), `$$` a `$`.
    #[arg(long)]
    pub(super) subst_env_values: bool,
    #[command(flatten)]
    pub(super) diagnostics: DiagnosticArgs,
}

// `ehp fmt`.
#[derive(Debug, Args)]
pub(super) struct FmtArgs {
    /// Files or directories (default: the current directory); `-` for stdin.
    pub(super) paths: Vec<PathBuf>,
    /// Write nothing; list the files that would change and exit 1 if there are any.
    #[arg(long)]
    pub(super) check: bool,
    #[command(flatten)]
    pub(super) diagnostics: DiagnosticArgs,
}

/// `ehp diff --format`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub(super) enum DiffFormatArg {
    /// A unified diff per changed file.
    Unified,
    /// Markdown for a pull-request comment.
    Markdown,
}

/// `ehp status --format`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub(super) enum StatusFormatArg {
    /// A table for the terminal.
    Text,
    /// Markdown.
    Markdown,
    /// One self-contained HTML page.
    Html,
    /// JSON (`"version": 1`, documented in docs/promotion.md).
    Json,
}

/// `--dsf-format`.
#[derive(Debug, Clone, Copy, ValueEnum)]
pub(super) enum FormatArg {
    /// `helmsman.yaml`.
    Yaml,
    /// `helmsman.toml`.
    Toml,
}
