//! Stage 7 — batch: render many inputs, each to its own files; one failure does not stop the run.

use std::collections::HashSet;
use std::io::BufWriter;
use std::path::{Path, PathBuf};

use crate::article::{self, ArticleError};
use crate::audio::{self, AudioError, Pcm, wav};
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
    /// The WAV file (in split mode: the `.m3u` playlist of the parts).
    pub wav: PathBuf,
    /// Every file written, the audio first.
    pub files: Vec<PathBuf>,
    /// Its length in seconds.
    pub seconds: f64,
    /// Section markers written.
    pub sections: usize,
    /// Quotation markers written.
    pub quotes: usize,
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
    /// 2 for problems with the input (the user can fix the input), 1 for failures.
    pub fn exit_code(&self) -> u8 {
        match self {
            RenderError::Input(_) | RenderError::Article(_) | RenderError::DuplicateOutput(_) => 2,
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
            let result = if taken.insert(wav_path.clone()) {
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
    let input = input::read(source)?;
    let article = article::parse(&input)?;
    let script = script::build(&article, &config.script);
    let engine = match engine {
        Some(engine) => engine,
        None => engine.insert(engine::open(config.engine)?),
    };
    observer.begin(&source.display_name(), script.utterances.len());
    let mut speeches = Vec::with_capacity(script.utterances.len());
    for utterance in &script.utterances {
        speeches.push(engine.synthesize(&utterance.text, config.voices.for_role(utterance.role))?);
        observer.spoke();
    }
    let program = audio::assemble(&script, speeches, engine.info().sample_rate)?;
    let all = chapters::place(&script, &program);
    let markers = chapters::select(&all, &config.markers);
    let info = wav::Info {
        title: script.title.clone(),
        artist: script.byline.clone(),
        software: Some(format!("articast {}", env!("CARGO_PKG_VERSION"))),
    };
    let dir = wav_path.parent().unwrap_or(Path::new(""));
    let stem = source.stem();
    let rate = program.pcm.sample_rate;
    let mut staged = Vec::new();
    let mut audio = Vec::new();
    if config.split_sections {
        let parts = split::parts(&all, program.pcm.frames(), &stem);
        for part in &parts {
            let pcm = Pcm {
                sample_rate: rate,
                samples: program.pcm.samples[part.frames.start as usize..part.frames.end as usize]
                    .to_vec(),
            };
            let cues = chapters::cues(&split::markers(&markers, part));
            let info = wav::Info {
                title: Some(part.title.clone()),
                ..info.clone()
            };
            staged.push(stage(&dir.join(&part.file_name), |out| {
                wav::write(out, &pcm, &cues, &info)
            })?);
            audio.push((part.file_name.clone(), part.frames.start));
        }
        let playlist = split::m3u(&parts, rate);
        staged.push(stage_text(&dir.join(format!("{stem}.m3u")), &playlist)?);
    } else {
        staged.push(stage(wav_path, |out| {
            wav::write(out, &program.pcm, &chapters::cues(&markers), &info)
        })?);
        audio.push((format!("{stem}.wav"), 0));
    }
    let timeline = chapters::timeline(&script, &program);
    let whole = chapters::Whole {
        audio: &audio,
        title: script.title.as_deref(),
        author: script.byline.as_deref(),
        chapters: &markers,
        timeline: &timeline,
    };
    for &kind in &config.sidecars {
        let path = dir.join(kind.file_name(&stem));
        staged.push(stage_text(&path, &chapters::sidecar(kind, &whole))?);
    }
    let files = commit(staged)?;
    let count = |kind| markers.iter().filter(|c| c.kind == kind).count();
    Ok(Rendered {
        wav: files
            .iter()
            .find(|f| f.extension().is_some_and(|e| e == "m3u"))
            .unwrap_or(&files[0])
            .clone(),
        files,
        seconds: program.pcm.seconds(),
        sections: count(MarkKind::Section),
        quotes: count(MarkKind::Quote),
    })
}

/// A file written to a temporary name beside its destination, not yet in place.
struct Staged {
    temp: tempfile::NamedTempFile,
    path: PathBuf,
}

fn output_error(path: &Path, source: impl Into<wav::WavError>) -> RenderError {
    RenderError::Output {
        path: path.to_path_buf(),
        source: source.into(),
    }
}

/// Writes `path`'s content to a temporary file in the destination folder. Dropping the result
/// deletes it, so a failure later in the render leaves nothing behind.
fn stage(
    path: &Path,
    write: impl FnOnce(&mut BufWriter<&mut std::fs::File>) -> Result<(), wav::WavError>,
) -> Result<Staged, RenderError> {
    let dir = path
        .parent()
        .filter(|d| !d.as_os_str().is_empty())
        .unwrap_or(Path::new("."));
    std::fs::create_dir_all(dir).map_err(|e| output_error(path, e))?;
    let mut temp = tempfile::Builder::new()
        .prefix(".articast-")
        .suffix(".part")
        .tempfile_in(dir)
        .map_err(|e| output_error(path, e))?;
    {
        let mut out = BufWriter::new(temp.as_file_mut());
        write(&mut out).map_err(|e| output_error(path, e))?;
        std::io::Write::flush(&mut out).map_err(|e| output_error(path, e))?;
    }
    Ok(Staged {
        temp,
        path: path.to_path_buf(),
    })
}

fn stage_text(path: &Path, text: &str) -> Result<Staged, RenderError> {
    stage(path, |out| {
        Ok(std::io::Write::write_all(out, text.as_bytes())?)
    })
}

/// Renames every staged file into place. If one rename fails, the files already renamed are
/// removed again, so a render writes all its files or none.
fn commit(staged: Vec<Staged>) -> Result<Vec<PathBuf>, RenderError> {
    let mut done: Vec<PathBuf> = Vec::with_capacity(staged.len());
    let mut pending = staged.into_iter();
    for file in pending.by_ref() {
        if let Err(e) = file.temp.persist(&file.path) {
            for path in &done {
                let _ = std::fs::remove_file(path);
            }
            return Err(output_error(&file.path, e.error));
        }
        done.push(file.path);
    }
    Ok(done)
}
