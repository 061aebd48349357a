//! A deterministic stand-in engine: each word becomes a short tone.
//!
//! Same text and voice in, same samples out, on every machine. The tone's pitch follows the
//! voice's pitch and id, so different voices give different audio; its length follows the word.

use super::{Engine, EngineError, EngineInfo, Event, EventKind, Markup, Speech, Voice};

/// Sample rate of the fake engine.
pub const SAMPLE_RATE: u32 = 22_050;
/// Samples per character of a word.
const SAMPLES_PER_CHAR: usize = 1_100;
/// Silence between words, in samples.
const WORD_GAP: usize = 1_500;

/// The fake engine.
#[derive(Debug, Default)]
pub struct FakeEngine;

impl Engine for FakeEngine {
    fn info(&self) -> EngineInfo {
        EngineInfo {
            name: "fake".to_string(),
            sample_rate: SAMPLE_RATE,
            word_timing: super::WordTiming::Engine,
            markup: Markup::None,
            stateless: true,
            parallel: false,
            version: env!("CARGO_PKG_VERSION").to_string(),
        }
    }

    fn synthesize(&mut self, text: &str, voice: &Voice) -> Result<Speech, EngineError> {
        let mut speech = Speech {
            sample_rate: SAMPLE_RATE,
            ..Speech::default()
        };
        let base = 110.0 + 3.0 * voice.pitch as f32 + (voice.id.len() % 7) as f32 * 20.0;
        let amplitude = 8_000.0 * (voice.volume.min(200) as f32 / 100.0);
        let mut sentence_start = true;
        for (char_start, word) in words(text) {
            if !speech.samples.is_empty() {
                speech.samples.extend(std::iter::repeat_n(0, WORD_GAP));
            }
            let sample = speech.samples.len() as u64;
            if sentence_start {
                speech.events.push(Event {
                    kind: EventKind::Sentence,
                    sample,
                    char_start,
                    char_len: 0,
                });
            }
            let char_len = word.chars().count();
            speech.events.push(Event {
                kind: EventKind::Word,
                sample,
                char_start,
                char_len,
            });
            let freq = base + (char_len % 5) as f32 * 15.0;
            let scale = 175.0 / voice.rate.max(1) as f32;
            let n = ((char_len * SAMPLES_PER_CHAR) as f32 * scale) as usize;
            speech.samples.extend((0..n).map(|i| {
                let t = i as f32 / SAMPLE_RATE as f32;
                (amplitude * (std::f32::consts::TAU * freq * t).sin()) as i16
            }));
            sentence_start = word.ends_with(['.', '!', '?']);
        }
        Ok(speech)
    }
}

/// Words with their character offsets.
fn words(text: &str) -> impl Iterator<Item = (usize, &str)> {
    let mut offset = 0;
    text.split(' ').filter_map(move |w| {
        let start = offset;
        offset += w.chars().count() + 1;
        (!w.is_empty() && w.chars().any(char::is_alphanumeric)).then_some((start, w))
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn same_text_gives_the_same_samples() {
        let v = Voice::default();
        let a = FakeEngine.synthesize("Hello there world.", &v).unwrap();
        let b = FakeEngine.synthesize("Hello there world.", &v).unwrap();
        assert_eq!(a, b);
        assert!(!a.samples.is_empty());
    }

    #[test]
    fn empty_text_gives_empty_audio() {
        let s = FakeEngine.synthesize("  ", &Voice::default()).unwrap();
        assert!(s.samples.is_empty() && s.events.is_empty());
    }

    #[test]
    fn word_events_point_at_words() {
        let s = FakeEngine
            .synthesize("One two. Three", &Voice::default())
            .unwrap();
        let words: Vec<(usize, usize)> = s
            .events
            .iter()
            .filter(|e| e.kind == EventKind::Word)
            .map(|e| (e.char_start, e.char_len))
            .collect();
        assert_eq!(words, vec![(0, 3), (4, 4), (9, 5)]);
        let sentences = s
            .events
            .iter()
            .filter(|e| e.kind == EventKind::Sentence)
            .count();
        assert_eq!(sentences, 2);
    }

    #[test]
    fn another_pitch_gives_other_audio() {
        let high = Voice {
            pitch: 80,
            ..Voice::default()
        };
        let a = FakeEngine.synthesize("Hello", &Voice::default()).unwrap();
        let b = FakeEngine.synthesize("Hello", &high).unwrap();
        assert_ne!(a.samples, b.samples);
    }
}
