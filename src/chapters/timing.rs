//! `<stem>.timing.json`: the accessibility map. Every section, paragraph and sentence with its
//! text and its start and end, in samples and in seconds, for read-along, navigation and
//! EPUB 3 media overlays.

use serde::Serialize;

use super::Timeline;
use super::timeline::Timed;

#[derive(Serialize)]
struct Document<'a> {
    version: u32,
    /// The audio files in order, each with the program sample it starts at.
    audio: Vec<File<'a>>,
    sample_rate: u32,
    samples: u64,
    seconds: f64,
    /// Sentence times come from estimates, not from the engine.
    estimated: bool,
    sections: Vec<Entry<'a>>,
    paragraphs: Vec<Entry<'a>>,
    sentences: Vec<Entry<'a>>,
}

#[derive(Serialize)]
struct File<'a> {
    file: &'a str,
    start_sample: u64,
    start: f64,
}

#[derive(Serialize)]
struct Entry<'a> {
    index: usize,
    #[serde(skip_serializing_if = "Option::is_none")]
    paragraph: Option<usize>,
    text: &'a str,
    /// What the engine was given, where it differs from the text (sentences only).
    #[serde(skip_serializing_if = "Option::is_none")]
    speech: Option<&'a str>,
    start_sample: u64,
    end_sample: u64,
    start: f64,
    end: f64,
    /// Sentences only: each word as written and where it starts.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    words: Vec<WordEntry>,
}

#[derive(Serialize)]
struct WordEntry {
    text: String,
    start_sample: u64,
    start: f64,
}

fn secs(frame: u64, sample_rate: u32) -> f64 {
    (super::seconds(frame, sample_rate) * 1e6).round() / 1e6
}

fn list(items: &[Timed], sample_rate: u32) -> Vec<Entry<'_>> {
    items
        .iter()
        .enumerate()
        .map(|(i, t)| entry(i, None, t, sample_rate))
        .collect()
}

fn entry(index: usize, paragraph: Option<usize>, t: &Timed, sample_rate: u32) -> Entry<'_> {
    let secs = |f| secs(f, sample_rate);
    Entry {
        index,
        paragraph,
        text: &t.text,
        speech: None,
        start_sample: t.start_frame,
        end_sample: t.end_frame,
        start: secs(t.start_frame),
        end: secs(t.end_frame),
        words: Vec::new(),
    }
}

/// The timing map of `timeline`, naming the `audio` files (name and first program sample).
pub fn render(timeline: &Timeline, audio: &[(String, u64)]) -> String {
    let rate = timeline.sample_rate;
    let document = Document {
        version: 1,
        audio: audio
            .iter()
            .map(|(file, start_sample)| File {
                file,
                start_sample: *start_sample,
                start: super::seconds(*start_sample, rate),
            })
            .collect(),
        sample_rate: rate,
        samples: timeline.frames,
        seconds: super::seconds(timeline.frames, rate),
        estimated: timeline.estimated,
        sections: list(&timeline.sections, rate),
        paragraphs: list(&timeline.paragraphs, rate),
        sentences: timeline
            .sentences
            .iter()
            .enumerate()
            .map(|(i, s)| Entry {
                speech: Some(s.speech.as_str()).filter(|&speech| speech != s.timed.text),
                words: s
                    .word_starts()
                    .into_iter()
                    .map(|w| WordEntry {
                        start: secs(w.start_frame, rate),
                        start_sample: w.start_frame,
                        text: w.text,
                    })
                    .collect(),
                ..entry(i, s.paragraph, &s.timed, rate)
            })
            .collect(),
    };
    let mut text = serde_json::to_string_pretty(&document).expect("plain structs serialize");
    text.push('\n');
    text
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::chapters::timeline::Sentence;

    #[test]
    fn every_entry_has_samples_and_seconds() {
        let timed = |text: &str, a, b| Timed {
            text: text.into(),
            start_frame: a,
            end_frame: b,
        };
        let timeline = Timeline {
            sample_rate: 2000,
            frames: 5000,
            estimated: false,
            word_timing: crate::engine::WordTiming::Engine,
            sections: vec![timed("Title", 0, 5000)],
            paragraphs: vec![timed("One. Two.", 1000, 4000)],
            sentences: vec![Sentence {
                timed: timed("Two.", 3000, 4000),
                utterance: 1,
                paragraph: Some(0),
                speech: "Two.".into(),
                words: vec![],
            }],
            quotes: vec![],
            roles: vec![],
        };
        let json: serde_json::Value =
            serde_json::from_str(&render(&timeline, &[("a.wav".into(), 0)])).unwrap();
        assert_eq!(json["audio"][0]["file"], "a.wav");
        assert_eq!(json["seconds"], 2.5);
        assert_eq!(json["sections"][0]["text"], "Title");
        assert_eq!(json["paragraphs"][0]["start"], 0.5);
        let s = &json["sentences"][0];
        assert_eq!(s["paragraph"], 0);
        assert_eq!(
            (s["start_sample"].as_u64(), s["end_sample"].as_u64()),
            (Some(3000), Some(4000))
        );
        assert_eq!(
            (s["start"].as_f64(), s["end"].as_f64()),
            (Some(1.5), Some(2.0))
        );
        assert_eq!(s["words"][0]["text"], "Two.");
        assert_eq!(s["words"][0]["start_sample"], 3000);
        assert!(s.get("speech").is_none());
    }

    #[test]
    fn words_are_timed_by_the_spoken_words_they_align_with() {
        let sentence = Sentence {
            timed: Timed {
                text: "A BM-21 fired.".into(),
                start_frame: 100,
                end_frame: 900,
            },
            utterance: 0,
            paragraph: None,
            speech: "A B M 21 fired.".into(),
            // "A" 100, "B" 200, "M" 300, "21" 400, "fired." 600
            words: vec![(0, 100), (2, 200), (4, 300), (6, 400), (9, 600)],
        };
        let starts: Vec<(String, u64)> = sentence
            .word_starts()
            .into_iter()
            .map(|w| (w.text, w.start_frame))
            .collect();
        assert_eq!(
            starts,
            vec![
                ("A".into(), 100),
                ("BM-21".into(), 200),
                ("fired.".into(), 600)
            ]
        );
    }
}
