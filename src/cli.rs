//! The command line (clap), turned into the library's plain config.

use std::path::PathBuf;

use clap::builder::{PossibleValuesParser, TypedValueParser};
use clap::{Parser, Subcommand, ValueEnum};

use articast::audio::AudioOptions;
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
    /// Sample rate of the file in Hz [default: the narrator engine's rate].
    #[arg(long, value_name = "HZ", value_parser = clap::value_parser!(u32).range(8_000..=192_000))]
    pub sample_rate: Option<u32>,
    /// Channels: 1 (mono) or 2 (the same voice on both).
    #[arg(long, value_name = "N", default_value_t = 1, value_parser = PossibleValuesParser::new(["1", "2"]).map(|s| s.parse::<u16>().unwrap_or(1)))]
    pub channels: u16,
    /// Bits per sample: 16 or 24.
    #[arg(long, value_name = "BITS", default_value_t = 16, value_parser = PossibleValuesParser::new(["16", "24"]).map(|s| s.parse::<u16>().unwrap_or(16)))]
    pub bits: u16,
    /// Integrated loudness target in LUFS (EBU R 128, mono counted as dual mono), or `off`.
    #[arg(long, value_name = "LUFS|off", default_value = "-16", allow_hyphen_values = true, value_parser = parse_loudness)]
    pub loudness: Loudness,
    /// True-peak ceiling in dBTP, applied by a limiter after the loudness gain.
    #[arg(long, value_name = "DBTP", default_value_t = -1.0, allow_hyphen_values = true, value_parser = parse_true_peak)]
    pub true_peak: f64,
    /// Print the time of each stage (for scripts/bench.sh).
    #[arg(long, hide = true)]
    pub timings: bool,
}

/// `--loudness`: a target, or `off`.
#[derive(Debug, Clone, Copy)]
pub struct Loudness(pub Option<f64>);

fn parse_loudness(text: &str) -> Result<Loudness, String> {
    if text.eq_ignore_ascii_case("off") {
        return Ok(Loudness(None));
    }
    match text.parse::<f64>() {
        Ok(v) if (-70.0..=-5.0).contains(&v) => Ok(Loudness(Some(v))),
        _ => Err("expected a loudness between -70 and -5 LUFS (e.g. -16), or `off`".into()),
    }
}

fn parse_true_peak(text: &str) -> Result<f64, String> {
    match text.parse::<f64>() {
        Ok(v) if (-20.0..=0.0).contains(&v) => Ok(v),
        _ => Err("expected a ceiling between -20 and 0 dBTP (e.g. -1)".into()),
    }
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
            audio: AudioOptions {
                sample_rate: self.sample_rate,
                channels: self.channels,
                bits: self.bits,
                loudness: self.loudness.0,
                true_peak: self.true_peak,
            },
            ..RenderConfig::default()
        }
    }
}
