//! Stage 5 — audio: utterances' speech joined into one program, mastered, and written as WAV.
//!
//! Three steps, so memory stays flat however long the article is:
//!
//! 1. [`Assembler`] takes each utterance's [`Speech`](crate::engine::Speech) as it is spoken: it cuts the engine's own
//!    silence ([`trim`]), resamples to the program rate ([`resample`]), fades the cuts, and spools
//!    the audio (mono `f32`) to a temporary file, followed by the script's pause shortened by the
//!    kept margins, so the pause the listener hears is the script's. It records where every
//!    utterance and engine event landed, in frames of the final audio ([`Program::placed`]: the
//!    one source of positions for markers and sidecars), and measures each voice role.
//! 2. [`master`] computes one gain per role that matches every voice to the narrator, then one
//!    gain for the whole program that brings it to the loudness target once limited (from the
//!    loudness timeline gathered during assembly; no pass over the spool).
//! 3. It then streams the spool once more into each part's [`AudioWriter`] (a [`wav::WavWriter`],
//!    and the encoders of [`format`](mod@format): MP3, M4B, Opus): role gains, the program gain, a true-peak
//!    [`limiter`], the output format; and measures the finished audio, whose figures go into the
//!    file and the report.

mod assembly;
pub mod format;
pub mod limiter;
pub mod loudness;
pub mod m4b;
mod mastering;
pub mod metadata;
#[cfg(feature = "mp3")]
pub mod mp3;
#[cfg(feature = "opus")]
pub mod opus;
pub mod resample;
mod timeline;
pub mod trim;
pub mod wav;
pub mod writer;

pub use assembly::{Assembled, Assembler, assemble, assemble_in_memory};
pub use mastering::{MasterError, Mastered, Part, master};
pub use writer::AudioWriter;

use std::ops::Range;

use crate::engine::Event;
use loudness::MeterError;
use resample::ResampleError;

/// Mono 16-bit PCM held in memory.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Pcm {
    /// Sample rate in Hz.
    pub sample_rate: u32,
    /// Samples, one per frame.
    pub samples: Vec<i16>,
}

impl Pcm {
    /// Length in frames.
    pub fn frames(&self) -> u64 {
        self.samples.len() as u64
    }

    /// Length in seconds.
    pub fn seconds(&self) -> f64 {
        self.frames() as f64 / f64::from(self.sample_rate.max(1))
    }
}

/// Rate and length of the program's audio, wherever its samples are (memory or spool).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Extent {
    /// Sample rate in Hz (of the written file).
    pub sample_rate: u32,
    /// Length in frames.
    pub frames: u64,
}

impl Extent {
    /// Length in frames.
    pub fn frames(&self) -> u64 {
        self.frames
    }

    /// Length in seconds.
    pub fn seconds(&self) -> f64 {
        self.frames as f64 / f64::from(self.sample_rate.max(1))
    }
}

/// Where one utterance sits in the program.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Placed {
    /// Frames of its speech (pause excluded).
    pub frames: Range<u64>,
    /// Its engine events, with `sample` counted from the start of the program.
    pub events: Vec<Event>,
}

/// The whole spoken article: its length, and where every utterance is, in final frames.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Program {
    /// Rate and length of the audio.
    pub pcm: Extent,
    /// One entry per script utterance, in order.
    pub placed: Vec<Placed>,
}

/// Output settings of the audio.
#[derive(Debug, Clone, PartialEq)]
pub struct AudioOptions {
    /// Rate of the file; `None` takes the narrator engine's rate.
    pub sample_rate: Option<u32>,
    /// 1 or 2 (the mono program on both channels).
    pub channels: u16,
    /// 16 or 24.
    pub bits: u16,
    /// Integrated loudness target in LUFS; `None` leaves levels as the engines made them.
    pub loudness: Option<f64>,
    /// True-peak ceiling in dBTP (applied when there is a loudness target).
    pub true_peak: f64,
    /// Longest part in seconds: longer programs are split into several files.
    pub max_part_seconds: Option<u32>,
}

impl Default for AudioOptions {
    fn default() -> Self {
        AudioOptions {
            sample_rate: None,
            channels: 1,
            bits: 16,
            loudness: Some(-16.0),
            true_peak: -1.0,
            max_part_seconds: None,
        }
    }
}

/// Why speech could not be assembled.
#[derive(Debug, thiserror::Error)]
pub enum AudioError {
    /// The script and the speech list differ in length.
    #[error("{speeches} speeches for {utterances} utterances")]
    CountMismatch {
        /// Utterances in the script.
        utterances: usize,
        /// Speeches given.
        speeches: usize,
    },
    /// An engine's rate could not be converted to the program's.
    #[error(transparent)]
    Resample(#[from] ResampleError),
    /// The loudness meter refused the audio.
    #[error(transparent)]
    Meter(#[from] MeterError),
    /// The temporary audio could not be written.
    #[error("temporary audio: {0}")]
    Spool(#[from] std::io::Error),
}

/// Speech for the tests of the audio steps.
#[cfg(test)]
mod testing {
    use crate::engine::Speech;
    use crate::script::{Role, Utterance};

    pub const RATE: u32 = 22_050;

    pub fn utterance(role: Role, pause_after_ms: u32) -> Utterance {
        Utterance::plain("x", role, pause_after_ms)
    }

    /// Engine-like speech: silence, a tone that starts softly, silence.
    pub fn speech(rate: u32, lead_ms: u32, tone_ms: u32, tail_ms: u32, amplitude: f32) -> Speech {
        let frames = |ms: u32| (ms * rate / 1000) as usize;
        let mut samples = vec![0i16; frames(lead_ms)];
        let n = frames(tone_ms);
        samples.extend((0..n).map(|i| {
            let envelope = (i as f32 / (rate as f32 * 0.02)).min(1.0);
            let t = i as f32 / rate as f32;
            (32_767.0 * amplitude * envelope * (std::f32::consts::TAU * 220.0 * t).sin()) as i16
        }));
        samples.extend(vec![0i16; frames(tail_ms)]);
        Speech {
            sample_rate: rate,
            samples,
            events: vec![],
        }
    }
}
