//! Stage 4 — engine: speech synthesis behind one small trait.
//!
//! An [`Engine`] turns one utterance's text into [`Speech`]: mono 16-bit PCM at the engine's
//! sample rate, plus word and sentence events with their sample offsets. Each voice names the
//! engine that speaks it ([`EngineSpec`], resolved from its profile by [`crate::config`]); [`open`]
//! opens one. An engine says what it can do in its [`EngineInfo`] (sample rate, word events,
//! which phoneme markup it reads), and callers branch on that, never on its name.
//!
//! A new engine is one file here: a type that implements [`Engine`], a variant of
//! [`EngineSpec`], and its arm in [`open`].

pub mod cache;
pub mod command;
pub mod fake;
pub mod profile;
pub mod retry;
pub mod worker;

#[cfg(feature = "espeak")]
pub mod espeak;
#[cfg(feature = "espeak")]
pub mod espeak_ipa;
pub mod piper;

use std::path::PathBuf;

use serde::{Deserialize, Serialize};

pub use command::CommandSpec;

/// Voice settings for one utterance: what every engine understands.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct Voice {
    /// The engine's voice id (espeak-ng: `en-us`, `en-us+f3`; flite: `slt`, ...).
    pub id: String,
    /// Speaking rate in words per minute.
    pub rate: u32,
    /// Pitch, 0–100 (50 is the voice's normal pitch).
    pub pitch: u32,
    /// Volume, 0–200 (100 is normal).
    pub volume: u32,
}

impl Default for Voice {
    fn default() -> Self {
        Voice {
            id: "en-us".to_string(),
            rate: 175,
            pitch: 50,
            volume: 100,
        }
    }
}

/// Which engine speaks a voice, with the engine's own settings.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum EngineSpec {
    /// libespeak-ng, in-process (in a worker process when the program can start one).
    Espeak,
    /// A program that turns a text file into a WAV file.
    Command(CommandSpec),
    /// A Piper neural voice, in-process through ONNX Runtime.
    Piper(piper::PiperSpec),
    /// A deterministic tone generator for tests.
    Fake,
}

impl EngineSpec {
    /// The engines a front end may put in place of every voice's own (`--engine fake`), with
    /// a line of help.
    pub const OVERRIDES: [(&'static str, &'static str, EngineSpec); 3] = [
        ("espeak", "libespeak-ng for every voice", EngineSpec::Espeak),
        ("espeak-ng", "the same as `espeak`", EngineSpec::Espeak),
        (
            "fake",
            "deterministic tones for every voice (for tests)",
            EngineSpec::Fake,
        ),
    ];

    /// Whether opening the engine costs no more than starting a process (a Piper voice loads
    /// its model, hundreds of megabytes): such engines may be opened before it is known that
    /// they will be used.
    pub fn opens_cheaply(&self) -> bool {
        !matches!(self, EngineSpec::Piper(_))
    }

    /// The engine's short name, as profiles and messages spell it.
    pub fn name(&self) -> &str {
        match self {
            EngineSpec::Espeak => "espeak-ng",
            EngineSpec::Command(spec) => spec.program(),
            EngineSpec::Piper(_) => "piper",
            EngineSpec::Fake => "fake",
        }
    }
}

/// Phoneme markup an engine reads inside the text it is given.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Markup {
    /// None: the text is read as written (phoneme entries of a lexicon are respelled).
    None,
    /// espeak-ng phoneme codes between `[[` and `]]`.
    EspeakPhonemes,
}

/// Where an engine's word events come from.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum WordTiming {
    /// It reports none.
    #[default]
    None,
    /// It reports where each word starts as it speaks (espeak-ng's word events).
    Engine,
    /// It estimates them inside each sentence from the sentence's phonemes (Piper: sentence
    /// starts are exact, each sentence being spoken on its own; each word gets its share of
    /// the sentence by its number of phonemes).
    Phonemes,
}

/// What an engine says about itself.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct EngineInfo {
    /// Short name (`espeak-ng`, `fake`, the program of a command engine).
    pub name: String,
    /// Sample rate of everything it produces, in Hz (a command engine's programs may write
    /// other rates; the audio stage converts them).
    pub sample_rate: u32,
    /// Where the word events of its speech come from (captions and the timing map start their
    /// cues at them; without events articast estimates times from character counts).
    pub word_timing: WordTiming,
    /// The phoneme markup it reads.
    pub markup: Markup,
    /// Whether what it says for a text and voice is always the same, whatever it said before:
    /// its utterances may then be cached and spoken in parallel.
    pub stateless: bool,
    /// Whether it spreads the work over the cores itself: told of the next utterances
    /// ([`Engine::prefetch`]), it speaks them at once. The renderer then gives it one engine
    /// set rather than one per job.
    #[serde(default)]
    pub parallel: bool,
    /// Its version (a cached utterance is only reused by the same version).
    pub version: String,
}

/// How engines that must own a whole process are run.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Hosting {
    /// An executable that serves an engine over a pipe when started with
    /// [`worker::WORKER_ENV`] set (the articast binary itself). `None` runs every engine in
    /// this process.
    pub worker: Option<PathBuf>,
}

/// Kind of timing event reported by an engine.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum EventKind {
    /// A word starts.
    Word,
    /// A sentence starts.
    Sentence,
}

/// A timing event inside one utterance's audio.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct Event {
    /// Word or sentence start.
    pub kind: EventKind,
    /// Sample offset from the start of this utterance's audio.
    pub sample: u64,
    /// 0-based character offset of the word in the utterance text.
    pub char_start: usize,
    /// Length of the word in characters (0 when the engine does not say).
    pub char_len: usize,
}

/// One utterance, spoken.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Speech {
    /// Sample rate in Hz.
    pub sample_rate: u32,
    /// Mono 16-bit samples.
    pub samples: Vec<i16>,
    /// Word and sentence events, in time order (empty when the engine has none).
    pub events: Vec<Event>,
}

impl Speech {
    /// Writes the speech as a JSON header line (rate, sample count, events) followed by the
    /// samples as little-endian 16-bit integers: the form the worker sends and the cache keeps.
    pub fn write_to(&self, out: &mut impl std::io::Write) -> std::io::Result<()> {
        let header = SpeechHeader {
            sample_rate: self.sample_rate,
            samples: self.samples.len(),
            events: self.events.clone(),
        };
        serde_json::to_writer(&mut *out, &header).map_err(std::io::Error::other)?;
        out.write_all(b"\n")?;
        // Through a small buffer: no copy of the whole speech is made.
        let mut bytes = [0u8; 2 * SAMPLES_AT_ONCE];
        for chunk in self.samples.chunks(SAMPLES_AT_ONCE) {
            for (pair, s) in bytes.chunks_exact_mut(2).zip(chunk) {
                pair.copy_from_slice(&s.to_le_bytes());
            }
            out.write_all(&bytes[..2 * chunk.len()])?;
        }
        Ok(())
    }

    /// Reads what [`Speech::write_to`] wrote; fails on anything short or malformed.
    pub fn read_from(input: &mut impl std::io::BufRead) -> std::io::Result<Speech> {
        let mut line = String::new();
        input.read_line(&mut line)?;
        let header: SpeechHeader = serde_json::from_str(&line)
            .map_err(|e| std::io::Error::new(std::io::ErrorKind::InvalidData, e))?;
        // Through a small buffer into the samples: memory for the speech once, not twice. The
        // count is not trusted for more than the buffer until that many bytes have come.
        let mut samples = Vec::with_capacity(header.samples.min(1 << 20));
        let mut bytes = [0u8; 2 * SAMPLES_AT_ONCE];
        let mut left = header.samples;
        while left > 0 {
            let n = left.min(SAMPLES_AT_ONCE);
            input.read_exact(&mut bytes[..2 * n])?;
            samples.extend(
                bytes[..2 * n]
                    .chunks_exact(2)
                    .map(|b| i16::from_le_bytes([b[0], b[1]])),
            );
            left -= n;
        }
        Ok(Speech {
            sample_rate: header.sample_rate,
            samples,
            events: header.events,
        })
    }
}

/// Samples converted at a time when speech is written or read.
const SAMPLES_AT_ONCE: usize = 8192;

#[derive(Serialize, Deserialize)]
struct SpeechHeader {
    sample_rate: u32,
    samples: usize,
    events: Vec<Event>,
}

/// Errors of engines.
#[derive(Debug, thiserror::Error)]
pub enum EngineError {
    /// The engine could not be started (missing library data, bad voice, ...).
    #[error("{engine}: {reason}")]
    Unavailable {
        /// The engine's name.
        engine: String,
        /// What went wrong and how to fix it.
        reason: String,
    },
    /// Synthesis of one utterance failed.
    #[error("{engine} failed on \"{utterance}\": {reason}")]
    Synthesis {
        /// The engine's name.
        engine: String,
        /// The start of the utterance's text.
        utterance: String,
        /// What went wrong.
        reason: String,
    },
}

/// A speech engine.
///
/// # For implementors
/// - Every call returns audio at the sample rate given by [`Engine::info`], mono, 16-bit.
/// - Leading and trailing silence is kept as short as the engine allows: pauses between
///   utterances are added by the caller as exact digital silence.
/// - Empty text (or text with nothing to say) returns empty audio, not an error.
/// - Errors name the utterance ([`EngineError::Synthesis`]).
/// - Event offsets are relative to the start of the returned audio and never exceed its length.
/// - After [`Engine::begin`], the audio depends only on the calls that follow: an engine that
///   keeps state between utterances starts it afresh there.
pub trait Engine: Send {
    /// Name, sample rate and capabilities.
    fn info(&self) -> EngineInfo;
    /// Speaks one utterance.
    fn synthesize(&mut self, text: &str, voice: &Voice) -> Result<Speech, EngineError>;
    /// Checks that the engine can speak `voice`, before any article is read.
    fn check_voice(&mut self, _voice: &Voice) -> Result<(), EngineError> {
        Ok(())
    }
    /// A new article starts: state carried from earlier utterances is dropped.
    fn begin(&mut self) -> Result<(), EngineError> {
        Ok(())
    }
    /// Nothing more will be asked: an engine that holds a process may start ending it, so that
    /// several engines dropped together end side by side rather than one after another.
    fn end(&mut self) {}
    /// The utterances this engine will be asked for next, in order, the next one first: an
    /// engine that speaks several at once (Piper) may start on them now. Only a hint: each is
    /// still asked for with [`Engine::synthesize`].
    fn prefetch(&mut self, _upcoming: &[(&str, &Voice)]) {}
}

/// Opens the engine of `spec`.
pub fn open(spec: &EngineSpec, hosting: &Hosting) -> Result<Box<dyn Engine>, EngineError> {
    match spec {
        EngineSpec::Fake => Ok(Box::new(fake::FakeEngine)),
        EngineSpec::Command(spec) => Ok(Box::new(command::CommandEngine::open(spec.clone())?)),
        #[cfg(feature = "piper")]
        EngineSpec::Piper(spec) => Ok(Box::new(piper::PiperEngine::open(spec.clone())?)),
        #[cfg(not(feature = "piper"))]
        EngineSpec::Piper(_) => Err(EngineError::Unavailable {
            engine: "piper".to_string(),
            reason: "this articast was built without the `piper` feature; rebuild with default \
                     features, or choose another voice (`articast voices`)"
                .to_string(),
        }),
        EngineSpec::Espeak => match &hosting.worker {
            Some(exe) => Ok(Box::new(worker::WorkerEngine::start(exe, "espeak-ng")?)),
            None => open_in_process("espeak-ng"),
        },
    }
}

/// Opens an engine in this process, by the name a worker is asked for.
pub fn open_in_process(name: &str) -> Result<Box<dyn Engine>, EngineError> {
    match name {
        #[cfg(feature = "espeak")]
        "espeak-ng" => Ok(Box::new(espeak::EspeakEngine::open()?)),
        #[cfg(not(feature = "espeak"))]
        "espeak-ng" => Err(EngineError::Unavailable {
            engine: "espeak-ng".to_string(),
            reason: "this articast was built without the `espeak` feature; rebuild with default \
                     features, or choose another voice (`articast voices`)"
                .to_string(),
        }),
        other => Err(EngineError::Unavailable {
            engine: other.to_string(),
            reason: "no such in-process engine".to_string(),
        }),
    }
}

/// The first characters of an utterance, for error messages.
pub fn excerpt(text: &str) -> String {
    let mut out: String = text.chars().take(40).collect();
    if text.chars().count() > 40 {
        out.push('…');
    }
    out
}
