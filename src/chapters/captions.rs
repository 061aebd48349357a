//! Captions, `<stem>.srt` and `<stem>.vtt`: one cue per sentence, long sentences split at
//! clauses (then between words) so that every cue fits in two lines of 42 characters.
//!
//! A cue starts at the engine's event for its first word; when the engine gave no events the
//! times are estimates. The WebVTT file says in a `NOTE` where its times come from: the
//! engine's word events (espeak-ng), the engine's estimates from phoneme counts (Piper), or
//! articast's estimates from character counts.

use std::fmt::Write;

use super::Timeline;
use super::webvtt::{cue_span, cue_text, timestamp};
use crate::engine::WordTiming;

/// Characters per caption line.
pub const LINE_CHARS: usize = 42;
/// Lines per caption.
pub const MAX_LINES: usize = 2;

/// One caption.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Caption {
    /// First frame.
    pub start_frame: u64,
    /// One past the last frame.
    pub end_frame: u64,
    /// One or two lines.
    pub lines: Vec<String>,
}

fn width(text: &str) -> usize {
    text.chars().count()
}

/// `words` as at most [`MAX_LINES`] lines of [`LINE_CHARS`], as balanced as possible.
fn wrap(words: &[&str]) -> Option<Vec<String>> {
    let one = words.join(" ");
    if width(&one) <= LINE_CHARS {
        return Some(vec![one]);
    }
    (1..words.len())
        .map(|k| (words[..k].join(" "), words[k..].join(" ")))
        .filter(|(a, b)| width(a) <= LINE_CHARS && width(b) <= LINE_CHARS)
        .min_by_key(|(a, b)| width(a).abs_diff(width(b)))
        .map(|(a, b)| vec![a, b])
}

/// Words of `text` with their character offsets; words longer than a line are cut.
fn words(text: &str) -> Vec<(usize, String)> {
    let mut out = Vec::new();
    let mut offset = 0;
    for piece in text.split(' ') {
        let chars: Vec<char> = piece.chars().collect();
        for (k, chunk) in chars.chunks(LINE_CHARS).enumerate() {
            out.push((offset + k * LINE_CHARS, chunk.iter().collect()));
        }
        offset += chars.len() + 1;
    }
    out
}

/// Splits a sentence into caption-sized runs of words: whole clauses where they fit (a clause
/// ends with `,`, `;`, `:` or a dash), word by word otherwise. Returns ranges of word indices.
pub fn split(text: &str) -> Vec<std::ops::Range<usize>> {
    let words = words(text);
    let fits = |range: &std::ops::Range<usize>| {
        let w: Vec<&str> = words[range.clone()].iter().map(|w| w.1.as_str()).collect();
        wrap(&w).is_some()
    };
    let mut clauses = Vec::new();
    let mut start = 0;
    for (i, (_, w)) in words.iter().enumerate() {
        if w.ends_with([',', ';', ':', '–', '—']) || i + 1 == words.len() {
            clauses.push(start..i + 1);
            start = i + 1;
        }
    }
    let mut runs: Vec<std::ops::Range<usize>> = Vec::new();
    for clause in clauses {
        if let Some(last) = runs.last_mut()
            && fits(&(last.start..clause.end))
        {
            last.end = clause.end;
            continue;
        }
        if fits(&clause) {
            runs.push(clause);
            continue;
        }
        let mut run = clause.start..clause.start + 1;
        for i in clause.start + 1..clause.end {
            if fits(&(run.start..i + 1)) {
                run.end = i + 1;
            } else {
                runs.push(run);
                run = i..i + 1;
            }
        }
        runs.push(run);
    }
    runs
}

/// The captions of a timeline, in order: the text as written, timed by the speech.
pub fn captions(timeline: &Timeline) -> Vec<Caption> {
    let mut out = Vec::new();
    for sentence in &timeline.sentences {
        let t = &sentence.timed;
        let all = words(&t.text);
        let heard = sentence.word_starts();
        // A run starts where the word holding its first character starts.
        let start_of = |run: &std::ops::Range<usize>| {
            let offset = all[run.start].0;
            heard
                .iter()
                .take_while(|w| w.offset <= offset)
                .last()
                .map_or(t.start_frame, |w| w.start_frame)
        };
        let runs = split(&t.text);
        let starts: Vec<u64> = runs
            .iter()
            .enumerate()
            .map(|(k, r)| if k == 0 { t.start_frame } else { start_of(r) })
            .collect();
        for (k, run) in runs.iter().enumerate() {
            let w: Vec<&str> = all[run.clone()].iter().map(|w| w.1.as_str()).collect();
            let lines = wrap(&w).unwrap_or_else(|| vec![w.join(" ")]);
            let start_frame = starts[k].max(starts[..k].iter().copied().max().unwrap_or(0));
            out.push(Caption {
                start_frame,
                end_frame: starts
                    .get(k + 1)
                    .copied()
                    .unwrap_or(t.end_frame)
                    .max(start_frame),
                lines,
            });
        }
    }
    out
}

fn cues(captions: &[Caption], sample_rate: u32, separator: char, numbered: bool) -> String {
    let mut out = String::new();
    for (n, c) in captions.iter().enumerate() {
        let (start, end) = cue_span(c.start_frame, c.end_frame, sample_rate);
        if numbered {
            let _ = writeln!(out, "{}", n + 1);
        }
        let _ = write!(
            out,
            "{} --> {}\n{}\n\n",
            timestamp(start, separator),
            timestamp(end, separator),
            cue_text(&c.lines.join("\n"), separator == '.')
        );
    }
    out
}

/// SubRip captions.
pub fn srt(captions: &[Caption], sample_rate: u32) -> String {
    cues(captions, sample_rate, ',', true)
}

/// WebVTT captions, with a `NOTE` that says where the times come from.
pub fn vtt(captions: &[Caption], sample_rate: u32, timing: WordTiming) -> String {
    let mut out = String::from("WEBVTT\n\nNOTE\n");
    out.push_str(match timing {
        WordTiming::Engine => "Times come from the speech engine's word events.\n\n",
        WordTiming::Phonemes => {
            "Times are estimated from phoneme counts: the speech engine gives no word timings, \
             so each sentence starts where its audio does and each word gets its share of the \
             sentence by its number of phonemes.\n\n"
        }
        WordTiming::None => "Times are estimated: the speech engine reported no word timings.\n\n",
    });
    out + &cues(captions, sample_rate, '.', false)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::chapters::timeline::{Sentence, Timed};

    fn timeline(text: &str, words: Vec<(usize, u64)>, estimated: bool) -> Timeline {
        spoken_as(text, text, words, estimated)
    }

    fn spoken_as(text: &str, speech: &str, words: Vec<(usize, u64)>, estimated: bool) -> Timeline {
        Timeline {
            sample_rate: 1000,
            frames: 10_000,
            estimated,
            word_timing: if estimated {
                WordTiming::None
            } else {
                WordTiming::Engine
            },
            sections: vec![],
            paragraphs: vec![],
            sentences: vec![Sentence {
                timed: Timed {
                    text: text.into(),
                    start_frame: 1000,
                    end_frame: 9000,
                },
                utterance: 0,
                paragraph: None,
                speech: speech.into(),
                words,
            }],
            quotes: vec![],
            roles: vec![],
        }
    }

    #[test]
    fn a_short_sentence_is_one_cue_on_one_line() {
        let c = captions(&timeline("Hello there.", vec![(0, 1000), (6, 1500)], false));
        assert_eq!(c.len(), 1);
        assert_eq!(c[0].lines, vec!["Hello there."]);
        assert_eq!((c[0].start_frame, c[0].end_frame), (1000, 9000));
    }

    #[test]
    fn a_long_sentence_is_split_at_a_clause_and_timed_by_its_words() {
        let text = "The volunteers crossed the border at night, carrying only what they could hold, \
                    and by morning they had reached the first of the villages on the river.";
        let words: Vec<(usize, u64)> = text
            .match_indices(' ')
            .map(|(i, _)| i + 1)
            .chain([0])
            .map(|c| (c, 1000 + c as u64 * 40))
            .collect::<std::collections::BTreeSet<_>>()
            .into_iter()
            .collect();
        let c = captions(&timeline(text, words, false));
        assert!(c.len() >= 2, "{c:?}");
        for cue in &c {
            assert!(cue.lines.len() <= MAX_LINES);
            assert!(
                cue.lines.iter().all(|l| l.chars().count() <= LINE_CHARS),
                "{cue:?}"
            );
        }
        assert!(c[0].lines.last().unwrap().ends_with(','), "{c:?}");
        let second = c[1].lines.join(" ");
        let offset = text.find(&second[..10]).unwrap();
        assert_eq!(c[1].start_frame, 1000 + offset as u64 * 40);
        assert_eq!(c[0].end_frame, c[1].start_frame);
        assert_eq!(c.last().unwrap().end_frame, 9000);
    }

    #[test]
    fn captions_show_the_text_as_written_and_are_timed_by_what_was_said() {
        let text = "Russian forces have just launched a volley of BM-21 “Grad” rockets, \
                    which swept the area near St. Petersburg and injured several civilians.";
        let speech = "Russian forces have just launched a volley of B M 21 Grad rockets, \
                      which swept the area near Saint Petersburg and injured several civilians.";
        // One word event per spoken word, 50 frames apart.
        let words: Vec<(usize, u64)> = std::iter::once(0)
            .chain(speech.match_indices(' ').map(|(i, _)| i + 1))
            .enumerate()
            .map(|(n, c)| (c, 1000 + 50 * n as u64))
            .collect();
        let c = captions(&spoken_as(text, speech, words.clone(), false));
        let shown: Vec<String> = c.iter().map(|c| c.lines.join(" ")).collect();
        assert_eq!(shown.join(" "), text);
        assert!(c.len() >= 2, "{c:?}");
        // The second cue starts with "which", the 14th spoken word.
        assert!(shown[1].starts_with("which"), "{shown:?}");
        let which = speech.split(' ').position(|w| w == "which").unwrap();
        assert_eq!(c[1].start_frame, words[which].1);
    }

    #[test]
    fn a_clause_longer_than_a_cue_is_split_between_words() {
        let text = "word ".repeat(40);
        for run in split(text.trim()) {
            let w: Vec<&str> = text
                .split_whitespace()
                .skip(run.start)
                .take(run.len())
                .collect();
            assert!(wrap(&w).is_some());
        }
    }

    #[test]
    fn a_word_longer_than_a_line_is_cut() {
        let c = captions(&timeline(&"x".repeat(100), vec![], true));
        assert!(
            c.iter()
                .all(|c| c.lines.iter().all(|l| l.chars().count() <= LINE_CHARS))
        );
        assert_eq!(c.iter().map(|c| c.lines.concat().len()).sum::<usize>(), 100);
    }

    #[test]
    fn srt_is_numbered_with_comma_milliseconds() {
        let c = captions(&timeline("Hi.", vec![], false));
        assert_eq!(srt(&c, 1000), "1\n00:00:01,000 --> 00:00:09,000\nHi.\n\n");
    }

    #[test]
    fn the_vtt_note_says_where_its_times_come_from() {
        let c = captions(&timeline("Hi.", vec![], true));
        let text = vtt(&c, 1000, WordTiming::None);
        assert!(
            text.starts_with("WEBVTT\n\nNOTE\nTimes are estimated: the speech engine reported")
        );
        assert!(text.ends_with("00:00:01.000 --> 00:00:09.000\nHi.\n\n"));
        let engine = vtt(&c, 1000, WordTiming::Engine);
        assert!(engine.contains("NOTE\nTimes come from the speech engine's word events."));
        let phonemes = vtt(&c, 1000, WordTiming::Phonemes);
        assert!(phonemes.contains("NOTE\nTimes are estimated from phoneme counts"));
        for t in [engine, phonemes] {
            assert_eq!(t.matches("NOTE").count(), 1);
            assert!(t.ends_with("00:00:01.000 --> 00:00:09.000\nHi.\n\n"));
        }
    }
}
