//! The command line (clap), turned into the library's plain config.

use std::path::PathBuf;

use clap::{Parser, Subcommand, ValueEnum};

use articast::chapters::Sidecar;
use articast::config::RenderConfig;
use articast::engine::EngineKind;
use articast::script::MarkKind;

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
    /// What becomes a WAV marker and a chapter in the sidecars, comma-separated.
    #[arg(long, value_enum, value_delimiter = ',', value_name = "KINDS",
          default_values_t = [MarkerArg::Sections, MarkerArg::Quotes])]
    pub markers: Vec<MarkerArg>,
    /// Sidecar files to write beside the audio, comma-separated (`all` or `none`).
    #[arg(long, value_enum, value_delimiter = ',', value_name = "FILES",
          default_values_t = [SidecarArg::All])]
    pub sidecars: Vec<SidecarArg>,
    /// Write one WAV per section (`<stem>-01-<slug>.wav`, ...) and an `.m3u` playlist.
    #[arg(long, value_enum, value_name = "UNIT")]
    pub split: Option<SplitArg>,
    /// No progress bar.
    #[arg(short, long)]
    pub quiet: bool,
}

/// Marker kinds on the command line.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum MarkerArg {
    /// Sections (the title and each heading).
    Sections,
    /// Quotations.
    Quotes,
    /// Body paragraphs.
    Paragraphs,
}

/// Sidecar names on the command line.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum SidecarArg {
    /// Every sidecar.
    All,
    /// No sidecar.
    None,
    /// `<stem>.chapters.json` (Podcasting 2.0 chapters).
    Json,
    /// `<stem>.ffmeta` (FFmpeg metadata).
    Ffmeta,
    /// `<stem>.cue` (CUE sheet).
    Cue,
    /// `<stem>.chapters.vtt` (WebVTT chapters).
    ChaptersVtt,
    /// `<stem>.srt` (SubRip captions).
    Srt,
    /// `<stem>.vtt` (WebVTT captions).
    Vtt,
    /// `<stem>.timing.json` (sections, paragraphs and sentences with times).
    Timing,
}

/// Split units on the command line.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum SplitArg {
    /// One file per section.
    Sections,
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
            markers: self
                .markers
                .iter()
                .map(|m| match m {
                    MarkerArg::Sections => MarkKind::Section,
                    MarkerArg::Quotes => MarkKind::Quote,
                    MarkerArg::Paragraphs => MarkKind::Paragraph,
                })
                .collect(),
            sidecars: sidecars(&self.sidecars),
            split_sections: self.split == Some(SplitArg::Sections),
            ..RenderConfig::default()
        }
    }
}

/// The sidecars a list names, each once, in the order they are written.
fn sidecars(args: &[SidecarArg]) -> Vec<Sidecar> {
    Sidecar::ALL
        .into_iter()
        .filter(|kind| {
            args.iter().any(|a| match a {
                SidecarArg::All => true,
                SidecarArg::None => false,
                SidecarArg::Json => *kind == Sidecar::ChaptersJson,
                SidecarArg::Ffmeta => *kind == Sidecar::Ffmeta,
                SidecarArg::Cue => *kind == Sidecar::Cue,
                SidecarArg::ChaptersVtt => *kind == Sidecar::ChaptersVtt,
                SidecarArg::Srt => *kind == Sidecar::Srt,
                SidecarArg::Vtt => *kind == Sidecar::Vtt,
                SidecarArg::Timing => *kind == Sidecar::Timing,
            })
        })
        .collect()
}
