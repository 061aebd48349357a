//! The timeline: every section, paragraph and sentence of the program with its frames.
//!
//! Sentences are the script's (each utterance knows its sentences' source text and where their
//! speech lies in what the engine was given), timed by the engine's events: a sentence starts
//! at its first word event (else its sentence event) and ends where the next one starts, the
//! last at the end of the utterance's speech. Words as written are aligned with the words
//! spoken and take their times ([`Sentence::word_starts`]). Engines
//! without events get times spread over the utterance in proportion to the characters, and the
//! timeline says so in [`Timeline::estimated`].

use serde::Serialize;

use super::{Chapter, place};
use crate::audio::Program;
use crate::engine::{EventKind, WordTiming};
use crate::script::{MarkKind, Role, Script};

/// A stretch of text and where it is heard.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Timed {
    /// The source text (section heading, paragraph, or the sentence as spoken).
    pub text: String,
    /// First frame.
    pub start_frame: u64,
    /// One past the last frame.
    pub end_frame: u64,
}

/// A sentence of one utterance.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Sentence {
    /// Its text and frames.
    #[serde(flatten)]
    pub timed: Timed,
    /// The utterance it belongs to.
    pub utterance: usize,
    /// The body paragraph it belongs to, if any.
    pub paragraph: Option<usize>,
    /// What the engine was given for it (the speech text).
    #[serde(skip)]
    pub speech: String,
    /// Its words' starts: character offset in `speech` and frame.
    #[serde(skip)]
    pub words: Vec<(usize, u64)>,
}

/// A word as written, and the frame where it starts to be heard.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Word {
    /// The word, with its punctuation.
    pub text: String,
    /// Its first character's offset in the sentence's text.
    #[serde(skip)]
    pub offset: usize,
    /// Where it starts.
    pub start_frame: u64,
}

impl Sentence {
    /// Its words as written, each with the frame where it starts: the engine's event for the
    /// spoken word it is aligned with (the speech text says some words differently: "BM-21"
    /// as "B M 21", "St." as "Saint"), or an estimate in proportion to the characters. The
    /// first word starts with the sentence; times never go back.
    pub fn word_starts(&self) -> Vec<Word> {
        let t = &self.timed;
        let shown = split_words(&t.text);
        let spoken = split_words(&self.speech);
        let chars = self.speech.chars().count();
        let span = t.end_frame - t.start_frame;
        let mut floor = t.start_frame;
        shown
            .into_iter()
            .zip(spoken_index(
                &shown_keys(&t.text),
                &shown_keys(&self.speech),
            ))
            .enumerate()
            .map(|(k, ((offset, text), i))| {
                let at = spoken.get(i).map_or(chars, |w| w.0);
                let heard = self.words.iter().find(|&&(c, _)| c >= at).map(|w| w.1);
                let estimate = t.start_frame + span * at as u64 / chars.max(1) as u64;
                let frame = match k {
                    0 => t.start_frame,
                    _ => heard.unwrap_or(estimate).clamp(floor, t.end_frame),
                };
                floor = frame;
                Word {
                    text,
                    offset,
                    start_frame: frame,
                }
            })
            .collect()
    }
}

/// The words of `text` (split at spaces) with their character offsets.
fn split_words(text: &str) -> Vec<(usize, String)> {
    let mut out = Vec::new();
    let mut offset = 0;
    for piece in text.split(' ') {
        if !piece.is_empty() {
            out.push((offset, piece.to_string()));
        }
        offset += piece.chars().count() + 1;
    }
    out
}

/// Each word of `text` as lower-case letters and digits, the key the alignment compares.
fn shown_keys(text: &str) -> Vec<String> {
    split_words(text)
        .into_iter()
        .map(|(_, w)| {
            w.chars()
                .filter(|c| c.is_alphanumeric())
                .flat_map(char::to_lowercase)
                .collect()
        })
        .collect()
}

/// For each word of `shown`, the index of the word of `spoken` where it begins, by a diff.
fn spoken_index(shown: &[String], spoken: &[String]) -> Vec<usize> {
    let mut index = vec![0; shown.len()];
    for op in similar::capture_diff_slices(similar::Algorithm::Myers, shown, spoken) {
        let (old, new) = (op.old_range(), op.new_range());
        for (k, i) in old.enumerate() {
            index[i] = (new.start + k)
                .min(new.end.saturating_sub(1))
                .max(new.start);
        }
    }
    index
}

/// Every section, paragraph and sentence of a program.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Timeline {
    /// Sample rate of the frames.
    pub sample_rate: u32,
    /// Length of the program in frames.
    pub frames: u64,
    /// Whether sentence times are estimated (the engine gave no events).
    pub estimated: bool,
    /// Where the word times come from: the engines' events, the engines' estimates from
    /// phonemes, or none (then `estimated`: spread by characters).
    pub word_timing: WordTiming,
    /// Sections (heading text).
    pub sections: Vec<Timed>,
    /// Body paragraphs (source text).
    pub paragraphs: Vec<Timed>,
    /// Sentences, in order.
    pub sentences: Vec<Sentence>,
    /// Quotations, in order: the whole quotation's text and frames, who said it, and the
    /// utterances that speak it ([`Sentence::utterance`]).
    #[serde(skip)]
    pub quotes: Vec<Quoted>,
    /// The voice of each utterance (heading, narration or quotation).
    #[serde(skip)]
    pub roles: Vec<Role>,
}

/// A quotation on the timeline.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Quoted {
    /// The whole quotation and its frames.
    pub timed: Timed,
    /// Who is quoted, when the article says so.
    pub speaker: Option<String>,
    /// The utterances that speak it (an interrupted quotation skips the attribution between).
    pub utterances: std::ops::RangeInclusive<usize>,
}

impl Timeline {
    /// The quotation that `sentence` belongs to, if any (by index into [`Timeline::quotes`]).
    pub fn quote_of(&self, sentence: &Sentence) -> Option<usize> {
        let quoted = self.roles.get(sentence.utterance) == Some(&Role::Quote);
        self.quotes
            .iter()
            .position(|q| quoted && q.utterances.contains(&sentence.utterance))
    }
}

fn timed(chapters: &[Chapter], kind: MarkKind) -> Vec<Timed> {
    chapters
        .iter()
        .filter(|c| c.kind == kind)
        .map(|c| Timed {
            text: c.note.clone(),
            start_frame: c.start_frame,
            end_frame: c.end_frame,
        })
        .collect()
}

/// Builds the timeline of `script` spoken as `program`, by engines whose word events are of
/// `timing`.
pub fn timeline(script: &Script, program: &Program, timing: WordTiming) -> Timeline {
    let chapters = place(script, program);
    let mut sentences = Vec::new();
    let mut any_events = false;
    for (index, (utterance, placed)) in script.utterances.iter().zip(&program.placed).enumerate() {
        any_events |= !placed.events.is_empty();
        let chars: Vec<char> = utterance.text.chars().collect();
        let total = chars.len().max(1) as u64;
        let span = placed.frames.end - placed.frames.start;
        let estimate = |offset: usize| placed.frames.start + span * offset as u64 / total;
        let mut starts = Vec::with_capacity(utterance.sentences.len());
        for said in &utterance.sentences {
            let (start, end) = (said.speech.start, said.speech.end.min(chars.len()));
            let in_range = |c: usize| (start..end).contains(&c);
            let words: Vec<(usize, u64)> = placed
                .events
                .iter()
                .filter(|e| e.kind == EventKind::Word && in_range(e.char_start))
                .map(|e| (e.char_start - start, e.sample))
                .collect();
            let sentence_event = placed
                .events
                .iter()
                .find(|e| e.kind == EventKind::Sentence && in_range(e.char_start))
                .map(|e| e.sample);
            let first = words.first().map(|w| w.1).or(sentence_event);
            if !said.source.chars().any(char::is_alphanumeric) {
                continue;
            }
            starts.push(first.unwrap_or_else(|| estimate(start)));
            sentences.push(Sentence {
                timed: Timed {
                    text: said.source.clone(),
                    start_frame: 0,
                    end_frame: 0,
                },
                utterance: index,
                paragraph: utterance.paragraph,
                speech: chars[start.min(end)..end].iter().collect(),
                words,
            });
        }
        // Times only move forward, even if an engine's events do not.
        let first_new = sentences.len() - starts.len();
        let mut floor = placed.frames.start;
        for start in &mut starts {
            *start = (*start).clamp(floor, placed.frames.end);
            floor = *start;
        }
        for (k, sentence) in sentences[first_new..].iter_mut().enumerate() {
            sentence.timed.start_frame = starts[k];
            sentence.timed.end_frame = starts.get(k + 1).copied().unwrap_or(placed.frames.end);
        }
    }
    Timeline {
        sample_rate: program.pcm.sample_rate,
        frames: program.pcm.frames(),
        estimated: !any_events && !sentences.is_empty(),
        word_timing: match (any_events, timing) {
            (false, _) => WordTiming::None,
            // Events from engines that say nothing of them are taken as theirs.
            (true, WordTiming::None) => WordTiming::Engine,
            (true, timing) => timing,
        },
        sections: timed(&chapters, MarkKind::Section),
        paragraphs: timed(&chapters, MarkKind::Paragraph),
        sentences,
        quotes: script
            .marks
            .iter()
            .zip(&chapters)
            .filter(|(m, _)| m.kind == MarkKind::Quote)
            .map(|(m, c)| Quoted {
                timed: Timed {
                    text: c.note.clone(),
                    start_frame: c.start_frame,
                    end_frame: c.end_frame,
                },
                speaker: m.speaker.clone(),
                utterances: m.first..=m.last,
            })
            .collect(),
        roles: script.utterances.iter().map(|u| u.role).collect(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::audio::{Extent, Placed};
    use crate::engine::Event;
    use crate::script::{Role, Utterance};

    fn script(texts: &[&str]) -> Script {
        Script {
            utterances: texts
                .iter()
                .map(|t| Utterance {
                    paragraph: Some(0),
                    ..Utterance::plain(t, Role::Narrator, 0)
                })
                .collect(),
            ..Script::default()
        }
    }

    fn word(sample: u64, char_start: usize) -> Event {
        Event {
            kind: EventKind::Word,
            sample,
            char_start,
            char_len: 1,
        }
    }

    fn program(frames: std::ops::Range<u64>, events: Vec<Event>) -> Program {
        Program {
            pcm: Extent {
                sample_rate: 1000,
                frames: frames.end + 10,
            },
            placed: vec![Placed { frames, events }],
        }
    }

    #[test]
    fn words_said_differently_are_aligned_to_where_they_are_said() {
        let shown = shown_keys("a BM-21 rocket near St. Petersburg fell");
        let spoken = shown_keys("a B M 21 rocket near Saint Petersburg fell");
        assert_eq!(spoken_index(&shown, &spoken), vec![0, 1, 4, 5, 6, 7, 8]);
    }

    #[test]
    fn sentences_start_at_their_first_word_event() {
        let s = script(&["One two. Three four."]);
        let p = program(
            100..900,
            vec![word(110, 0), word(300, 4), word(520, 9), word(700, 15)],
        );
        let t = timeline(&s, &p, WordTiming::Engine);
        assert!(!t.estimated);
        assert_eq!(t.word_timing, WordTiming::Engine);
        let got: Vec<(&str, u64, u64)> = t
            .sentences
            .iter()
            .map(|s| {
                (
                    s.timed.text.as_str(),
                    s.timed.start_frame,
                    s.timed.end_frame,
                )
            })
            .collect();
        assert_eq!(got, vec![("One two.", 110, 520), ("Three four.", 520, 900)]);
        assert_eq!(t.sentences[1].words, vec![(0, 520), (6, 700)]);
    }

    #[test]
    fn without_events_times_are_spread_by_characters_and_marked_estimated() {
        let s = script(&["Aaaa. Bbbb bbbb."]);
        let t = timeline(&s, &program(0..1600, vec![]), WordTiming::Engine);
        assert!(t.estimated);
        assert_eq!(t.word_timing, WordTiming::None);
        assert_eq!(t.sentences[1].timed.start_frame, 600);
        assert_eq!(t.sentences[1].timed.end_frame, 1600);
    }

    #[test]
    fn punctuation_alone_is_not_a_sentence() {
        let s = script(&["Yes. ..."]);
        let t = timeline(&s, &program(0..100, vec![word(0, 0)]), WordTiming::Engine);
        assert_eq!(t.sentences.len(), 1);
    }

    #[test]
    fn events_out_of_order_never_move_a_sentence_backwards() {
        let s = script(&["One. Two."]);
        let t = timeline(
            &s,
            &program(100..500, vec![word(400, 0), word(50, 5)]),
            WordTiming::Engine,
        );
        let starts: Vec<u64> = t.sentences.iter().map(|s| s.timed.start_frame).collect();
        assert_eq!(starts, vec![400, 400]);
    }
}
