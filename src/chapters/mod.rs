//! Stage 6 — chapters: the script's marks placed on the final audio.
//!
//! Positions are sample frames of the assembled program, the same numbers the WAV's `cue `
//! chunk carries; seconds are derived from them only at the edges.

use serde::Serialize;

use crate::audio::{Program, wav::Cue};
use crate::script::{MarkKind, Script};

/// A marked stretch of the program.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Chapter {
    /// Section or quotation.
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
}

/// Places every mark of `script` on `program`. Sections run to the next section (the last to the
/// end of the audio); quotations run from their first word to their last.
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
                MarkKind::Quote => end_of(mark.last),
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

/// The WAV cue points for a chapter list: a region per chapter, the full text as the note of
/// quotations.
pub fn cues(chapters: &[Chapter]) -> Vec<Cue> {
    chapters
        .iter()
        .map(|c| Cue {
            start_frame: c.start_frame,
            length: Some(c.frames()),
            label: c.title.clone(),
            note: (c.kind == MarkKind::Quote).then(|| c.note.clone()),
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::audio::{Extent, Placed};
    use crate::script::Mark;

    fn program(spans: &[(u64, u64)], total: u64) -> Program {
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
        let cue = &cues(&chapters)[0];
        assert_eq!(cue.length, Some(50));
        assert_eq!(cue.note.as_deref(), Some("N"));
    }
}
