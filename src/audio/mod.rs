//! Stage 5 — audio: utterances' speech joined into one program, and the WAV file.
//!
//! [`assemble`] lays the [`Speech`] of each utterance end to end with the script's pauses as
//! exact digital silence, and records where every utterance and engine event landed, in sample
//! frames of the final audio. [`wav`] writes it with marker chunks.

pub mod wav;

use std::ops::Range;

use crate::engine::{Event, Speech};
use crate::script::Script;

/// Mono 16-bit PCM.
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

/// Where one utterance sits in the program.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Placed {
    /// Frames of its speech (pause excluded).
    pub frames: Range<u64>,
    /// Its engine events, with `sample` counted from the start of the program.
    pub events: Vec<Event>,
}

/// The whole spoken article.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Program {
    /// The audio.
    pub pcm: Pcm,
    /// One entry per script utterance, in order.
    pub placed: Vec<Placed>,
}

/// Why speech could not be assembled.
#[derive(Debug, thiserror::Error)]
pub enum AudioError {
    /// Two utterances came at different sample rates.
    #[error("utterance {index} is at {got} Hz, the program at {expected} Hz")]
    RateMismatch {
        /// Index of the utterance.
        index: usize,
        /// The program's rate.
        expected: u32,
        /// The utterance's rate.
        got: u32,
    },
    /// The script and the speech list differ in length.
    #[error("{speeches} speeches for {utterances} utterances")]
    CountMismatch {
        /// Utterances in the script.
        utterances: usize,
        /// Speeches given.
        speeches: usize,
    },
}

/// Joins the speech of every utterance, adding each utterance's pause after it.
pub fn assemble(
    script: &Script,
    speeches: Vec<Speech>,
    sample_rate: u32,
) -> Result<Program, AudioError> {
    if speeches.len() != script.utterances.len() {
        return Err(AudioError::CountMismatch {
            utterances: script.utterances.len(),
            speeches: speeches.len(),
        });
    }
    let mut program = Program {
        pcm: Pcm {
            sample_rate,
            samples: Vec::new(),
        },
        placed: Vec::with_capacity(speeches.len()),
    };
    for (index, (utterance, speech)) in script.utterances.iter().zip(speeches).enumerate() {
        if speech.sample_rate != sample_rate && !speech.samples.is_empty() {
            return Err(AudioError::RateMismatch {
                index,
                expected: sample_rate,
                got: speech.sample_rate,
            });
        }
        let start = program.pcm.frames();
        program.pcm.samples.extend_from_slice(&speech.samples);
        let end = program.pcm.frames();
        let events = speech
            .events
            .into_iter()
            .map(|e| Event {
                sample: start + e.sample,
                ..e
            })
            .collect();
        program.placed.push(Placed {
            frames: start..end,
            events,
        });
        let pause = u64::from(utterance.pause_after_ms) * u64::from(sample_rate) / 1000;
        program
            .pcm
            .samples
            .extend(std::iter::repeat_n(0, pause as usize));
    }
    Ok(program)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::engine::EventKind;
    use crate::script::{Role, Utterance};

    fn utterance(pause_after_ms: u32) -> Utterance {
        Utterance {
            text: "x".into(),
            role: Role::Narrator,
            pause_after_ms,
            paragraph: None,
        }
    }

    #[test]
    fn pauses_are_exact_silence_between_utterances() {
        let script = Script {
            utterances: vec![utterance(100), utterance(0)],
            ..Script::default()
        };
        let speech = |v: i16| Speech {
            sample_rate: 1000,
            samples: vec![v; 10],
            events: vec![],
        };
        let program = assemble(&script, vec![speech(5), speech(7)], 1000).unwrap();
        assert_eq!(program.pcm.frames(), 120);
        assert_eq!(program.placed[1].frames, 110..120);
        assert!(program.pcm.samples[10..110].iter().all(|&s| s == 0));
    }

    #[test]
    fn events_are_shifted_to_program_time() {
        let script = Script {
            utterances: vec![utterance(0), utterance(0)],
            ..Script::default()
        };
        let event = Event {
            kind: EventKind::Word,
            sample: 3,
            char_start: 0,
            char_len: 1,
        };
        let speech = Speech {
            sample_rate: 8,
            samples: vec![1; 8],
            events: vec![event],
        };
        let program = assemble(&script, vec![speech.clone(), speech], 8).unwrap();
        assert_eq!(program.placed[1].events[0].sample, 11);
    }

    #[test]
    fn a_rate_mismatch_is_an_error() {
        let script = Script {
            utterances: vec![utterance(0)],
            ..Script::default()
        };
        let speech = Speech {
            sample_rate: 16_000,
            samples: vec![1],
            events: vec![],
        };
        assert!(matches!(
            assemble(&script, vec![speech], 22_050),
            Err(AudioError::RateMismatch { .. })
        ));
    }
}
