//! The command line (clap), turned into the library's plain config.

use std::path::{Path, PathBuf};

use clap::builder::{PossibleValuesParser, TypedValueParser};
use clap::{Parser, Subcommand, ValueEnum};

use articast::article::ParseOptions;
use articast::audio::AudioOptions;
use articast::chapters::Sidecar;
use articast::config::RenderConfig;
use articast::config::Voices;
use articast::engine::EngineKind;
use articast::engine::profile;
use articast::input::Format;
use articast::script::{Lexicon, MarkKind, Pauses, Role, ScriptOptions, lexicon};

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
    Render(Box<RenderArgs>),
    /// Show how an article was understood: structure, quotations and dropped lines.
    Inspect(InspectArgs),
    /// List the voice profiles found (and where from) and the voices of the engines installed.
    Voices,
    /// Read an article aloud, paragraph by paragraph, through the platform speech service
    /// (speech-dispatcher on Linux). It only plays: the speech service hands no audio back, so it
    /// cannot write files; use `render` for files. Ctrl-C stops.
    #[cfg(feature = "speak")]
    Speak(SpeakArgs),
}

/// Arguments of `speak`.
#[cfg(feature = "speak")]
#[derive(Debug, clap::Args)]
pub struct SpeakArgs {
    /// Article file, or `-` for standard input.
    #[arg(value_name = "INPUT")]
    pub input: String,
    /// How the article is read.
    #[command(flatten)]
    pub read: ReadArgs,
}

/// Arguments of `render`.
#[derive(Debug, clap::Args)]
pub struct RenderArgs {
    /// Article files (plain text, Markdown or HTML), or `-` for standard input.
    #[arg(required = true, value_name = "INPUT")]
    pub inputs: Vec<String>,
    /// How articles are read.
    #[command(flatten)]
    pub read: ReadArgs,
    /// Respellings for the engine (TOML `[words]` table); default: voices/lexicon.toml if present.
    #[arg(long, value_name = "FILE")]
    pub lexicon: Option<PathBuf>,
    /// Narrator voice profile: a name (looked up in ./voices, ~/.config/articast/voices, built-in)
    /// or a path to a .toml file.
    #[arg(long, value_name = "NAME|PATH", default_value = "narrator")]
    pub voice: String,
    /// Voice profile for quotations.
    #[arg(long, value_name = "NAME|PATH", default_value = "quote")]
    pub quote_voice: String,
    /// Voice profile for the title and headings.
    #[arg(long, value_name = "NAME|PATH", default_value = "heading")]
    pub heading_voice: String,
    /// Speak quotations in the narrator's voice.
    #[arg(long, conflicts_with = "quote_voice")]
    pub no_quote_voice: bool,
    /// Do not speak the title and byline before the article.
    #[arg(long)]
    pub no_intro: bool,
    /// Do not speak the credits after the article.
    #[arg(long)]
    pub no_outro: bool,
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
    #[arg(
        long,
        value_enum,
        value_name = "UNIT",
        conflicts_with = "max_part_duration"
    )]
    pub split: Option<SplitArg>,
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
    /// Split programs longer than this into several files (`name-part01.wav`, …), cut in the
    /// pauses between utterances: seconds, or `90m`, `2h`, `1h30m`, `01:30:00`.
    #[arg(long, value_name = "DURATION", value_parser = parse_duration)]
    pub max_part_duration: Option<u32>,
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

/// Seconds from `5400`, `90m`, `1h30m`, `45s` or `01:30:00`.
fn parse_duration(text: &str) -> Result<u32, String> {
    let bad = || "expected a duration such as 3600, 90m, 1h30m or 01:30:00".to_string();
    let seconds = if text.contains(':') {
        text.split(':').try_fold(0u64, |total, field| {
            let n: u64 = field.parse().map_err(|_| bad())?;
            Ok::<u64, String>(total * 60 + n)
        })?
    } else if let Ok(n) = text.parse::<u64>() {
        n
    } else {
        let mut total = 0u64;
        let mut number = String::new();
        for c in text.chars() {
            match c {
                '0'..='9' => number.push(c),
                'h' | 'm' | 's' if !number.is_empty() => {
                    let n: u64 = number.parse().map_err(|_| bad())?;
                    let unit = match c {
                        'h' => 3_600,
                        'm' => 60,
                        _ => 1,
                    };
                    total = total.saturating_add(n.saturating_mul(unit));
                    number.clear();
                }
                _ => return Err(bad()),
            }
        }
        if !number.is_empty() {
            return Err(bad());
        }
        total
    };
    match u32::try_from(seconds) {
        Ok(s) if s >= 1 => Ok(s),
        _ => Err("a part must last between 1 second and 136 years".into()),
    }
}

fn parse_true_peak(text: &str) -> Result<f64, String> {
    match text.parse::<f64>() {
        Ok(v) if (-20.0..=0.0).contains(&v) => Ok(v),
        _ => Err("expected a ceiling between -20 and 0 dBTP (e.g. -1)".into()),
    }
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
    /// How the article is read.
    #[command(flatten)]
    pub read: ReadArgs,
}

/// Options of reading an article, shared by `render` and `inspect`.
#[derive(Debug, clap::Args)]
pub struct ReadArgs {
    /// Input format; by default from the file extension (.html, .md), else from the content.
    #[arg(long, value_enum)]
    pub format: Option<FormatArg>,
    /// Keep every line of plain text: no removal of menus, share prompts, comments and the like.
    #[arg(long)]
    pub keep_all: bool,
}

/// Input formats on the command line.
#[derive(Debug, Clone, Copy, ValueEnum)]
pub enum FormatArg {
    /// Plain text (pasted web pages are cleaned).
    Text,
    /// Markdown.
    Markdown,
    /// An HTML page (the article is extracted).
    Html,
}

impl ReadArgs {
    /// The library's parse options.
    pub fn options(&self) -> ParseOptions {
        ParseOptions {
            keep_all: self.keep_all,
            format: self.format.map(|f| match f {
                FormatArg::Text => Format::Text,
                FormatArg::Markdown => Format::Markdown,
                FormatArg::Html => Format::Html,
            }),
        }
    }
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
    pub fn config(&self) -> anyhow::Result<RenderConfig> {
        let narrator = profile::find(&self.voice)?;
        let lexicon = match self.lexicon.as_ref().or(narrator.lexicon.as_ref()) {
            Some(path) => Lexicon::load(path)?,
            None if Path::new(lexicon::DEFAULT_PATH).is_file() => {
                Lexicon::load(Path::new(lexicon::DEFAULT_PATH))?
            }
            None => Lexicon::default(),
        };
        // A Piper narrator reads quotations with its `NAME-quote` profile (else itself) and
        // headings itself, unless other profiles are named.
        let piper = narrator.voice.piper.is_some();
        let quote = if self.no_quote_voice {
            narrator.clone()
        } else if piper && self.quote_voice == "quote" {
            profile::find(&format!("{}-quote", narrator.name)).unwrap_or_else(|_| narrator.clone())
        } else {
            profile::find(&self.quote_voice)?
        };
        let heading = if piper && self.heading_voice == "heading" {
            narrator.clone()
        } else {
            profile::find(&self.heading_voice)?
        };
        let defaults = Pauses::default();
        let table = narrator.pauses;
        let engine = match self.engine {
            EngineArg::Espeak => EngineKind::Espeak,
            EngineArg::Fake => EngineKind::Fake,
        };
        // espeak-ng reads phoneme codes; command engines would read them out.
        let phoneme_roles = [
            (Role::Narrator, &narrator),
            (Role::Quote, &quote),
            (Role::Heading, &heading),
        ]
        .into_iter()
        .filter(|(_, p)| {
            engine == EngineKind::Espeak && p.voice.command.is_none() && p.voice.piper.is_none()
        })
        .map(|(role, _)| role)
        .collect();
        let script = ScriptOptions {
            phoneme_roles,
            intro: !self.no_intro,
            outro: !self.no_outro,
            lexicon,
            pauses: Pauses {
                sentence_ms: table.sentence.or(defaults.sentence_ms),
                quote_before_ms: table
                    .quote_before
                    .or(table.quote)
                    .unwrap_or(defaults.quote_before_ms),
                quote_after_ms: table
                    .quote_after
                    .or(table.quote)
                    .unwrap_or(defaults.quote_after_ms),
                paragraph_ms: table.paragraph.unwrap_or(defaults.paragraph_ms),
                section_ms: table.section.unwrap_or(defaults.section_ms),
                title_ms: table.title.unwrap_or(defaults.title_ms),
            },
        };
        let voices = Voices {
            narrator: narrator.voice,
            quote: quote.voice,
            heading: heading.voice,
        };
        Ok(RenderConfig {
            script,
            voices,
            out_dir: self.output.clone(),
            parse: self.read.options(),
            engine,
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
            audio: AudioOptions {
                sample_rate: self.sample_rate,
                channels: self.channels,
                bits: self.bits,
                loudness: self.loudness.0,
                true_peak: self.true_peak,
                max_part_seconds: self.max_part_duration,
            },
        })
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn durations_read_as_seconds_in_every_form() {
        assert_eq!(parse_duration("5400"), Ok(5_400));
        assert_eq!(parse_duration("90m"), Ok(5_400));
        assert_eq!(parse_duration("1h30m"), Ok(5_400));
        assert_eq!(parse_duration("01:30:00"), Ok(5_400));
        assert_eq!(parse_duration("45s"), Ok(45));
        assert!(parse_duration("1x").is_err());
        assert!(parse_duration("0").is_err());
        assert!(parse_duration("h").is_err());
    }

    #[test]
    fn loudness_takes_a_target_or_off() {
        assert_eq!(parse_loudness("-16").map(|l| l.0), Ok(Some(-16.0)));
        assert_eq!(parse_loudness("off").map(|l| l.0), Ok(None));
        assert!(parse_loudness("+3").is_err());
        assert!(parse_true_peak("1").is_err());
    }

    #[test]
    fn sidecar_lists_name_each_file_once_in_order() {
        use SidecarArg::*;
        assert_eq!(sidecars(&[All]), Sidecar::ALL.to_vec());
        assert!(sidecars(&[None]).is_empty());
        assert_eq!(
            sidecars(&[Vtt, Json, Vtt]),
            vec![Sidecar::ChaptersJson, Sidecar::Vtt]
        );
    }
}
