//! Stage 4 — engine: speech synthesis behind one small trait.
//!
//! An [`Engine`] turns one utterance's text into [`Speech`]: mono 16-bit PCM at the engine's
//! sample rate, plus word and sentence events with their sample offsets. Engines are chosen with
//! [`EngineKind`] and opened with [`open`].

pub mod command;
pub mod fake;
pub mod profile;

#[cfg(feature = "espeak")]
pub mod espeak;
#[cfg(feature = "espeak")]
pub mod espeak_ipa;
pub mod piper;

use serde::Serialize;

/// Voice settings for one utterance.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Voice {
    /// A program that speaks this voice instead of the run's engine (a command profile).
    pub command: Option<command::CommandSpec>,
    /// A Piper voice that speaks this voice instead of the run's engine (a Piper profile).
    pub piper: Option<piper::PiperSpec>,
    /// The engine's voice id (espeak-ng: `en-us`, `en-us+f3`, ...).
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
            command: None,
            piper: None,
            id: "en-us".to_string(),
            rate: 175,
            pitch: 50,
            volume: 100,
        }
    }
}

/// What an engine says about itself.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct EngineInfo {
    /// Short name (`espeak-ng`, `fake`).
    pub name: String,
    /// Sample rate of everything it produces, in Hz.
    pub sample_rate: u32,
}

/// Kind of timing event reported by an engine.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum EventKind {
    /// A word starts.
    Word,
    /// A sentence starts.
    Sentence,
}

/// A timing event inside one utterance's audio.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
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
pub trait Engine {
    /// Name and sample rate.
    fn info(&self) -> EngineInfo;
    /// Speaks one utterance.
    fn synthesize(&mut self, text: &str, voice: &Voice) -> Result<Speech, EngineError>;
}

/// The engines articast can open.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum EngineKind {
    /// libespeak-ng, in-process.
    #[default]
    Espeak,
    /// A deterministic tone generator for tests.
    Fake,
}

/// Opens an engine.
pub fn open(kind: EngineKind) -> Result<Box<dyn Engine>, EngineError> {
    match kind {
        EngineKind::Fake => Ok(Box::new(fake::FakeEngine)),
        #[cfg(feature = "espeak")]
        EngineKind::Espeak => Ok(Box::new(espeak::EspeakEngine::open()?)),
        #[cfg(not(feature = "espeak"))]
        EngineKind::Espeak => Err(EngineError::Unavailable {
            engine: "espeak-ng".to_string(),
            reason: "this articast was built without the `espeak` feature; rebuild with default features".to_string(),
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
