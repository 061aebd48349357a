//! The command line (clap), turned into the library's plain config.

use std::path::PathBuf;

use clap::{Parser, Subcommand, ValueEnum};

use articast::config::RenderConfig;
use articast::engine::EngineKind;

/// Turns written articles into narrated audio with chapter markers.
#[derive(Debug, Parser)]
#[command(name = "articast", version, about, propagate_version = true)]
pub struct Cli {
    /// What to do.
    #[command(subcommand)]
    pub command: Command,
}

/// The subcommands.
#[derive(Debug, Subcommand)]
pub enum Command {
    /// Speak articles into WAV files with section and quotation markers.
    Render(RenderArgs),
    /// Show how an article was understood: structure, quotations and dropped lines.
    Inspect(InspectArgs),
}

/// Arguments of `render`.
#[derive(Debug, clap::Args)]
pub struct RenderArgs {
    /// Article files (UTF-8 text), or `-` for standard input.
    #[arg(required = true, value_name = "INPUT")]
    pub inputs: Vec<String>,
    /// Folder for the output files.
    #[arg(short, long, value_name = "DIR", default_value = "output")]
    pub output: PathBuf,
    /// Speech engine (`fake` is a deterministic tone generator for tests).
    #[arg(long, value_enum, default_value_t = EngineArg::Espeak)]
    pub engine: EngineArg,
    /// No progress bar.
    #[arg(short, long)]
    pub quiet: bool,
}

/// Arguments of `inspect`.
#[derive(Debug, clap::Args)]
pub struct InspectArgs {
    /// Article file, or `-` for standard input.
    #[arg(value_name = "INPUT")]
    pub input: String,
    /// Print JSON instead of the indented view.
    #[arg(long)]
    pub json: bool,
}

/// Engine names on the command line.
#[derive(Debug, Clone, Copy, ValueEnum)]
pub enum EngineArg {
    /// libespeak-ng, in-process.
    Espeak,
    /// Deterministic tones (for tests).
    Fake,
}

impl RenderArgs {
    /// The library's config for these arguments.
    pub fn config(&self) -> RenderConfig {
        RenderConfig {
            out_dir: self.output.clone(),
            engine: match self.engine {
                EngineArg::Espeak => EngineKind::Espeak,
                EngineArg::Fake => EngineKind::Fake,
            },
            ..RenderConfig::default()
        }
    }
}
