//! Stage 7 — batch: render many inputs, each to its own files; one failure does not stop the run.

use std::collections::HashSet;
use std::io::{BufReader, BufWriter};
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use crate::article::{self, ArticleError};
use crate::audio::{self, AudioError, wav};
use crate::chapters::{self, split};
use crate::config::RenderConfig;
use crate::engine::{self, Engine, EngineError};
use crate::input::{self, InputError, Source};
use crate::script::{self, MarkKind};

/// What happened to one input.
#[derive(Debug)]
pub struct Outcome {
    /// The input.
    pub source: Source,
    /// Its files, or why there are none.
    pub result: Result<Rendered, RenderError>,
}

/// The files written for one input.
#[derive(Debug, Clone, PartialEq)]
pub struct Rendered {
    /// The WAV file (the first part when the program was split).
    pub wav: PathBuf,
    /// Every WAV file written, in order (one unless split with `--max-part-duration` or
    /// `--split sections`).
    pub parts: Vec<PathBuf>,
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
    /// Time spent speaking, and in each audio stage.
    pub timings: Timings,
}

impl Rendered {
    /// The audio files written (and the playlist), comma-separated, and how many sidecars.
    pub fn files(&self) -> String {
        let names: Vec<String> = self
            .parts
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
    /// The speech engine.
    pub synthesis: Duration,
    /// The audio stages.
    pub audio: audio::Timings,
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
            ("assembly", self.audio.assembly),
            ("loudness", self.audio.loudness),
            ("mastering", self.audio.mastering),
        ];
        let parts: Vec<String> = stages
            .iter()
            .map(|(name, d)| {
                let s = d.as_secs_f64();
                format!("{name} {s:.2} s ({:.1}%)", 100.0 * s / total)
            })
            .collect();
        format!("total {total:.2} s; {}", parts.join("; "))
    }
}

/// Why one input was not rendered.
#[derive(Debug, thiserror::Error)]
pub enum RenderError {
    /// The input could not be read.
    #[error("{0}")]
    Input(#[from] InputError),
    /// The input held no article.
    #[error("{0}")]
    Article(#[from] ArticleError),
    /// Another input of the same run has the same output name.
    #[error("its output {0} would overwrite the output of an earlier input of this run")]
    DuplicateOutput(PathBuf),
    /// The speech engine failed.
    #[error("{0}")]
    Engine(#[from] EngineError),
    /// Assembling the audio failed.
    #[error("{0}")]
    Audio(#[from] AudioError),
    /// The run was interrupted (Ctrl-C) before this input was finished; nothing was written.
    #[error("interrupted; no file written")]
    Interrupted,
    /// Writing an output file failed.
    #[error("cannot write {path}: {source}")]
    Output {
        /// The file.
        path: PathBuf,
        /// What went wrong.
        source: wav::WavError,
    },
}

impl RenderError {
    /// 2 for problems with the input (the user can fix the input), 130 for an interrupted run
    /// (as a shell reports SIGINT), 1 for failures.
    pub fn exit_code(&self) -> u8 {
        match self {
            RenderError::Input(_) | RenderError::Article(_) | RenderError::DuplicateOutput(_) => 2,
            RenderError::Interrupted => 130,
            _ => 1,
        }
    }
}

/// Receives progress reports; the binary draws them, tests ignore them.
pub trait Observer {
    /// An input starts, with this many utterances to speak.
    fn begin(&mut self, _name: &str, _utterances: usize) {}
    /// One utterance was spoken.
    fn spoke(&mut self) {}
    /// The input is finished (written or failed).
    fn end(&mut self) {}
    /// Whether the user asked to stop (Ctrl-C). Checked between utterances and before the
    /// finished files are renamed into place; a cancelled input leaves no file.
    fn cancelled(&self) -> bool {
        false
    }
}

/// An observer that ignores everything.
pub struct Silent;
impl Observer for Silent {}

/// Renders every source in order.
pub fn render_all(
    sources: &[Source],
    config: &RenderConfig,
    observer: &mut dyn Observer,
) -> Vec<Outcome> {
    let mut engine: Option<Box<dyn Engine>> = None;
    let mut taken = HashSet::new();
    sources
        .iter()
        .map(|source| {
            let wav_path = config.out_dir.join(format!("{}.wav", source.stem()));
            let result = if observer.cancelled() {
                Err(RenderError::Interrupted)
            } else if taken.insert(wav_path.clone()) {
                render_one(source, &wav_path, config, &mut engine, observer)
            } else {
                Err(RenderError::DuplicateOutput(wav_path))
            };
            observer.end();
            Outcome {
                source: source.clone(),
                result,
            }
        })
        .collect()
}

fn render_one(
    source: &Source,
    wav_path: &Path,
    config: &RenderConfig,
    engine: &mut Option<Box<dyn Engine>>,
    observer: &mut dyn Observer,
) -> Result<Rendered, RenderError> {
    let began = Instant::now();
    let input = input::read(source)?;
    let article = article::parse_with(&input, config.parse)?;
    let script = script::build(&article, &config.script);
    let engine = match engine {
        Some(engine) => engine,
        None => engine.insert(engine::open(config.engine)?),
    };
    observer.begin(&source.display_name(), script.utterances.len());
    let mut timings = Timings {
        text: began.elapsed(),
        ..Timings::default()
    };
    let mut assembled = speak(&script, engine, config, wav_path, observer, &mut timings)?;
    let all = chapters::place(&script, &assembled.program);
    let chapters = chapters::select(&all, &config.markers);
    let layout = layout(&assembled.program, &all, config, wav_path, &source.stem());
    let mut texts = Vec::new();
    if config.split_sections {
        let parts: Vec<split::Part> = layout.iter().map(|(_, p)| p.clone()).collect();
        let playlist = split::m3u(&parts, assembled.program.pcm.sample_rate);
        texts.push((wav_path.with_extension("m3u"), playlist));
    }
    let audio_files: Vec<(String, u64)> = layout
        .iter()
        .map(|(_, p)| (p.file_name.clone(), p.frames.start))
        .collect();
    let timeline = chapters::timeline(&script, &assembled.program);
    let whole = chapters::Whole {
        audio: &audio_files,
        title: script.title.as_deref(),
        author: script.byline.as_deref(),
        chapters: &chapters,
        timeline: &timeline,
    };
    let stem = source.stem();
    for &kind in &config.sidecars {
        let path = wav_path.with_file_name(kind.file_name(&stem));
        texts.push((path, chapters::sidecar(kind, &whole)));
    }
    let info = wav::Info {
        title: script.title.clone(),
        artist: script.byline.clone(),
        software: Some(format!("articast {}", env!("CARGO_PKG_VERSION"))),
    };
    let (paths, mastered) = write_wavs(
        &mut assembled,
        &chapters,
        &info,
        config,
        &layout,
        &texts,
        observer,
    )?;
    timings.audio = mastered.timings;
    timings.total = began.elapsed();
    let count = |kind| chapters.iter().filter(|c| c.kind == kind).count();
    Ok(Rendered {
        wav: paths
            .first()
            .cloned()
            .unwrap_or_else(|| wav_path.to_path_buf()),
        parts: paths,
        playlist: config
            .split_sections
            .then(|| wav_path.with_extension("m3u")),
        sidecars: texts
            .into_iter()
            .map(|t| t.0)
            .filter(|p| p.extension().is_none_or(|e| e != "m3u"))
            .collect(),
        seconds: assembled.program.pcm.seconds(),
        sections: count(MarkKind::Section),
        quotes: count(MarkKind::Quote),
        loudness: Some(mastered.loudness),
        timings,
    })
}

/// Speaks every utterance and assembles the program, its audio spooled next to the output
/// (an unnamed file: gone on close, even on a crash).
fn speak(
    script: &script::Script,
    engine: &mut Box<dyn Engine>,
    config: &RenderConfig,
    wav_path: &Path,
    observer: &mut dyn Observer,
    timings: &mut Timings,
) -> Result<audio::Assembled<BufReader<std::fs::File>>, RenderError> {
    let sample_rate = config
        .audio
        .sample_rate
        .unwrap_or(engine.info().sample_rate);
    let spool = spool_file(wav_path)?;
    let mut assembler = audio::Assembler::new(BufWriter::new(spool), sample_rate)?;
    #[cfg(feature = "piper")]
    let mut piper = engine::piper::PiperEngine::default();
    for (index, utterance) in script.utterances.iter().enumerate() {
        if observer.cancelled() {
            return Err(RenderError::Interrupted);
        }
        let speaking = Instant::now();
        let voice = config.voices.for_role(utterance.role);
        #[cfg(not(feature = "piper"))]
        let _ = index;
        // Piper speaks the next utterances together, their sentences in parallel.
        #[cfg(feature = "piper")]
        if voice.piper.is_some() && config.engine != engine::EngineKind::Fake {
            let ahead = script.utterances[index..].iter();
            piper.prefetch(ahead.map(|u| (u.text.as_str(), config.voices.for_role(u.role))));
        }
        // A command profile speaks through its program, except under the fake engine (tests).
        let speech = if voice.command.is_some() && config.engine != engine::EngineKind::Fake {
            engine::command::CommandEngine.synthesize(&utterance.text, voice)?
        } else if voice.piper.is_some() && config.engine != engine::EngineKind::Fake {
            #[cfg(feature = "piper")]
            let speech = piper.synthesize(&utterance.text, voice)?;
            #[cfg(not(feature = "piper"))]
            let speech = Err(engine::EngineError::Unavailable {
                engine: "piper".to_string(),
                reason: "this articast was built without the `piper` feature".to_string(),
            })?;
            speech
        } else {
            engine.synthesize(&utterance.text, voice)?
        };
        timings.synthesis += speaking.elapsed();
        assembler.add(speech, utterance.role, utterance.pause_after_ms)?;
        observer.spoke();
    }
    let assembled = assembler.finish()?.map_spool(|spool| {
        spool
            .into_inner()
            .map(BufReader::new)
            .map_err(|e| AudioError::Spool(e.into_error()))
    })?;
    Ok(assembled)
}

/// The audio files of a program: one, parts of at most `--max-part-duration`, or one per
/// section (`--split sections`); each with its path and its frames.
fn layout(
    program: &audio::Program,
    all: &[chapters::Chapter],
    config: &RenderConfig,
    wav_path: &Path,
    stem: &str,
) -> Vec<(PathBuf, split::Part)> {
    if config.split_sections {
        return split::parts(all, program.pcm.frames, stem)
            .into_iter()
            .map(|p| (wav_path.with_file_name(&p.file_name), p))
            .collect();
    }
    let rate = program.pcm.sample_rate;
    let max_frames = config
        .audio
        .max_part_seconds
        .map(|s| u64::from(s) * u64::from(rate));
    let ranges = audio::split(program, max_frames);
    part_paths(wav_path, ranges.len())
        .into_iter()
        .zip(ranges)
        .map(|(path, frames)| {
            let file_name = path
                .file_name()
                .map(|n| n.to_string_lossy().into_owned())
                .unwrap_or_default();
            let part = split::Part {
                frames,
                title: String::new(),
                file_name,
            };
            (path, part)
        })
        .collect()
}

/// Masters the program into the files of `layout`, each with the markers that fall in it, and
/// writes the `texts` (playlist, sidecars) beside them, all or nothing. Returns the audio files
/// written and the figures.
fn write_wavs(
    assembled: &mut audio::Assembled<BufReader<std::fs::File>>,
    chapters: &[chapters::Chapter],
    info: &wav::Info,
    config: &RenderConfig,
    layout: &[(PathBuf, split::Part)],
    texts: &[(PathBuf, String)],
    observer: &dyn Observer,
) -> Result<(Vec<PathBuf>, audio::Mastered), RenderError> {
    let total = assembled.program.pcm.frames;
    let cues = chapters::cues(chapters);
    let paths: Vec<PathBuf> = layout.iter().map(|(p, _)| p.clone()).collect();
    let mastered = write_files_atomically(&paths, texts, &|| observer.cancelled(), |outs| {
        let parts = layout
            .iter()
            .zip(outs)
            .map(|((_, part), out)| audio::Part {
                cues: if config.split_sections {
                    chapters::cues(&split::markers(chapters, part))
                } else {
                    audio::cues_within(&cues, &part.frames, part.frames.end == total)
                },
                frames: part.frames.clone(),
                out,
            })
            .collect();
        audio::master(assembled, &config.audio, parts, info)
    })?;
    Ok((paths, mastered))
}

/// `name.wav` for one part; `name-part01.wav`, `name-part02.wav`, … for several.
fn part_paths(wav_path: &Path, parts: usize) -> Vec<PathBuf> {
    if parts <= 1 {
        return vec![wav_path.to_path_buf()];
    }
    let stem = wav_path.file_stem().unwrap_or_default().to_string_lossy();
    (1..=parts)
        .map(|n| wav_path.with_file_name(format!("{stem}-part{n:02}.wav")))
        .collect()
}

/// An unnamed temporary file in the output's folder (created if missing).
fn spool_file(wav_path: &Path) -> Result<std::fs::File, RenderError> {
    let dir = output_dir(wav_path);
    let fail = |e: std::io::Error| RenderError::Output {
        path: wav_path.to_path_buf(),
        source: e.into(),
    };
    std::fs::create_dir_all(dir).map_err(fail)?;
    tempfile::tempfile_in(dir).map_err(fail)
}

/// The folder a file goes to (`.` for a bare name).
fn output_dir(path: &Path) -> &Path {
    path.parent()
        .filter(|d| !d.as_os_str().is_empty())
        .unwrap_or(Path::new("."))
}

/// Writes each file through a temporary file in its folder and renames them all into place
/// once every one is written, so a failed or interrupted write leaves no partial file under a
/// final name.
fn write_files_atomically<T>(
    paths: &[PathBuf],
    texts: &[(PathBuf, String)],
    cancelled: &dyn Fn() -> bool,
    write: impl FnOnce(Vec<BufWriter<&mut std::fs::File>>) -> Result<T, wav::WavError>,
) -> Result<T, RenderError> {
    let fail = |path: &Path, source: wav::WavError| RenderError::Output {
        path: path.to_path_buf(),
        source,
    };
    let mut temps = Vec::with_capacity(paths.len() + texts.len());
    for path in paths.iter().chain(texts.iter().map(|t| &t.0)) {
        let dir = output_dir(path);
        std::fs::create_dir_all(dir).map_err(|e| fail(path, e.into()))?;
        let mut builder = tempfile::Builder::new();
        builder.prefix(".articast-").suffix(".part");
        // Temporary files are private (0600); outputs get an ordinary file's mode (0666 less
        // the umask), like any file the user creates.
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            builder.permissions(std::fs::Permissions::from_mode(0o666));
        }
        let temp = builder.tempfile_in(dir).map_err(|e| fail(path, e.into()))?;
        temps.push(temp);
    }
    for (temp, (path, text)) in temps[paths.len()..].iter_mut().zip(texts) {
        std::io::Write::write_all(temp.as_file_mut(), text.as_bytes())
            .map_err(|e| fail(path, e.into()))?;
    }
    let outs = temps[..paths.len()]
        .iter_mut()
        .map(|t| BufWriter::new(t.as_file_mut()))
        .collect();
    let first = paths.first().map_or(Path::new("."), PathBuf::as_path);
    let written = write(outs).map_err(|e| fail(first, e))?;
    if cancelled() {
        return Err(RenderError::Interrupted); // dropping the temporary files removes them
    }
    // Rename everything into place; if one rename fails, remove the files already renamed,
    // so a render writes all its files or none.
    let mut done: Vec<&PathBuf> = Vec::with_capacity(temps.len());
    for (temp, path) in temps
        .into_iter()
        .zip(paths.iter().chain(texts.iter().map(|t| &t.0)))
    {
        if let Err(e) = temp.persist(path) {
            for path in done {
                let _ = std::fs::remove_file(path);
            }
            return Err(fail(path, e.error.into()));
        }
        done.push(path);
    }
    Ok(written)
}
