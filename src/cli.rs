//! The command line (clap), turned into the library's plain config.

use std::path::PathBuf;

use clap::builder::{PossibleValue, PossibleValuesParser, TypedValueParser};
use clap::{Parser, Subcommand, ValueEnum};

use articast::article::ParseOptions;
use articast::audio::AudioOptions;
use articast::audio::format::{AudioFormat, Encoding};
use articast::audio::metadata::{Cover, Metadata};
use articast::chapters::Sidecar;
use articast::config::{self, RenderConfig, VoiceChoice};
use articast::engine::{EngineSpec, Hosting};
use articast::input::Format;
use articast::script::{MarkKind, ScriptOptions};

/// Turns written articles into narrated audio with chapter markers.
#[derive(Debug, Parser)]
#[command(
    name = "articast",
    version,
    about,
    propagate_version = true,
    disable_help_subcommand = true
)]
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
    /// Turn a feed of articles (RSS or Atom) into a podcast: each new or changed item rendered
    /// into the output folder, and `feed.xml`, an RSS podcast feed of every episode.
    Podcast(Box<PodcastArgs>),
    /// Show how an article was understood: structure, quotations and dropped lines.
    Inspect(InspectArgs),
    /// List the voice profiles found (and where from) and the voices of the engines installed.
    Voices,
    /// Look after the utterance cache: its size, emptying it, trimming it to a size.
    Cache(CacheArgs),
    /// Print the help of articast or of one of its subcommands.
    Help {
        /// The subcommand (`render`, `inspect`, `voices`, ...).
        #[arg(value_name = "COMMAND")]
        command: Option<String>,
    },
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

/// Arguments of `cache`.
#[derive(Debug, clap::Args)]
pub struct CacheArgs {
    /// What to do.
    #[command(subcommand)]
    pub action: CacheAction,
    /// The cache folder [default: $ARTICAST_CACHE_DIR, else the platform's cache folder,
    /// ~/.cache/articast/utterances on Linux].
    #[arg(long, value_name = "DIR", global = true)]
    pub cache_dir: Option<PathBuf>,
}

/// What `cache` does.
#[derive(Debug, Subcommand)]
pub enum CacheAction {
    /// The folder, its entries and their size.
    Stats,
    /// Remove every entry.
    Clear,
    /// Remove the least recently used entries until the cache is no larger than a size.
    Prune {
        /// The size to keep to: bytes, or with K, M, G, T (powers of 1024): `500M`, `2G`.
        #[arg(long, value_name = "SIZE", value_parser = articast::engine::cache::parse_size)]
        max_size: u64,
    },
    /// Read every entry and check its checksum; list the damaged ones.
    Verify,
}

/// Arguments of `render`.
#[derive(Debug, clap::Args)]
pub struct RenderArgs {
    /// Articles (plain text, Markdown or HTML): files, folders (searched at any depth for
    /// .txt .md .markdown .html .htm), glob patterns, or `-` for standard input.
    #[arg(value_name = "INPUT", required_unless_present = "from_list")]
    pub inputs: Vec<String>,
    /// A file listing inputs, one path per line (`-`: standard input; blank lines and `#`
    /// comments skipped; relative paths are relative to the list's folder).
    #[arg(long, value_name = "FILE")]
    pub from_list: Vec<String>,
    /// Write a JSON report of the run (each input's files or error, figures, cache use).
    #[arg(long, value_name = "FILE")]
    pub report: Option<PathBuf>,
    /// Render only shard K of N of the inputs (1-based; inputs are assigned by a hash of their
    /// output name, so every machine of a cluster can be given the same list).
    #[arg(long, value_name = "K/N", value_parser = parse_shard)]
    pub shard: Option<(usize, usize)>,
    /// Names of the outputs: `{stem}` (the input's name), `{dir}` (its folders, mirrored from
    /// the folder, pattern or list it came from), `{n}` (its number in the run).
    #[arg(long, value_name = "TEMPLATE")]
    pub name: Option<String>,
    /// How articles are spoken and written.
    #[command(flatten)]
    pub settings: RenderSettings,
}

/// Arguments of `podcast`.
#[derive(Debug, clap::Args)]
pub struct PodcastArgs {
    /// The source feed (RSS or Atom): a web address or a file.
    #[arg(value_name = "FEED")]
    pub feed: String,
    /// The address the output folder is published at: enclosures, chapters, captions and the
    /// cover are linked under it (`https://example.com/podcast/` → `…/podcast/<episode>.wav`).
    /// Required: podcast apps only follow absolute links.
    #[arg(long, value_name = "URL")]
    pub base_url: Option<String>,
    /// Keep only the newest N episodes: older ones leave feed.xml and their files are removed.
    #[arg(long, value_name = "N", value_parser = clap::value_parser!(u32).range(1..))]
    pub keep: Option<u32>,
    /// Channel metadata over the source feed's (repeatable): title, link, description,
    /// language, image (a URL, or a file name under --base-url), author, owner, email,
    /// category, explicit (true/false), copyright.
    #[arg(long, value_name = "KEY=VALUE", value_parser = articast::podcast::MetaKey::parse)]
    pub channel: Vec<(articast::podcast::MetaKey, String)>,
    /// Write a JSON report of the run (each item: rendered, unchanged, not kept or failed).
    #[arg(long, value_name = "FILE")]
    pub report: Option<PathBuf>,
    /// How articles are spoken and written (the output folder is the podcast's).
    #[command(flatten)]
    pub settings: RenderSettings,
}

/// The settings of a render, shared by `render` and `podcast`.
#[derive(Debug, clap::Args)]
pub struct RenderSettings {
    /// How articles are read.
    #[command(flatten)]
    pub read: ReadArgs,
    /// Respellings for the engine (TOML `[words]` table); default: voices/lexicon.toml if present.
    #[arg(long, value_name = "FILE")]
    pub lexicon: Option<PathBuf>,
    /// Narrator voice: a profile name (looked up in ./voices, ~/.config/articast/voices,
    /// built-in), a path to a .toml file, or an espeak-ng voice id (`en-gb`).
    #[arg(long, value_name = "NAME|PATH|ID", default_value = "narrator")]
    pub voice: String,
    /// Voice for quotations [default: the `quote` profile's rate and pitch, spoken by the
    /// narrator's engine and voice].
    #[arg(long, value_name = "NAME|PATH|ID")]
    pub quote_voice: Option<String>,
    /// Voice for the title and headings [default: the `heading` profile's rate and pitch,
    /// spoken by the narrator's engine and voice].
    #[arg(long, value_name = "NAME|PATH|ID")]
    pub heading_voice: Option<String>,
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
    /// Articles and utterances spoken at once [default: the number of cores]. Output is the
    /// same for any value.
    #[arg(short, long, value_name = "N", value_parser = clap::value_parser!(u16).range(1..=256))]
    pub jobs: Option<u16>,
    /// Folder of the utterance cache [default: $ARTICAST_CACHE_DIR, else the platform's cache
    /// folder, ~/.cache/articast/utterances on Linux].
    #[arg(long, value_name = "DIR", conflicts_with = "no_cache")]
    pub cache_dir: Option<PathBuf>,
    /// Speak every utterance afresh: neither read nor write the cache.
    #[arg(long)]
    pub no_cache: bool,
    /// Leave existing output files alone: an input whose audio or sidecars exist is refused
    /// (by default they are replaced, once the new render has succeeded).
    #[arg(long)]
    pub no_clobber: bool,
    /// Speak every voice with this engine instead of its profile's (`fake` is a
    /// deterministic tone generator for tests).
    #[arg(long, value_name = "ENGINE", value_parser = named(&EngineSpec::OVERRIDES))]
    pub engine: Option<EngineSpec>,
    /// What becomes a WAV marker and a chapter in the sidecars, comma-separated.
    #[arg(long, value_delimiter = ',', value_name = "KINDS", default_value = "sections,quotes",
          value_parser = named(&MarkKind::NAMES))]
    pub markers: Vec<MarkKind>,
    /// Sidecar files to write beside the audio, comma-separated (`all`: every one but the EPUB,
    /// or `none`) [default: all; `podcast`: json,vtt,srt, which it always writes].
    #[arg(long, value_delimiter = ',', value_name = "FILES", value_parser = sidecar_names())]
    pub sidecars: Vec<String>,
    /// For an article without headings: chapters of paragraphs about this long (`2m`, `90s`),
    /// each labelled by its first words.
    #[arg(long, value_name = "DURATION", value_parser = parse_duration)]
    pub chapter_every: Option<u32>,
    /// Write one WAV per section (`<stem>-01-<slug>.wav`, ...) and an `.m3u` playlist.
    #[arg(
        long,
        value_enum,
        value_name = "UNIT",
        conflicts_with = "max_part_duration"
    )]
    pub split: Option<SplitArg>,
    /// No progress bars: only one line per article finished or failed.
    #[arg(short, long)]
    pub quiet: bool,
    /// Also print where each article's time went (text, synthesis, assembly, mastering).
    #[arg(short, long)]
    pub verbose: bool,
    /// Render every input again, even those whose files were made from the same input and
    /// settings by an earlier run (which are otherwise kept and reported as skipped).
    #[arg(long)]
    pub force: bool,
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
    /// Audio formats to write, comma-separated: each part is written in every one, from the
    /// same mastered audio, with the same chapters and tags.
    /// [default: wav; `podcast`: mp3]
    #[arg(long, value_delimiter = ',', value_name = "FORMATS",
          value_parser = named(&AudioFormat::NAMES))]
    pub audio: Vec<AudioFormat>,
    /// Bit rate of MP3, M4B and Opus in kb/s [default: 64 mono, 128 stereo; Opus 48 / 96].
    #[arg(long, value_name = "KBPS", value_parser = clap::value_parser!(u32).range(16..=320))]
    pub bitrate: Option<u32>,
    /// Variable bit rate for MP3 (LAME VBR) and Opus, averaging about --bitrate.
    #[arg(long)]
    pub vbr: bool,
    /// A tag of the audio files, over what the article gives: title, artist (author), album
    /// (show), date, comment (description), language, genre. Repeatable.
    #[arg(long, value_name = "KEY=VALUE")]
    pub meta: Vec<String>,
    /// A TOML file of tags (the keys of --meta, and `cover`, a path relative to the file);
    /// --meta and --cover win over it.
    #[arg(long, value_name = "FILE")]
    pub meta_file: Option<PathBuf>,
    /// Cover art embedded in MP3, M4B and Opus files (JPEG or PNG).
    #[arg(long, value_name = "IMAGE")]
    pub cover: Option<PathBuf>,
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

fn parse_shard(text: &str) -> Result<(usize, usize), String> {
    let bad = || "expected K/N with 1 ≤ K ≤ N (e.g. 2/8)".to_string();
    let (k, n) = text.split_once('/').ok_or_else(bad)?;
    let (k, n): (usize, usize) = (
        k.trim().parse().map_err(|_| bad())?,
        n.trim().parse().map_err(|_| bad())?,
    );
    match (1..=n).contains(&k) {
        true => Ok((k, n)),
        false => Err(bad()),
    }
}

fn parse_true_peak(text: &str) -> Result<f64, String> {
    match text.parse::<f64>() {
        Ok(v) if (-20.0..=0.0).contains(&v) => Ok(v),
        _ => Err("expected a ceiling between -20 and 0 dBTP (e.g. -1)".into()),
    }
}

/// `articast help [COMMAND]`: the help text, or an error naming an unknown subcommand.
pub fn help(command: Option<&str>) -> Result<String, String> {
    use clap::CommandFactory;
    let mut cli = Cli::command();
    cli.build(); // subcommands' usage lines then carry the program's name
    let text = match command {
        None => cli.render_long_help(),
        Some(name) => match cli.find_subcommand_mut(name) {
            Some(sub) => sub.render_long_help(),
            None => return Err(format!("no subcommand '{name}' (see `articast help`)")),
        },
    };
    Ok(text.to_string())
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
    /// Narrator voice whose choice is shown, as for `render`: a profile name, a path to a
    /// .toml file, or an espeak-ng voice id.
    #[arg(long, value_name = "NAME|PATH|ID", default_value = "narrator")]
    pub voice: String,
    /// The engine `render --engine` would speak with.
    #[arg(long, value_name = "ENGINE", value_parser = named(&EngineSpec::OVERRIDES))]
    pub engine: Option<EngineSpec>,
}

impl InspectArgs {
    /// The voices `render` would be given with these arguments.
    pub fn voices(&self) -> anyhow::Result<config::Voices> {
        let resolved = config::resolve(&VoiceChoice {
            narrator: self.voice.clone(),
            engine: self.engine.clone(),
            ..VoiceChoice::default()
        })?;
        Ok(resolved.voices)
    }
}

/// Options of reading an article, shared by `render` and `inspect`.
#[derive(Debug, clap::Args)]
pub struct ReadArgs {
    /// Input format; by default from the file extension (.html, .md), else from the content.
    #[arg(long, value_parser = named(&Format::NAMES))]
    pub format: Option<Format>,
    /// Keep every line of plain text: no removal of menus, share prompts, comments and the like.
    #[arg(long)]
    pub keep_all: bool,
    /// Character encoding of the input (utf-8, windows-1252, iso-8859-15, shift_jis, utf-16le, ...);
    /// by default a byte-order mark, the page's own declaration, else detected.
    #[arg(long, value_name = "NAME", value_parser = articast::input::encoding_for_label)]
    pub encoding: Option<&'static encoding_rs::Encoding>,
}

impl ReadArgs {
    /// The library's parse options.
    pub fn options(&self) -> ParseOptions {
        ParseOptions {
            keep_all: self.keep_all,
            encoding: self.encoding,
            format: self.format,
        }
    }
}

impl RenderSettings {
    /// How many things happen at once: `--jobs`, else the number of cores.
    pub fn jobs(&self) -> usize {
        match self.jobs {
            Some(n) => usize::from(n),
            None => std::thread::available_parallelism().map_or(1, |n| n.get()),
        }
    }

    /// The library's config for these arguments.
    pub fn config(&self) -> anyhow::Result<RenderConfig> {
        let resolved = config::resolve(&VoiceChoice {
            narrator: self.voice.clone(),
            quote: self.quote_voice.clone(),
            quote_is_narrator: self.no_quote_voice,
            heading: self.heading_voice.clone(),
            lexicon: self.lexicon.clone(),
            engine: self.engine.clone(),
        })?;
        Ok(RenderConfig {
            script: ScriptOptions {
                intro: !self.no_intro,
                outro: !self.no_outro,
                lexicon: resolved.lexicon,
                pauses: resolved.pauses,
                ..ScriptOptions::default()
            },
            voices: resolved.voices,
            // The articast binary serves engines that own a process (libespeak-ng) as its own
            // worker, so each article starts from a fresh engine.
            hosting: Hosting {
                worker: std::env::current_exe().ok(),
            },
            out_dir: self.output.clone(),
            parse: self.read.options(),
            markers: self.markers.clone(),
            sidecars: match self.sidecars.is_empty() {
                true => Sidecar::defaults(),
                false => Sidecar::select(&self.sidecars),
            },
            chapter_every: self.chapter_every,
            split_sections: self.split == Some(SplitArg::Sections),
            no_clobber: self.no_clobber,
            jobs: 1,
            cache: match self.no_cache {
                true => None,
                false => self
                    .cache_dir
                    .clone()
                    .or_else(articast::engine::cache::default_dir),
            },
            audio_formats: AudioFormat::normalize(&self.audio),
            encoding: Encoding {
                bitrate_kbps: self.bitrate,
                vbr: self.vbr,
            },
            metadata: self.metadata()?,
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

impl RenderSettings {
    /// The tags the user sets: the metadata file, then each `--meta`, then `--cover`.
    fn metadata(&self) -> anyhow::Result<Metadata> {
        let mut meta = match &self.meta_file {
            Some(path) => Metadata::load(path)?,
            None => Metadata::default(),
        };
        for pair in &self.meta {
            meta.set_pair(pair)?;
        }
        if let Some(path) = &self.cover {
            meta.cover = Some(Cover::load(path)?);
        }
        Ok(meta)
    }
}

/// A value parser for a library table of `(name, help, value)`: one definition of the names,
/// in the library; clap only shows and checks them.
fn named<T: Clone + Send + Sync + 'static>(
    table: &'static [(&'static str, &'static str, T)],
) -> impl TypedValueParser<Value = T> {
    let values = table
        .iter()
        .map(|(name, help, _)| PossibleValue::new(*name).help(*help));
    PossibleValuesParser::new(values).map(move |name| {
        table
            .iter()
            .find(|(n, _, _)| *n == name)
            .map(|(_, _, value)| value.clone())
            .expect("clap accepts only the table's names")
    })
}

/// `--sidecars`: `all`, `none`, or the names of [`Sidecar::NAMES`].
fn sidecar_names() -> PossibleValuesParser {
    let special = [
        PossibleValue::new("all").help("Every sidecar but the EPUB"),
        PossibleValue::new("none").help("No sidecar"),
    ];
    let names = Sidecar::NAMES
        .iter()
        .map(|(name, help, _)| PossibleValue::new(*name).help(*help));
    PossibleValuesParser::new(special.into_iter().chain(names))
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
        assert_eq!(Sidecar::select(&["all"]), Sidecar::defaults());
        assert_eq!(Sidecar::select(&["all", "epub"]), Sidecar::ALL.to_vec());
        assert!(Sidecar::select(&["none"]).is_empty());
        assert_eq!(
            Sidecar::select(&["vtt", "json", "vtt"]),
            vec![Sidecar::ChaptersJson, Sidecar::Vtt]
        );
    }

    #[test]
    fn every_table_name_parses_to_its_value() {
        use clap::CommandFactory;
        Cli::command().debug_assert();
        let cli = Cli::try_parse_from([
            "articast",
            "render",
            "--engine",
            "fake",
            "--markers",
            "paragraphs,quotes",
            "--format",
            "html",
            "x.html",
        ])
        .unwrap();
        let Command::Render(args) = cli.command else {
            panic!("render")
        };
        assert_eq!(args.settings.engine, Some(EngineSpec::Fake));
        assert_eq!(
            args.settings.markers,
            vec![MarkKind::Paragraph, MarkKind::Quote]
        );
        assert_eq!(args.settings.read.format, Some(Format::Html));
        assert!(Cli::try_parse_from(["articast", "render", "--markers", "nope", "x"]).is_err());
    }
}
