//! Stage 6 — chapters: the script's marks placed on the final audio, and every sidecar file
//! written from them.
//!
//! Positions are sample frames of the assembled program, the same numbers the WAV's `cue `
//! chunk carries; seconds are derived from them only at the edges. Each exporter is a pure
//! function from chapters (or the [`Timeline`]) to the text of one file:
//!
//! | module       | file                    | from            |
//! |--------------|-------------------------|-----------------|
//! | [`podcast`]  | `<stem>.chapters.json`  | chapters        |
//! | [`ffmeta`]   | `<stem>.ffmeta`         | chapters        |
//! | [`cuesheet`] | `<stem>.cue`            | chapters        |
//! | [`webvtt`]   | `<stem>.chapters.vtt`   | chapters        |
//! | [`captions`] | `<stem>.srt`, `.vtt`    | timeline        |
//! | [`timing`]   | `<stem>.timing.json`    | timeline        |
//! | [`page`]     | `<stem>.html`           | timeline, chapters |
//! | [`epub`]     | `<stem>.epub`           | timeline, audio |

pub mod captions;
pub mod cuesheet;
pub mod epub;
pub mod ffmeta;
pub mod layout;
pub mod markup;
pub mod page;
pub mod podcast;
pub mod timeline;
pub mod timing;
pub mod webvtt;

use serde::Serialize;

pub use timeline::{Timeline, timeline};

use crate::audio::Program;
use crate::script::{MarkKind, Script};

/// A file written beside the audio.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Sidecar {
    /// `<stem>.chapters.json`, Podcasting 2.0 chapters.
    ChaptersJson,
    /// `<stem>.ffmeta`, FFmpeg metadata with chapters.
    Ffmeta,
    /// `<stem>.cue`, a CUE sheet.
    Cue,
    /// `<stem>.chapters.vtt`, WebVTT chapters.
    ChaptersVtt,
    /// `<stem>.srt`, SubRip captions.
    Srt,
    /// `<stem>.vtt`, WebVTT captions.
    Vtt,
    /// `<stem>.timing.json`, the timing map.
    Timing,
    /// `<stem>.html`, the listening page.
    Page,
    /// `<stem>.epub`, the EPUB 3 talking book (made from the written audio: see [`epub`]).
    Epub,
}

impl Sidecar {
    /// Every sidecar, in the order they are written.
    pub const ALL: [Sidecar; 9] = [
        Sidecar::ChaptersJson,
        Sidecar::Ffmeta,
        Sidecar::Cue,
        Sidecar::ChaptersVtt,
        Sidecar::Srt,
        Sidecar::Vtt,
        Sidecar::Timing,
        Sidecar::Page,
        Sidecar::Epub,
    ];

    /// The sidecars written by default: all but the EPUB (it holds a copy of the audio).
    pub fn defaults() -> Vec<Sidecar> {
        Sidecar::select(&["all"])
    }

    /// The names front ends give each sidecar (`--sidecars json,srt`), with a line of help.
    pub const NAMES: [(&'static str, &'static str, Sidecar); 9] = [
        (
            "json",
            "<stem>.chapters.json (Podcasting 2.0 chapters)",
            Sidecar::ChaptersJson,
        ),
        ("ffmeta", "<stem>.ffmeta (FFmpeg metadata)", Sidecar::Ffmeta),
        ("cue", "<stem>.cue (CUE sheet)", Sidecar::Cue),
        (
            "chapters-vtt",
            "<stem>.chapters.vtt (WebVTT chapters)",
            Sidecar::ChaptersVtt,
        ),
        ("srt", "<stem>.srt (SubRip captions)", Sidecar::Srt),
        ("vtt", "<stem>.vtt (WebVTT captions)", Sidecar::Vtt),
        (
            "timing",
            "<stem>.timing.json (sections, paragraphs and sentences with times)",
            Sidecar::Timing,
        ),
        (
            "page",
            "<stem>.html (the listening page: text, audio, chapters, read-along)",
            Sidecar::Page,
        ),
        (
            "epub",
            "<stem>.epub (EPUB 3 talking book with media overlays; not in `all`)",
            Sidecar::Epub,
        ),
    ];

    /// The sidecars a list of names asks for, each once, in the order they are written:
    /// `all` is every sidecar but the EPUB, `none` adds nothing, other names are looked up in [`Self::NAMES`]
    /// (unknown ones are ignored: a front end checks names before).
    pub fn select<S: AsRef<str>>(names: &[S]) -> Vec<Sidecar> {
        Sidecar::ALL
            .into_iter()
            .filter(|kind| {
                names.iter().any(|n| match n.as_ref() {
                    "all" => *kind != Sidecar::Epub,
                    name => Sidecar::NAMES
                        .iter()
                        .any(|(k, _, v)| *k == name && v == kind),
                })
            })
            .collect()
    }

    /// The file name for an output stem.
    pub fn file_name(self, stem: &str) -> String {
        let suffix = match self {
            Sidecar::ChaptersJson => "chapters.json",
            Sidecar::Ffmeta => "ffmeta",
            Sidecar::Cue => "cue",
            Sidecar::ChaptersVtt => "chapters.vtt",
            Sidecar::Srt => "srt",
            Sidecar::Vtt => "vtt",
            Sidecar::Timing => "timing.json",
            Sidecar::Page => "html",
            Sidecar::Epub => "epub",
        };
        format!("{stem}.{suffix}")
    }
}

/// Everything the sidecars are made from: the whole program's chapters and timeline.
#[derive(Debug, Clone, Copy)]
pub struct Whole<'a> {
    /// The audio files, each with the program frame it starts at (one file, or the split parts).
    pub audio: &'a [(String, u64)],
    /// The article title.
    pub title: Option<&'a str>,
    /// The byline.
    pub author: Option<&'a str>,
    /// The chapters chosen as markers.
    pub chapters: &'a [Chapter],
    /// Sections, paragraphs and sentences.
    pub timeline: &'a Timeline,
}

/// The text of one sidecar; `None` for the EPUB, which is made from the written audio
/// ([`epub::build`]). `stem` and `written` (the sidecars of this render) let the listening
/// page point at its audio and tracks.
pub fn sidecar(kind: Sidecar, whole: &Whole, stem: &str, written: &[Sidecar]) -> Option<String> {
    let rate = whole.timeline.sample_rate;
    Some(match kind {
        Sidecar::ChaptersJson => podcast::render(whole.chapters, rate, whole.title, whole.author),
        Sidecar::Ffmeta => ffmeta::render(whole.chapters, rate, whole.title, whole.author),
        Sidecar::Cue => {
            cuesheet::render(whole.chapters, rate, whole.audio, whole.title, whole.author)
        }
        Sidecar::ChaptersVtt => webvtt::chapters(whole.chapters, rate),
        Sidecar::Srt => captions::srt(&captions::captions(whole.timeline), rate),
        Sidecar::Vtt => captions::vtt(
            &captions::captions(whole.timeline),
            rate,
            whole.timeline.word_timing,
        ),
        Sidecar::Timing => timing::render(whole.timeline, whole.audio),
        Sidecar::Page => page::render(whole, stem, written),
        Sidecar::Epub => return None,
    })
}

/// A marked stretch of the program.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Chapter {
    /// Section, quotation or paragraph.
    pub kind: MarkKind,
    /// First frame.
    pub start_frame: u64,
    /// One past the last frame.
    pub end_frame: u64,
    /// Short label.
    pub title: String,
    /// Full text (the whole quotation).
    pub note: String,
}

impl Chapter {
    /// Length in frames.
    pub fn frames(&self) -> u64 {
        self.end_frame - self.start_frame
    }

    /// The title players show: the label without its kind (`Section: `, `Quote: `,
    /// `Paragraph 3: `), i.e. the heading, or the speaker and first words of a quotation. The
    /// prefixed label stays in the WAV markers and `inspect`, where kinds are mixed in one list.
    pub fn plain_title(&self) -> &str {
        let plain = match self.kind {
            MarkKind::Section => self.title.strip_prefix("Section: "),
            MarkKind::Quote => self.title.strip_prefix("Quote: "),
            MarkKind::Paragraph => self
                .title
                .strip_prefix("Paragraph ")
                .and_then(|rest| rest.split_once(": "))
                .filter(|(n, _)| n.chars().all(|c| c.is_ascii_digit()))
                .map(|(_, text)| text),
        };
        plain.filter(|p| !p.is_empty()).unwrap_or(&self.title)
    }

    /// Whether it is a table-of-contents entry (a section); quotations and paragraphs are
    /// finer marks inside one.
    pub fn in_toc(&self) -> bool {
        self.kind == MarkKind::Section
    }
}

/// Seconds at `frame`, for the exporters that speak in seconds.
pub fn seconds(frame: u64, sample_rate: u32) -> f64 {
    frame as f64 / f64::from(sample_rate.max(1))
}

/// Whole milliseconds at `frame`, rounded to the nearest.
pub fn millis(frame: u64, sample_rate: u32) -> u64 {
    let rate = u64::from(sample_rate.max(1));
    (frame * 1000 + rate / 2) / rate
}

/// The chapters of the kinds in `kinds`, in order.
pub fn select(chapters: &[Chapter], kinds: &[MarkKind]) -> Vec<Chapter> {
    chapters
        .iter()
        .filter(|c| kinds.contains(&c.kind))
        .cloned()
        .collect()
}

/// Places every mark of `script` on `program`. Sections run to the next section (the last to the
/// end of the audio); quotations and paragraphs run from their first word to their last.
pub fn place(script: &Script, program: &Program) -> Vec<Chapter> {
    let total = program.pcm.frames();
    let start_of = |utterance: usize| {
        program
            .placed
            .get(utterance)
            .map_or(total, |p| p.frames.start)
    };
    let end_of = |utterance: usize| {
        program
            .placed
            .get(utterance)
            .map_or(total, |p| p.frames.end)
    };
    let section_starts: Vec<u64> = script
        .marks
        .iter()
        .filter(|m| m.kind == MarkKind::Section)
        .map(|m| start_of(m.first))
        .collect();
    script
        .marks
        .iter()
        .map(|mark| {
            let start_frame = start_of(mark.first);
            let end_frame = match mark.kind {
                MarkKind::Section => section_starts
                    .iter()
                    .copied()
                    .find(|&s| s > start_frame)
                    .unwrap_or(total),
                MarkKind::Quote | MarkKind::Paragraph => end_of(mark.last),
            };
            Chapter {
                kind: mark.kind,
                start_frame,
                end_frame: end_frame.max(start_frame),
                title: mark.label.clone(),
                note: mark.note.clone(),
            }
        })
        .collect()
}

/// For an article with one section, chapters every `every` frames or so: the section is cut
/// before the first paragraph that starts `every` frames or more after the last cut, and each
/// new part is labelled by its first words (the first keeps the section's label). Other
/// articles' chapters, and all chapters when `every` is `None`, are returned as they are.
pub fn group_paragraphs(chapters: Vec<Chapter>, every: Option<u64>) -> Vec<Chapter> {
    let sections: Vec<&Chapter> = chapters
        .iter()
        .filter(|c| c.kind == MarkKind::Section)
        .collect();
    let (Some(every), [section]) = (every.filter(|&e| e > 0), sections.as_slice()) else {
        return chapters;
    };
    let mut groups = vec![(*section).clone()];
    for p in chapters.iter().filter(|c| c.kind == MarkKind::Paragraph) {
        let last = groups.last().map_or(0, |g| g.start_frame);
        if p.start_frame >= last.saturating_add(every) {
            let title = crate::script::label("", &p.note);
            groups.push(Chapter {
                kind: MarkKind::Section,
                start_frame: p.start_frame,
                end_frame: section.end_frame,
                note: title.clone(),
                title,
            });
        }
    }
    let starts: Vec<u64> = groups.iter().skip(1).map(|g| g.start_frame).collect();
    for (group, next) in groups.iter_mut().zip(starts) {
        group.end_frame = next;
    }
    let mut out: Vec<Chapter> = chapters
        .into_iter()
        .filter(|c| c.kind != MarkKind::Section)
        .chain(groups)
        .collect();
    out.sort_by_key(|c| (c.start_frame, c.kind != MarkKind::Section));
    out
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;
    use crate::audio::{Extent, Placed};
    use crate::script::Mark;

    #[test]
    fn milliseconds_round_to_the_nearest() {
        assert_eq!(millis(22_050, 22_050), 1000);
        assert_eq!(millis(11, 22_050), 0);
        assert_eq!(millis(12, 22_050), 1);
        assert_eq!(seconds(11_025, 22_050), 0.5);
    }

    #[test]
    fn plain_titles_drop_the_kind_but_keep_the_speaker() {
        let c = |kind, title: &str| Chapter {
            kind,
            start_frame: 0,
            end_frame: 1,
            title: title.into(),
            note: String::new(),
        };
        assert_eq!(
            c(MarkKind::Section, "Section: Intro").plain_title(),
            "Intro"
        );
        assert_eq!(
            c(MarkKind::Quote, "Quote: Ivan – They are attacking us").plain_title(),
            "Ivan – They are attacking us"
        );
        assert_eq!(
            c(MarkKind::Paragraph, "Paragraph 12: One two").plain_title(),
            "One two"
        );
        assert_eq!(c(MarkKind::Section, "Five six.").plain_title(), "Five six.");
        assert_eq!(c(MarkKind::Section, "Section: ").plain_title(), "Section: ");
    }

    #[test]
    fn select_keeps_only_the_asked_kinds_in_order() {
        let c = |kind| Chapter {
            kind,
            start_frame: 0,
            end_frame: 1,
            title: String::new(),
            note: String::new(),
        };
        let all = [
            c(MarkKind::Section),
            c(MarkKind::Paragraph),
            c(MarkKind::Quote),
        ];
        let kinds: Vec<MarkKind> = select(&all, &[MarkKind::Quote, MarkKind::Section])
            .iter()
            .map(|c| c.kind)
            .collect();
        assert_eq!(kinds, vec![MarkKind::Section, MarkKind::Quote]);
    }

    pub(crate) fn program(spans: &[(u64, u64)], total: u64) -> Program {
        Program {
            pcm: Extent {
                sample_rate: 1_000,
                frames: total,
            },
            placed: spans
                .iter()
                .map(|&(a, b)| Placed {
                    frames: a..b,
                    events: vec![],
                })
                .collect(),
        }
    }

    fn mark(kind: MarkKind, first: usize, last: usize) -> Mark {
        Mark {
            kind,
            label: "L".into(),
            note: "N".into(),
            first,
            last,
            speaker: None,
        }
    }

    #[test]
    fn sections_run_to_the_next_section_and_the_last_to_the_end() {
        let script = Script {
            marks: vec![mark(MarkKind::Section, 0, 1), mark(MarkKind::Section, 2, 2)],
            ..Script::default()
        };
        let chapters = place(&script, &program(&[(0, 10), (20, 30), (40, 50)], 60));
        assert_eq!((chapters[0].start_frame, chapters[0].end_frame), (0, 40));
        assert_eq!((chapters[1].start_frame, chapters[1].end_frame), (40, 60));
    }

    #[test]
    fn one_section_is_cut_into_paragraph_groups_labelled_by_their_first_words() {
        let chapter = |kind, start_frame, end_frame, note: &str| Chapter {
            kind,
            start_frame,
            end_frame,
            title: format!("T {note}"),
            note: note.into(),
        };
        let chapters = vec![
            chapter(MarkKind::Section, 0, 1000, "Title"),
            chapter(MarkKind::Paragraph, 100, 300, "One two."),
            chapter(MarkKind::Paragraph, 300, 500, "Three four."),
            chapter(MarkKind::Quote, 320, 400, "Said."),
            chapter(MarkKind::Paragraph, 500, 700, "Five six."),
            chapter(MarkKind::Paragraph, 700, 900, "Seven eight."),
        ];
        let grouped = group_paragraphs(chapters.clone(), Some(400));
        let sections: Vec<(u64, u64, &str)> = grouped
            .iter()
            .filter(|c| c.kind == MarkKind::Section)
            .map(|c| (c.start_frame, c.end_frame, c.title.as_str()))
            .collect();
        assert_eq!(
            sections,
            vec![(0, 500, "T Title"), (500, 1000, "Five six.")]
        );
        assert_eq!(grouped.len(), chapters.len() + 1);
        assert!(
            grouped
                .windows(2)
                .all(|w| w[0].start_frame <= w[1].start_frame)
        );
        assert_eq!(group_paragraphs(chapters.clone(), None), chapters);
        let mut two = chapters.clone();
        two.push(chapter(MarkKind::Section, 800, 1000, "Second"));
        assert_eq!(group_paragraphs(two.clone(), Some(400)), two);
    }

    #[test]
    fn a_quote_spans_its_first_to_its_last_utterance() {
        let script = Script {
            marks: vec![mark(MarkKind::Quote, 1, 3)],
            ..Script::default()
        };
        let chapters = place(
            &script,
            &program(&[(0, 10), (20, 30), (40, 50), (55, 70)], 80),
        );
        assert_eq!((chapters[0].start_frame, chapters[0].end_frame), (20, 70));
        let cue = &crate::audio::wav::cues(&chapters)[0];
        assert_eq!(cue.length, Some(50));
        assert_eq!(cue.note.as_deref(), Some("N"));
    }
}
