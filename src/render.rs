//! Stage 7 — render: one article, from its source to its files.
//!
//! A [`Renderer`] is built once from a [`RenderConfig`]: it opens each voice's engine, checks
//! every voice and the output folder, and fixes the program's sample rate, so set-up errors
//! surface before any input is read. [`Renderer::render`] then takes one [`Source`] through the
//! whole chain (input → article → script → engine → audio → chapters → files) and returns what
//! it wrote. Batch front ends build one renderer per worker and loop.
//!
//! Files are written all or nothing: each through a temporary file in its folder, renamed into
//! place once every one is written. A small manifest per output stem (`.<stem>.articast`)
//! lists the files of the last render, so a new render of the same input removes the files
//! the old one wrote and the new one did not (a split part, a sidecar no longer asked for).

use std::collections::HashMap;
use std::io::{BufReader, BufWriter};
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::{Duration, Instant};

use crate::article::{self, ArticleError};
use crate::audio::format::{AudioFormat, Output};
use crate::audio::metadata::Metadata;
use crate::audio::{self, AudioError, wav};
use crate::chapters::{self, Sidecar, layout};
use crate::config::{RenderConfig, Voices};
use crate::engine::retry::{Retries, Retrying};
use crate::engine::{self, Engine, EngineError, EngineSpec, Markup};
use crate::files;
use crate::input::{self, InputError, Source};
use crate::script::{self, MarkKind, Role, ScriptOptions};

/// The files written for one input, and its figures.
#[derive(Debug, Clone, PartialEq)]
pub struct Rendered {
    /// The audio file (the first part when the program was split).
    pub wav: PathBuf,
    /// The audio file of each part, in order (one unless split with `--max-part-duration` or
    /// `--split sections`), in the first format of `--audio` (WAV when it is asked for): the
    /// files the sidecars and the playlist point at.
    pub parts: Vec<PathBuf>,
    /// Every audio file written: each part in every format of `--audio`, part by part.
    pub audio: Vec<PathBuf>,
    /// The `.m3u` playlist of the parts (`--split sections`).
    pub playlist: Option<PathBuf>,
    /// The sidecar files written.
    pub sidecars: Vec<PathBuf>,
    /// Its length in seconds.
    pub seconds: f64,
    /// Section markers written.
    pub sections: usize,
    /// Quotation markers written.
    pub quotes: usize,
    /// Loudness of the written audio.
    pub loudness: Option<wav::Loudness>,
    /// Utterances found in the cache and spoken afresh (`None`: no cache in use).
    pub cache: Option<engine::cache::Counts>,
    /// Engine failures that were retried (and then succeeded), with their reasons.
    pub retried: Vec<String>,
    /// Time spent speaking, and in each audio stage.
    pub timings: Timings,
    /// Lines the article's cleaning dropped (boilerplate, credits).
    pub dropped: usize,
    /// Whether the files were kept from an earlier render of the same input and settings
    /// ([`Renderer::unchanged`]); the figures are then the earlier render's.
    pub skipped: bool,
}

impl Rendered {
    /// The audio files written (and the playlist), comma-separated, and how many sidecars.
    pub fn files(&self) -> String {
        let names: Vec<String> = self
            .audio
            .iter()
            .chain(&self.playlist)
            .map(|p| p.display().to_string())
            .collect();
        match self.sidecars.len() {
            0 => names.join(", "),
            1 => format!("{} + 1 sidecar", names.join(", ")),
            n => format!("{} + {n} sidecars", names.join(", ")),
        }
    }
}

/// Where the time of one render went (for the benchmark; never asserted).
#[derive(Debug, Clone, Copy, Default, PartialEq)]
pub struct Timings {
    /// Reading, parsing and building the script.
    pub text: Duration,
    /// The speech engines.
    pub synthesis: Duration,
    /// Trimming, resampling and spooling the speech, and measuring each voice.
    pub assembly: Duration,
    /// Mastering and writing: the gain measurements over the spool, then the pass that
    /// limits, measures and writes the files.
    pub mastering: Duration,
    /// Passes over the spooled program while mastering (the written one included).
    pub passes: usize,
    /// The whole render of this input.
    pub total: Duration,
}

impl Timings {
    /// One line: seconds per stage and its share of the whole render.
    pub fn summary(&self) -> String {
        let total = self.total.as_secs_f64().max(1e-9);
        let stages = [
            ("text", self.text),
            ("synthesis", self.synthesis),
            ("assembly", self.assembly),
            ("mastering", self.mastering),
        ];
        let parts: Vec<String> = stages
            .iter()
            .map(|(name, d)| {
                let s = d.as_secs_f64();
                format!("{name} {s:.2} s ({:.1}%)", 100.0 * s / total)
            })
            .collect();
        format!(
            "total {total:.2} s; {}; {} passes over the audio",
            parts.join("; "),
            self.passes
        )
    }
}

/// Why a renderer could not be built (reported once, before any input is read).
#[derive(Debug, thiserror::Error)]
pub enum SetupError {
    /// A voice's engine could not be opened, or refused the voice.
    #[error("the {role} voice: {source}")]
    Engine {
        /// The role whose voice failed.
        role: &'static str,
        /// Why.
        #[source]
        source: EngineError,
    },
    /// An audio format cannot be written here (its encoder is not built in, or ffmpeg is
    /// missing for M4B).
    #[error(transparent)]
    Format(#[from] audio::format::FormatError),
    /// The EPUB is asked for, but no format it can hold.
    #[error("--sidecars epub holds the audio as MP3, AAC or WAV: add mp3, m4b or wav to --audio")]
    EpubAudio,
    /// The output folder cannot be used.
    #[error("output folder {path}: {reason}")]
    OutputDir {
        /// The folder.
        path: PathBuf,
        /// What is wrong with it.
        reason: String,
    },
}

/// Why one input was not rendered.
#[derive(Debug, thiserror::Error)]
pub enum RenderError {
    /// The input could not be read.
    #[error(transparent)]
    Input(#[from] InputError),
    /// The input held no article.
    #[error(transparent)]
    Article(#[from] ArticleError),
    /// Another input of the same run has the same output name.
    #[error("its output {0} would overwrite the output of an earlier input of this run")]
    DuplicateOutput(PathBuf),
    /// The speech engine failed.
    #[error(transparent)]
    Engine(#[from] EngineError),
    /// Assembling the audio failed.
    #[error(transparent)]
    Audio(#[from] AudioError),
    /// `--no-clobber` and an output file of this input exists.
    #[error("{0} exists (--no-clobber leaves it alone)")]
    Exists(PathBuf),
    /// The run was interrupted (Ctrl-C) before this input was finished; nothing was written.
    #[error("interrupted; no file written")]
    Interrupted,
    /// Writing an output file failed.
    #[error("cannot write {what} {path}: {source}")]
    Output {
        /// The file.
        path: PathBuf,
        /// What it is (`audio`, `sidecar`, `playlist`, `manifest`).
        what: &'static str,
        /// What went wrong.
        #[source]
        source: wav::WavError,
    },
}

impl RenderError {
    /// 2 for problems with the input (the user can fix the input), 130 for an interrupted run
    /// (as a shell reports SIGINT), 1 for failures.
    pub fn exit_code(&self) -> u8 {
        match self {
            RenderError::Input(_)
            | RenderError::Article(_)
            | RenderError::DuplicateOutput(_)
            | RenderError::Exists(_) => 2,
            RenderError::Interrupted => 130,
            _ => 1,
        }
    }
}

/// Receives progress reports; the binary draws them, tests ignore them.
pub trait Observer: Send {
    /// An input starts, with this many utterances to speak.
    fn begin(&mut self, _name: &str, _utterances: usize) {}
    /// One utterance was spoken.
    fn spoke(&mut self) {}
    /// Every utterance is spoken; loudness and writing the files follow.
    fn mastering(&mut self) {}
    /// Something the user should know that does not stop the render (one line).
    fn warning(&mut self, _line: &str) {}
    /// The input is finished (written or failed).
    fn end(&mut self) {}
    /// Whether the user asked to stop (Ctrl-C). Checked between utterances and before the
    /// finished files are renamed into place; a cancelled input leaves no file.
    fn cancelled(&self) -> bool {
        false
    }
    /// Whether this renderer may be given another input after this one. When not, its engines
    /// are ended as soon as the last utterance is spoken (a worker process then exits while
    /// the files are written, not after).
    fn more_to_come(&self) -> bool {
        true
    }
}

/// An observer that ignores everything.
pub struct Silent;
impl Observer for Silent {}

/// Renders articles with one set of settings and open engines.
pub struct Renderer {
    config: RenderConfig,
    /// Sets of open engines, one engine per distinct engine spec in each; roles that share a
    /// spec share the engine (and, for engines with state, its state). More than one set when
    /// every engine is stateless and `jobs` > 1: utterances are then spoken in parallel.
    sets: Vec<Vec<Box<dyn Engine>>>,
    /// Index into a set of narrator, quote and heading.
    by_role: HashMap<Role, usize>,
    script: ScriptOptions,
    sample_rate: u32,
    /// Lookups of its engines in the utterance cache.
    cache: Arc<engine::cache::Counter>,
    /// Engine failures its engines retried.
    retries: Arc<Retries>,
    /// An article read ahead, while the engines started ([`Renderer::read_ahead`]).
    ahead: Option<ReadAhead>,
    /// The audio formats written, each once, in order.
    formats: Vec<AudioFormat>,
    /// The ffmpeg program, when a format needs it.
    ffmpeg: Option<PathBuf>,
}

impl Drop for Renderer {
    fn drop(&mut self) {
        // Every engine is told first, so that worker processes end side by side.
        for engine in self.sets.iter_mut().flatten() {
            engine.end();
        }
    }
}

impl std::fmt::Debug for Renderer {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Renderer")
            .field("config", &self.config)
            .field("sample_rate", &self.sample_rate)
            .finish_non_exhaustive()
    }
}

impl Renderer {
    /// Opens every voice's engine, checks each voice and the output folder, and fixes the
    /// program's sample rate (`--sample-rate`, else the narrator engine's).
    pub fn new(config: &RenderConfig) -> Result<Renderer, SetupError> {
        check_out_dir(&config.out_dir)?;
        let formats = AudioFormat::normalize(&config.audio_formats);
        let ffmpeg = audio::format::check(&formats)?;
        if config.sidecars.contains(&Sidecar::Epub) && epub_source(&formats).is_none() {
            return Err(SetupError::EpubAudio);
        }
        // Each distinct engine once, in the order of the roles that name it.
        let mut specs: Vec<(EngineSpec, Role)> = Vec::new();
        let mut by_role = HashMap::new();
        let roles = config.voices.roles();
        for (role, voice) in &roles {
            let at = match specs.iter().position(|(s, _)| *s == voice.engine) {
                Some(at) => at,
                None => {
                    specs.push((voice.engine.clone(), *role));
                    specs.len() - 1
                }
            };
            by_role.insert(*role, at);
        }
        let cache = Arc::new(engine::cache::Counter::default());
        let retries = Arc::new(Retries::default());
        let open_set = || {
            specs
                .iter()
                .map(|(spec, role)| {
                    open_engine(spec, config, &cache, &retries).map_err(|source| {
                        SetupError::Engine {
                            role: role_name(*role),
                            source,
                        }
                    })
                })
                .collect::<Result<Vec<_>, _>>()
        };
        let wanted = config.jobs.max(1) - 1;
        // Sets that start a process each (not a model in memory) all start at once; a set
        // started for nothing, when the engines turn out to need one set, is closed again.
        let early = if specs.iter().all(|(spec, _)| spec.opens_cheaply()) {
            wanted
        } else {
            0
        };
        let (engines, checked, more_sets) = std::thread::scope(|scope| {
            scope.spawn(script::compile_rules);
            let opening: Vec<_> = (0..early).map(|_| scope.spawn(open_set)).collect();
            let mut engines = open_set()?;
            // Several sets speak at once only when every engine's speech depends on nothing
            // but text and voice (otherwise the order of the calls would change the sound).
            let stateless = engines.iter().all(|e| e.info().stateless);
            // An engine that spreads its work over the cores itself gets one set.
            let parallel = engines.iter().any(|e| e.info().parallel);
            let more = wanted * usize::from(stateless && !parallel);
            // The other sets start (a worker process each) while the first checks the voices.
            let opening: Vec<_> = opening
                .into_iter()
                .chain((early..more).map(|_| scope.spawn(open_set)))
                .collect();
            let checked = check_voices(&roles, &by_role, &mut engines);
            let sets: Vec<_> = opening
                .into_iter()
                .map(|thread| {
                    thread.join().unwrap_or_else(|_| {
                        Err(SetupError::Engine {
                            role: role_name(Role::Narrator),
                            source: EngineError::Unavailable {
                                engine: "articast".to_string(),
                                reason: "opening an engine panicked".to_string(),
                            },
                        })
                    })
                })
                .take(more)
                .collect();
            Ok::<_, SetupError>((engines, checked, sets))
        })?;
        let phoneme_roles = checked?;
        let mut sets = vec![engines];
        for set in more_sets {
            sets.push(set?);
        }
        let narrator = sets[0][by_role[&Role::Narrator]].info();
        let script = ScriptOptions {
            phoneme_roles,
            ..config.script.clone()
        };
        Ok(Renderer {
            ahead: None,
            sample_rate: config.audio.sample_rate.unwrap_or(narrator.sample_rate),
            config: config.clone(),
            sets,
            by_role,
            script,
            cache,
            retries,
            formats,
            ffmpeg,
        })
    }

    /// Where the word times of `script` come from: estimates from phonemes as soon as one of
    /// the engines that speak it makes them, else its engines' own events.
    fn word_timing(&self, script: &script::Script) -> engine::WordTiming {
        use engine::WordTiming;
        let roles: std::collections::HashSet<Role> =
            script.utterances.iter().map(|u| u.role).collect();
        let mut timing = WordTiming::None;
        for role in roles {
            match self.sets[0][self.by_role[&role]].info().word_timing {
                WordTiming::Phonemes => return WordTiming::Phonemes,
                WordTiming::Engine => timing = WordTiming::Engine,
                WordTiming::None => {}
            }
        }
        timing
    }

    /// How many utterances it speaks at once.
    pub fn parallel(&self) -> usize {
        self.sets.len()
    }

    /// The settings it renders with.
    pub fn config(&self) -> &RenderConfig {
        &self.config
    }

    /// Sample rate of the files it writes.
    pub fn sample_rate(&self) -> u32 {
        self.sample_rate
    }

    /// The audio file the outputs named `name` start with (`<out>/<name>.wav`, or the first
    /// format of `--audio`: `<out>/<name>.mp3`).
    pub fn output_path(&self, name: &Path) -> PathBuf {
        let mut file = self.config.out_dir.join(name).into_os_string();
        file.push(".");
        file.push(self.formats[0].extension());
        PathBuf::from(file)
    }

    /// Renders one article into its files, named after the source (`<out>/<stem>.wav`, …).
    pub fn render(
        &mut self,
        source: &Source,
        observer: &mut dyn Observer,
    ) -> Result<Rendered, RenderError> {
        self.render_named(source, Path::new(&source.stem()), observer)
    }

    /// Renders one article into files named `name` (relative to the output folder, without
    /// extension: `2024/post` writes `<out>/2024/post.wav`, …).
    pub fn render_named(
        &mut self,
        source: &Source,
        name: &Path,
        observer: &mut dyn Observer,
    ) -> Result<Rendered, RenderError> {
        // Leave no empty folders behind a failed render (removing a folder fails if anything
        // is in it).
        let wav_path = self.output_path(name);
        let missing: Vec<PathBuf> = files::folder_of(&wav_path)
            .ancestors()
            .take_while(|d| !d.as_os_str().is_empty() && !d.exists())
            .map(Path::to_path_buf)
            .collect();
        let result = self.render_inner(source, &wav_path, observer);
        if result.is_err() {
            for dir in &missing {
                let _ = std::fs::remove_dir(dir);
            }
        }
        result
    }

    fn render_inner(
        &mut self,
        source: &Source,
        wav_path: &Path,
        observer: &mut dyn Observer,
    ) -> Result<Rendered, RenderError> {
        let began = Instant::now();
        let cached_before = self.cache.counts();
        let retried_before = self.retries.count();
        let wav_path = wav_path.to_path_buf();
        let stem = wav_path
            .file_stem()
            .map_or_else(|| source.stem(), |s| s.to_string_lossy().into_owned());
        if self.config.no_clobber {
            self.refuse_existing(files::folder_of(&wav_path), &stem)?;
        }
        let parse = self.config.parse;
        let read = match self.ahead.take() {
            Some(ahead) if ahead.source == *source && ahead.parse == parse => ahead.read,
            _ => ReadAhead::new(source, parse).read,
        };
        let (input, article) = read?;
        let fingerprint = self.fingerprint(&input);
        let article = article?;
        let voices = self.voices_for(article.language.as_deref());
        let script = script::build(&article, &self.script);
        if script.utterances.is_empty() {
            // Only emoji, zero-width or other unspoken characters: no audio to make.
            return Err(ArticleError::Empty.into());
        }
        observer.begin(&source.display_name(), script.utterances.len());
        let mut timings = Timings {
            text: began.elapsed(),
            ..Timings::default()
        };
        let spoken = self.speak(&script, &voices, &wav_path, observer, &mut timings);
        for line in self.cache.take_warnings() {
            observer.warning(&line);
        }
        let mut assembled = spoken?;
        if !observer.more_to_come() {
            for engine in self.sets.iter_mut().flatten() {
                engine.end();
            }
        }
        observer.mastering();
        let config = &self.config;
        let program = &assembled.program;
        let every = config
            .chapter_every
            .map(|s| u64::from(s) * u64::from(program.pcm.sample_rate));
        let all = chapters::group_paragraphs(chapters::place(&script, program), every);
        let chapters = chapters::select(&all, &config.markers);
        let max_frames = config
            .audio
            .max_part_seconds
            .map(|s| u64::from(s) * u64::from(program.pcm.sample_rate));
        let mut layout = layout::layout(
            program,
            &all,
            &chapters,
            config.split_sections,
            max_frames,
            &stem,
        );
        // Every part is written in each format; the sidecars and the playlist point at the
        // first format's files.
        let formats = &self.formats;
        let too_long = layout
            .parts
            .iter()
            .any(|p| p.frames.end - p.frames.start > wav::LAST_CUE_FRAME && !p.chapters.is_empty());
        if too_long && formats.contains(&AudioFormat::Wav) {
            let hours = wav::LAST_CUE_FRAME / u64::from(program.pcm.sample_rate.max(1)) / 3600;
            observer.warning(&format!(
                "{}: a WAV's markers reach only its first {hours} hours (cue points are \
                 32-bit): the later ones are in the sidecars only; --max-part-duration splits \
                 the audio into parts that hold them all",
                source.display_name()
            ));
        }
        for part in &mut layout.parts {
            part.file_name = with_extension(&part.file_name, formats[0]);
        }
        let dir = files::folder_of(&wav_path);
        let mut texts: Vec<(PathBuf, &'static str, String)> = Vec::new();
        let playlist = layout.playlist.then(|| wav_path.with_extension("m3u"));
        if config.no_clobber {
            // The names of split parts are known only now: none may exist either.
            let parts = layout.parts.iter().flat_map(|part| {
                formats
                    .iter()
                    .map(|&format| dir.join(with_extension(&part.file_name, format)))
            });
            if let Some(existing) = parts.chain(playlist.clone()).find(|p| p.exists()) {
                return Err(RenderError::Exists(existing));
            }
        }
        if let Some(path) = &playlist {
            let m3u = layout::m3u(&layout.parts, program.pcm.sample_rate);
            texts.push((path.clone(), "playlist", m3u));
        }
        let audio_files: Vec<(String, u64)> = layout
            .parts
            .iter()
            .map(|p| (p.file_name.clone(), p.frames.start))
            .collect();
        let timeline = chapters::timeline(&script, program, self.word_timing(&script));
        let whole = chapters::Whole {
            audio: &audio_files,
            title: script.title.as_deref(),
            author: script.byline.as_deref(),
            chapters: &chapters,
            timeline: &timeline,
        };
        // The sidecars' text is made while the audio is mastered (see `write_files_atomically`).
        let kinds: Vec<Sidecar> = config
            .sidecars
            .iter()
            .copied()
            .filter(|&kind| kind != Sidecar::Epub)
            .collect();
        let mut sidecars: Vec<PathBuf> = kinds
            .iter()
            .map(|kind| dir.join(kind.file_name(&stem)))
            .collect();
        let late: Vec<(PathBuf, &'static str)> =
            sidecars.iter().map(|p| (p.clone(), "sidecar")).collect();
        let make_sidecars = || -> Vec<String> {
            kinds
                .iter()
                .map(|&kind| {
                    chapters::sidecar(kind, &whole, &stem, &config.sidecars).unwrap_or_default()
                })
                .collect()
        };
        // The EPUB holds the audio, so it is made once the audio is written.
        let epub = config
            .sidecars
            .contains(&Sidecar::Epub)
            .then(|| dir.join(Sidecar::Epub.file_name(&stem)));
        let meta = config.metadata.over(&Metadata::from_article(&article));
        let info = wav::Info {
            title: meta.title.clone(),
            artist: meta.artist.clone(),
            software: Some(format!("articast {}", env!("CARGO_PKG_VERSION"))),
        };
        let seconds = program.pcm.seconds();
        let paths: Vec<PathBuf> = layout
            .parts
            .iter()
            .map(|p| dir.join(&p.file_name))
            .collect();
        // Part by part, each in every format.
        let audio_paths: Vec<PathBuf> = paths
            .iter()
            .flat_map(|p| {
                formats
                    .iter()
                    .map(move |&f| p.with_extension(f.extension()))
            })
            .collect();
        let manifest = Manifest::path(dir, &stem);
        let old = Manifest::read(&manifest);
        let listed: Vec<PathBuf> = audio_paths
            .iter()
            .chain(texts.iter().map(|t| &t.0))
            .chain(&sidecars)
            .chain(&epub)
            .cloned()
            .collect();
        let count = |kind| chapters.iter().filter(|c| c.kind == kind).count();
        let figures = Figures {
            fingerprint,
            seconds,
            sections: count(MarkKind::Section),
            quotes: count(MarkKind::Quote),
            dropped: article.dropped.len(),
        };
        texts.push((
            manifest.clone(),
            "manifest",
            Manifest::text(&listed, &figures),
        ));
        let output = Output {
            formats: formats.clone(),
            pcm: wav::Format {
                sample_rate: program.pcm.sample_rate,
                channels: config.audio.channels,
                bits: config.audio.bits,
            },
            encoding: config.encoding,
            meta: Arc::new(meta),
            ffmpeg: self.ffmpeg.clone(),
        };
        let mut audio_options = config.audio.clone();
        if formats.iter().any(|f| f.is_lossy()) {
            // Room for the codecs' overshoot, so every decoded file stays under the ceiling.
            audio_options.true_peak -= audio::format::LOSSY_HEADROOM_DB;
        }
        let per_part = formats.len();
        let mastering = Instant::now();
        let write = |outs: Vec<BufWriter<&mut std::fs::File>>| {
            let mut outs = outs.into_iter();
            let parts = layout
                .parts
                .into_iter()
                .map(|part| {
                    let frames = part.frames.end - part.frames.start;
                    let files: Vec<_> = outs.by_ref().take(per_part).collect();
                    Ok(audio::Part {
                        frames: part.frames,
                        chapters: part.chapters,
                        writer: output.writer(files, frames)?,
                    })
                })
                .collect::<Result<Vec<_>, wav::WavError>>()?;
            audio::master(&mut assembled, &audio_options, parts, &info).map_err(|e| {
                // A part's first file names the failure.
                audio::MasterError {
                    part: e.part.map(|p| p * per_part),
                    source: e.source,
                }
            })
        };
        // The EPUB holds the audio: it is made from the audio files just written, before
        // anything is renamed into place, so it too is there with the rest or not at all.
        let source = epub_source(formats).unwrap_or(AudioFormat::Wav);
        let book = |written: &dyn Fn(&Path) -> PathBuf, path: &Path| {
            let files: Vec<PathBuf> = paths
                .iter()
                .map(|p| written(&p.with_extension(source.extension())))
                .collect();
            epub_bytes(&whole, &files, source, path)
        };
        let mastered = write_files_atomically(
            &audio_paths,
            &texts,
            (&late, &make_sidecars),
            epub.as_deref().map(|path| (path, &book as &Book)),
            &|| observer.cancelled(),
            write,
        )?;
        // Closing the spool gives its pages back (~2 ms for the sample's 32 MB): on a thread of
        // its own, while the render finishes.
        std::thread::spawn(move || drop(assembled));
        sidecars.extend(epub.clone());
        // The new files are in place: remove what the last render of this stem wrote and this
        // one did not.
        for stale in old
            .iter()
            .filter(|p| !listed.contains(p) && **p != manifest)
        {
            let _ = std::fs::remove_file(stale);
        }
        timings.mastering = mastering.elapsed();
        timings.passes = mastered.passes;
        timings.total = began.elapsed();
        Ok(Rendered {
            wav: paths.first().cloned().unwrap_or(wav_path),
            parts: paths,
            audio: audio_paths,
            playlist,
            sidecars,
            seconds,
            sections: figures.sections,
            quotes: figures.quotes,
            dropped: figures.dropped,
            skipped: false,
            loudness: Some(mastered.loudness),
            cache: self
                .config
                .cache
                .as_ref()
                .map(|_| {
                    let now = self.cache.counts();
                    engine::cache::Counts {
                        hits: now.hits - cached_before.hits,
                        misses: now.misses - cached_before.misses,
                        corrupt: now.corrupt - cached_before.corrupt,
                    }
                })
                .filter(|c| c.hits + c.misses > 0),
            retried: self.retries.since(retried_before),
            timings,
        })
    }

    /// Hands over an article read ahead (while this renderer's engines started): a render of
    /// the same source with the same settings takes it instead of reading the file again.
    pub fn read_ahead(&mut self, ahead: ReadAhead) {
        self.ahead = Some(ahead);
    }

    /// `--no-clobber`: fails when a file the last render of `stem` wrote, or the audio file or
    /// a sidecar this one would write, exists.
    fn refuse_existing(&self, dir: &Path, stem: &str) -> Result<(), RenderError> {
        let sidecars = self
            .config
            .sidecars
            .iter()
            .map(|s| dir.join(s.file_name(stem)));
        let mut candidates: Vec<PathBuf> = Manifest::read(&Manifest::path(dir, stem));
        for format in &self.formats {
            candidates.push(dir.join(format!("{stem}.{}", format.extension())));
        }
        candidates.extend(sidecars);
        match candidates.into_iter().find(|p| p.exists()) {
            Some(existing) => Err(RenderError::Exists(existing)),
            None => Ok(()),
        }
    }

    /// The voices of an article in `language`: an espeak-ng voice whose profile names none
    /// speaks the article's language, when the engine has a voice for it.
    pub fn voices_for(&mut self, language: Option<&str>) -> Voices {
        let Renderer {
            sets,
            by_role,
            config,
            ..
        } = self;
        config.voices.for_language(language, |role, voice| {
            sets[0][by_role[&role]].check_voice(voice).is_ok()
        })
    }

    /// Speaks every utterance and assembles the program, its audio spooled next to the output
    /// (an unnamed file: gone on close, even on a crash).
    fn speak(
        &mut self,
        script: &script::Script,
        voices: &Voices,
        wav_path: &Path,
        observer: &mut dyn Observer,
        timings: &mut Timings,
    ) -> Result<audio::Assembled<BufReader<std::fs::File>>, RenderError> {
        for engine in self.sets.iter_mut().flatten() {
            engine.begin()?;
        }
        let spool = spool_file(wav_path)?;
        let mut assembler = audio::Assembler::new(BufWriter::new(spool), self.sample_rate)?;
        let speaking = Instant::now();
        let mut assembly = Duration::ZERO;
        let mut add = |speech, utterance: &script::Utterance| -> Result<(), RenderError> {
            let assembling = Instant::now();
            assembler.add(speech, utterance.role, utterance.pause_after_ms)?;
            assembly += assembling.elapsed();
            Ok(())
        };
        let Renderer { sets, by_role, .. } = self;
        if let [set] = sets.as_mut_slice() {
            for (i, utterance) in script.utterances.iter().enumerate() {
                if observer.cancelled() {
                    return Err(RenderError::Interrupted);
                }
                let at = by_role[&utterance.role];
                // What this engine will be asked for next (an engine may speak ahead).
                // Looked for within a bounded window, so a seldom-used engine (headings of
                // their own) costs no scan to the script's end at every utterance.
                let upcoming: Vec<(&str, &engine::Voice)> = script.utterances[i..]
                    .iter()
                    .take(PREFETCH * 4)
                    .filter(|u| by_role[&u.role] == at)
                    .take(PREFETCH)
                    .map(|u| (u.text.as_str(), &voices.for_role(u.role).voice))
                    .collect();
                set[at].prefetch(&upcoming);
                let voice = &voices.for_role(utterance.role).voice;
                let speech = set[at].synthesize(&utterance.text, voice)?;
                add(speech, utterance)?;
                observer.spoke();
            }
        } else {
            speak_in_parallel(sets, by_role, voices, script, observer, &mut add)?;
        }
        timings.assembly += assembly;
        timings.synthesis += speaking.elapsed().saturating_sub(assembly);
        let assembling = Instant::now();
        let assembled = assembler.finish()?.map_spool(|spool| {
            spool
                .into_inner()
                .map(BufReader::new)
                .map_err(|e| AudioError::Spool(e.into_error()))
        })?;
        timings.assembly += assembling.elapsed();
        Ok(assembled)
    }
}

/// An article read and parsed ahead of its render, with what went wrong doing so.
#[derive(Debug)]
pub struct ReadAhead {
    source: Source,
    parse: article::ParseOptions,
    read: Result<(input::InputText, Result<article::Article, ArticleError>), InputError>,
}

impl ReadAhead {
    /// Reads and parses the file `source` as `config` says (nothing for a web address: its
    /// download may take longer than the engines' start, and a setup error must not wait for
    /// it).
    pub fn file(source: &Source, config: &RenderConfig) -> Option<ReadAhead> {
        matches!(source, Source::File(_)).then(|| ReadAhead::new(source, config.parse))
    }

    fn new(source: &Source, parse: article::ParseOptions) -> ReadAhead {
        let read = input::read_as(source, parse.encoding).map(|input| {
            let article = article::parse_with(&input, parse);
            (input, article)
        });
        ReadAhead {
            source: source.clone(),
            parse,
            read,
        }
    }
}

/// Checks each distinct voice of each engine once (a command voice speaks a probe); returns
/// the roles whose engine reads espeak-ng phoneme markup.
fn check_voices(
    roles: &[(Role, &crate::config::VoiceSpec)],
    by_role: &HashMap<Role, usize>,
    engines: &mut [Box<dyn Engine>],
) -> Result<Vec<Role>, SetupError> {
    let mut checked = Vec::new();
    let mut phoneme_roles = Vec::new();
    for (role, voice) in roles {
        let at = by_role[role];
        if !checked.contains(&(at, &voice.voice)) {
            engines[at]
                .check_voice(&voice.voice)
                .map_err(|source| SetupError::Engine {
                    role: role_name(*role),
                    source,
                })?;
            checked.push((at, &voice.voice));
        }
        if engines[at].info().markup == Markup::EspeakPhonemes {
            phoneme_roles.push(*role);
        }
    }
    Ok(phoneme_roles)
}

/// Opens the engine of `spec`: a failed utterance is tried again (a program killed or stopped
/// at its timeout, a worker lost may do better the second time), and its speech is kept in the
/// cache when there is one and the engine is stateless. Command engines are not cached: they
/// read files articast does not see (a model, a lexicon of their own).
fn open_engine(
    spec: &EngineSpec,
    config: &RenderConfig,
    counter: &Arc<engine::cache::Counter>,
    retries: &Arc<Retries>,
) -> Result<Box<dyn Engine>, EngineError> {
    let engine: Box<dyn Engine> = Box::new(Retrying::new(
        engine::open(spec, &config.hosting)?,
        Arc::clone(retries),
    ));
    match &config.cache {
        Some(dir) if engine.info().stateless && !matches!(spec, EngineSpec::Command(_)) => Ok(
            Box::new(engine::cache::Cached::new(engine, dir, Arc::clone(counter))),
        ),
        _ => Ok(engine),
    }
}

/// How far past the last utterance assembled the parallel speakers may run (at least two
/// utterances per speaker).
const AHEAD: usize = 16;

/// How many of the next utterances an engine is told of ([`Engine::prefetch`]).
const PREFETCH: usize = 24;

/// Speaks the script's utterances with every engine set at once, each set taking the next
/// utterance not yet taken; hands the speech to `add` in the script's order as it arrives.
fn speak_in_parallel(
    sets: &mut [Vec<Box<dyn Engine>>],
    by_role: &HashMap<Role, usize>,
    voices: &Voices,
    script: &script::Script,
    observer: &mut dyn Observer,
    add: &mut dyn FnMut(engine::Speech, &script::Utterance) -> Result<(), RenderError>,
) -> Result<(), RenderError> {
    use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
    let next = AtomicUsize::new(0);
    // Utterances handed to `add` so far: no speaker runs more than `ahead` past it, so the speech
    // waiting in memory stays bounded however fast the engines (or the cache) are.
    let added = AtomicUsize::new(0);
    let stop = AtomicBool::new(false);
    let utterances = &script.utterances;
    let ahead = AHEAD.max(2 * sets.len());
    std::thread::scope(|scope| {
        let (tx, rx) = std::sync::mpsc::sync_channel(ahead);
        for set in sets.iter_mut() {
            let (tx, next, added, stop) = (tx.clone(), &next, &added, &stop);
            scope.spawn(move || {
                while !stop.load(Ordering::SeqCst) {
                    let i = next.fetch_add(1, Ordering::SeqCst);
                    let Some(utterance) = utterances.get(i) else {
                        break;
                    };
                    while i >= added.load(Ordering::SeqCst) + ahead {
                        if stop.load(Ordering::SeqCst) {
                            return;
                        }
                        std::thread::sleep(Duration::from_millis(1));
                    }
                    let voice = &voices.for_role(utterance.role).voice;
                    let speech = set[by_role[&utterance.role]].synthesize(&utterance.text, voice);
                    if tx.send((i, speech)).is_err() {
                        break;
                    }
                }
            });
        }
        drop(tx);
        let mut waiting = std::collections::BTreeMap::new();
        let mut wanted = 0;
        let result = (|| {
            for (i, speech) in &rx {
                waiting.insert(i, speech);
                while let Some(speech) = waiting.remove(&wanted) {
                    add(speech?, &utterances[wanted])?;
                    observer.spoke();
                    wanted += 1;
                    added.store(wanted, Ordering::SeqCst);
                }
                if observer.cancelled() {
                    return Err(RenderError::Interrupted);
                }
            }
            Ok(())
        })();
        // On a failure the speakers stop after their current utterance.
        stop.store(true, Ordering::SeqCst);
        drop(rx);
        result
    })
}

fn role_name(role: Role) -> &'static str {
    match role {
        Role::Narrator => "narrator",
        Role::Quote => "quote",
        Role::Heading => "heading",
    }
}

/// The output folder must be a folder, or creatable.
fn check_out_dir(dir: &Path) -> Result<(), SetupError> {
    let fail = |reason: String| SetupError::OutputDir {
        path: dir.to_path_buf(),
        reason,
    };
    if dir.exists() && !dir.is_dir() {
        return Err(fail(
            "is a file, not a folder; choose another with -o DIR".to_string(),
        ));
    }
    // The nearest existing ancestor must be a folder we could create in.
    let mut ancestor = dir;
    while !ancestor.as_os_str().is_empty() && !ancestor.exists() {
        match ancestor.parent() {
            Some(parent) => ancestor = parent,
            None => break,
        }
    }
    if ancestor.exists() && !ancestor.is_dir() {
        return Err(fail(format!(
            "cannot be created: {} is a file",
            ancestor.display()
        )));
    }
    Ok(())
}

/// Resuming a batch: what an earlier render left, and whether it still stands.
impl Renderer {
    /// The files of an earlier render of `source` into `name`, when they are all still there
    /// and were made from the same input (the same decoded text) with every setting that
    /// changes the output the same (the engines' versions and articast's included): a batch
    /// keeps them instead of rendering again. Only files are checked this way (standard input
    /// and web pages are read once, by the render).
    pub fn unchanged(&self, source: &Source, name: &Path) -> Option<Rendered> {
        let Source::File(_) = source else {
            return None;
        };
        let wav_path = self.output_path(name);
        let stem = wav_path.file_stem()?.to_string_lossy().into_owned();
        let manifest = Manifest::path(files::folder_of(&wav_path), &stem);
        let figures = Figures::read(&manifest)?;
        let files = Manifest::read(&manifest);
        if files.is_empty() || !files.iter().all(|f| f.is_file()) {
            return None;
        }
        let input = input::read_as(source, self.config.parse.encoding).ok()?;
        if figures.fingerprint != self.fingerprint(&input) {
            return None;
        }
        let extension = |f: &PathBuf, e: &str| f.extension().is_some_and(|x| x == e);
        let audio_file = |f: &PathBuf| {
            self.formats
                .iter()
                .any(|format| extension(f, format.extension()))
        };
        let parts: Vec<PathBuf> = files
            .iter()
            .filter(|f| extension(f, self.formats[0].extension()))
            .cloned()
            .collect();
        Some(Rendered {
            wav: parts.first().cloned().unwrap_or(wav_path),
            playlist: files.iter().find(|f| extension(f, "m3u")).cloned(),
            sidecars: files
                .iter()
                .filter(|f| !audio_file(f) && !extension(f, "m3u"))
                .cloned()
                .collect(),
            audio: files.iter().filter(|f| audio_file(f)).cloned().collect(),
            parts,
            seconds: figures.seconds,
            sections: figures.sections,
            quotes: figures.quotes,
            dropped: figures.dropped,
            loudness: None,
            cache: None,
            retried: Vec::new(),
            timings: Timings::default(),
            skipped: true,
        })
    }

    /// BLAKE3 of the input's text and name's extension (it chooses the reader), and of every
    /// setting that changes the files: not the output folder, `--jobs`, the cache or
    /// `--no-clobber`, which change none of their bytes.
    fn fingerprint(&self, input: &input::InputText) -> String {
        let settings = RenderConfig {
            out_dir: PathBuf::new(),
            jobs: 1,
            cache: None,
            no_clobber: false,
            hosting: engine::Hosting::default(),
            ..self.config.clone()
        };
        let engines: Vec<String> = self.sets[0]
            .iter()
            .map(|e| {
                let info = e.info();
                format!("{} {} {}", info.name, info.version, info.sample_rate)
            })
            .collect();
        let extension = match &input.source {
            Source::File(path) => path.extension().map(|e| e.to_string_lossy().into_owned()),
            _ => None,
        };
        let mut hasher = blake3::Hasher::new();
        for part in [
            format!("articast {}", env!("CARGO_PKG_VERSION")),
            format!("{settings:?}"),
            format!("{engines:?} {} {extension:?}", self.sample_rate),
            input.text.clone(),
        ] {
            hasher.update(&(part.len() as u64).to_le_bytes());
            hasher.update(part.as_bytes());
        }
        hasher.finalize().to_hex().to_string()
    }
}

/// What the manifest records of a render besides its files: the fingerprint of its input and
/// settings, and its figures (for the report of a batch that keeps the files).
#[derive(Debug, Clone, PartialEq)]
struct Figures {
    fingerprint: String,
    seconds: f64,
    sections: usize,
    quotes: usize,
    dropped: usize,
}

impl Figures {
    /// Comment lines of the manifest (older readers skip them).
    fn lines(&self) -> String {
        format!(
            "# fingerprint {}\n# figures {} {} {} {}\n",
            self.fingerprint, self.seconds, self.sections, self.quotes, self.dropped
        )
    }

    fn read(manifest: &Path) -> Option<Figures> {
        let text = std::fs::read_to_string(manifest).ok()?;
        let field = |key: &str| {
            text.lines()
                .find_map(|l| l.strip_prefix(key))
                .map(str::trim)
        };
        let fingerprint = field("# fingerprint ")?.to_string();
        let numbers: Vec<&str> = field("# figures ")?.split_whitespace().collect();
        let [seconds, sections, quotes, dropped] = numbers.as_slice() else {
            return None;
        };
        Some(Figures {
            fingerprint,
            seconds: seconds.parse().ok()?,
            sections: sections.parse().ok()?,
            quotes: quotes.parse().ok()?,
            dropped: dropped.parse().ok()?,
        })
    }
}

/// The list of files the last render of a stem wrote (`.<stem>.articast`, one path per line).
struct Manifest;

impl Manifest {
    fn path(dir: &Path, stem: &str) -> PathBuf {
        dir.join(format!(".{stem}.articast"))
    }

    fn read(path: &Path) -> Vec<PathBuf> {
        let dir = files::folder_of(path);
        std::fs::read_to_string(path)
            .map(|text| {
                text.lines()
                    .filter(|l| !l.is_empty() && !l.starts_with('#'))
                    // Only plain names in this folder: a manifest never reaches elsewhere.
                    .filter(|l| !l.contains('/') && !l.contains('\\') && *l != ".." && *l != ".")
                    .map(|l| dir.join(l))
                    .collect()
            })
            .unwrap_or_default()
    }

    fn text(files: &[PathBuf], figures: &Figures) -> String {
        let mut out = String::from("# files written by the last articast render of this input\n");
        out.push_str(&figures.lines());
        for file in files {
            if let Some(name) = file.file_name() {
                out.push_str(&name.to_string_lossy());
                out.push('\n');
            }
        }
        out
    }
}

/// The format whose files the EPUB holds: the MP3 or M4B when one is written (EPUB reading
/// systems play MP3 and AAC), else the WAV, encoded as MP3 when built with the `mp3` feature.
fn epub_source(formats: &[AudioFormat]) -> Option<AudioFormat> {
    [AudioFormat::Mp3, AudioFormat::M4b, AudioFormat::Wav]
        .into_iter()
        .find(|f| formats.contains(f))
}

/// A part's file name with the extension of `format` instead of `.wav`.
fn with_extension(file_name: &str, format: AudioFormat) -> String {
    let stem = file_name.strip_suffix(".wav").unwrap_or(file_name);
    format!("{stem}.{}", format.extension())
}

/// The EPUB talking book (`--sidecars epub`) to be written at `path`, made from the audio
/// files just written in `format` (a WAV as MP3 when built with the `mp3` feature).
fn epub_bytes(
    whole: &chapters::Whole,
    written: &[PathBuf],
    format: AudioFormat,
    path: &Path,
) -> Result<Vec<u8>, RenderError> {
    let fail = |e: std::io::Error| RenderError::Output {
        path: path.to_path_buf(),
        what: "EPUB",
        source: e.into(),
    };
    let mut audio = Vec::with_capacity(written.len());
    for (file, (_, start_frame)) in written.iter().zip(whole.audio) {
        let bytes = std::fs::read(file).map_err(fail)?;
        #[cfg(feature = "mp3")]
        let (bytes, media_type) = match format {
            AudioFormat::Wav => (
                audio::mp3::from_wav(&bytes).map_err(|e| fail(std::io::Error::other(e)))?,
                "audio/mpeg",
            ),
            other => (bytes, other.media_type()),
        };
        #[cfg(not(feature = "mp3"))]
        let media_type = format.media_type();
        audio.push(chapters::epub::Audio {
            bytes,
            media_type,
            start_frame: *start_frame,
        });
    }
    // SOURCE_DATE_EPOCH (reproducible builds) fixes the book's modification date.
    let now = std::env::var("SOURCE_DATE_EPOCH")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or_else(|| {
            std::time::SystemTime::now()
                .duration_since(std::time::UNIX_EPOCH)
                .map_or(0, |d| d.as_secs())
        });
    chapters::epub::build(whole, &audio, &chapters::epub::timestamp(now))
        .map_err(|e| fail(std::io::Error::other(e)))
}

/// An unnamed temporary file in the output's folder (created if missing).
fn spool_file(wav_path: &Path) -> Result<std::fs::File, RenderError> {
    let dir = files::folder_of(wav_path);
    let fail = |e: std::io::Error| RenderError::Output {
        path: dir.to_path_buf(),
        what: "temporary audio in",
        source: e.into(),
    };
    files::make_dir(dir).map_err(fail)?;
    tempfile::tempfile_in(dir).map_err(fail)
}

/// Makes a file from the audio just written: given where each audio file's bytes are now (its
/// temporary file) and the file's own path, its bytes.
type Book<'a> = dyn Fn(&dyn Fn(&Path) -> PathBuf, &Path) -> Result<Vec<u8>, RenderError> + 'a;

/// Texts written with the audio but made while it is mastered: their paths and kinds, and what
/// makes them (in the same order).
type LateTexts<'a> = (
    &'a [(PathBuf, &'static str)],
    &'a (dyn Fn() -> Vec<String> + Sync),
);

/// Writes the audio files at `paths` (by `write`), the `texts`, and the `book` made from the
/// audio, each into a temporary file beside it ([`files::Temporary`]); then renames them all
/// into place once every one is written, or removes them all: a failed or interrupted render
/// leaves no partial file under a final name.
fn write_files_atomically(
    paths: &[PathBuf],
    texts: &[(PathBuf, &'static str, String)],
    (late, make_late): LateTexts<'_>,
    book: Option<(&Path, &Book)>,
    cancelled: &dyn Fn() -> bool,
    write: impl FnOnce(
        Vec<BufWriter<&mut std::fs::File>>,
    ) -> Result<audio::Mastered, audio::MasterError>,
) -> Result<audio::Mastered, RenderError> {
    let fail = |path: &Path, what, source: wav::WavError| RenderError::Output {
        path: path.to_path_buf(),
        what,
        source,
    };
    let book_path = book.map(|(path, _)| path.to_path_buf());
    let all: Vec<(&PathBuf, &'static str)> = paths
        .iter()
        .map(|p| (p, "audio"))
        .chain(texts.iter().map(|t| (&t.0, t.1)))
        .chain(late.iter().map(|t| (&t.0, t.1)))
        .chain(book_path.iter().map(|p| (p, "EPUB")))
        .collect();
    let mut temps = Vec::with_capacity(all.len());
    for &(path, what) in &all {
        let dir = files::folder_of(path);
        files::make_dir(dir).map_err(|e| fail(path, what, e.into()))?;
        let temp = files::Temporary::new_in(dir).map_err(|e| fail(path, what, e.into()))?;
        temps.push(temp);
    }
    for (temp, (path, what, text)) in temps[paths.len()..].iter_mut().zip(texts) {
        std::io::Write::write_all(temp.as_file_mut(), text.as_bytes())
            .map_err(|e| fail(path, what, e.into()))?;
    }
    let (audio_temps, rest) = temps.split_at_mut(paths.len());
    let outs = audio_temps
        .iter_mut()
        .map(|t| BufWriter::new(t.as_file_mut()))
        .collect();
    let first = paths.first().map_or(Path::new("."), PathBuf::as_path);
    // The late texts are made on another thread while the audio is written.
    let (written, made) = std::thread::scope(|scope| {
        let making = scope.spawn(make_late);
        (write(outs), making.join())
    });
    let written = written.map_err(|e| {
        let path = e.part.and_then(|i| paths.get(i)).map_or(first, |p| p);
        fail(path, "audio", e.source)
    })?;
    let late_temps = &mut rest[texts.len()..texts.len() + late.len()];
    let made = match made {
        Ok(made) if made.len() == late.len() => made,
        _ => {
            let path = late.first().map_or(first, |(p, _)| p);
            let err = std::io::Error::other("its text could not be made");
            return Err(fail(path, "sidecar", err.into()));
        }
    };
    for ((temp, (path, what)), text) in late_temps.iter_mut().zip(late).zip(&made) {
        std::io::Write::write_all(temp.as_file_mut(), text.as_bytes())
            .map_err(|e| fail(path, what, e.into()))?;
    }
    if let Some((path, make)) = book {
        let temp_of = |audio: &Path| {
            paths
                .iter()
                .position(|p| p == audio)
                .map_or_else(|| audio.to_path_buf(), |i| temps[i].path().to_path_buf())
        };
        let bytes = make(&temp_of, path)?;
        if let Some(temp) = temps.last_mut() {
            std::io::Write::write_all(temp.as_file_mut(), &bytes)
                .map_err(|e| fail(path, "EPUB", e.into()))?;
        }
    }
    if cancelled() {
        return Err(RenderError::Interrupted); // dropping the temporary files removes them
    }
    // Rename everything into place; if one rename fails, remove the files already renamed,
    // so a render writes all its files or none.
    let mut done: Vec<&PathBuf> = Vec::with_capacity(temps.len());
    for (temp, (path, what)) in temps.into_iter().zip(all) {
        if let Err(e) = temp.persist(path) {
            for path in done {
                let _ = std::fs::remove_file(path);
            }
            return Err(fail(path, what, e.into()));
        }
        done.push(path);
    }
    Ok(written)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::config::VoiceSpec;

    fn fake_renderer(out: &Path) -> Renderer {
        let fake = VoiceSpec {
            engine: EngineSpec::Fake,
            ..VoiceSpec::default()
        };
        let config = RenderConfig {
            out_dir: out.to_path_buf(),
            voices: Voices {
                narrator: fake.clone(),
                quote: fake.clone(),
                heading: fake,
            },
            ..RenderConfig::default()
        };
        Renderer::new(&config).expect("the fake engine opens")
    }

    #[test]
    fn an_article_read_ahead_is_rendered_only_for_its_own_source() {
        let dir = tempfile::tempdir().expect("a folder");
        let (one, two) = (dir.path().join("one.txt"), dir.path().join("two.txt"));
        std::fs::write(
            &one,
            "First Title\n\nThe first article says one thing at length.\n",
        )
        .expect("written");
        std::fs::write(
            &two,
            "Second Title\n\nThe second article says another thing.\n",
        )
        .expect("written");
        let mut renderer = fake_renderer(&dir.path().join("out"));
        let config = renderer.config.clone();
        // Read ahead for the first, asked for the second: the second is read.
        let ahead = ReadAhead::file(&Source::File(one.clone()), &config).expect("a file");
        renderer.read_ahead(ahead);
        let second = renderer
            .render(&Source::File(two.clone()), &mut Silent)
            .expect("renders");
        let vtt = |r: &Rendered| {
            std::fs::read_to_string(r.wav.with_extension("vtt")).expect("a captions file")
        };
        assert!(vtt(&second).contains("second article"), "{}", vtt(&second));
        // Read ahead for the first and asked for it: what was read is what is rendered, even
        // if the file changed since (it was read once, before the render began).
        let ahead = ReadAhead::file(&Source::File(one.clone()), &config).expect("a file");
        std::fs::write(&one, "Changed Title\n\nSomething else entirely now.\n").expect("written");
        renderer.read_ahead(ahead);
        let first = renderer
            .render(&Source::File(one.clone()), &mut Silent)
            .expect("renders");
        assert!(vtt(&first).contains("first article"), "{}", vtt(&first));
        // A web address is never read ahead.
        let url = Source::Url("https://example.com/a".to_string());
        assert!(ReadAhead::file(&url, &config).is_none());
    }
}
