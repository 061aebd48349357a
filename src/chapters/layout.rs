//! The files a program is written to, computed once: one file, parts of at most a given
//! length (`--max-part-duration`), or one file per section (`--split sections`, with an
//! `.m3u` playlist). Every part carries its chapters in its own frames.
//!
//! Parts tile the program exactly: their lengths add up to the whole.

use std::fmt::Write;
use std::ops::Range;

use super::{Chapter, seconds};
use crate::audio::Program;
use crate::script::MarkKind;

/// One output file of a program.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Part {
    /// Its frames in the whole program.
    pub frames: Range<u64>,
    /// The section's heading (split by sections), else empty.
    pub title: String,
    /// `<stem>.wav`, `<stem>-partNN.wav` or `<stem>-NN-<slug>.wav`.
    pub file_name: String,
    /// Its chapters, in its own frames.
    pub chapters: Vec<Chapter>,
}

/// How a program is cut into files.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Layout {
    /// The files, in order.
    pub parts: Vec<Part>,
    /// Whether an `.m3u` playlist lists them (split by sections).
    pub playlist: bool,
}

/// The layout of `program`: by sections when `by_sections` (cut at the starts of `all`'s
/// sections), else in parts of at most `max_frames` (cut in pauses); `selected` are the
/// chapters each part carries.
pub fn layout(
    program: &Program,
    all: &[Chapter],
    selected: &[Chapter],
    by_sections: bool,
    max_frames: Option<u64>,
    stem: &str,
) -> Layout {
    let total = program.pcm.frames;
    if by_sections {
        let mut parts = parts(all, total, stem);
        for part in &mut parts {
            part.chapters = markers(selected, part);
        }
        return Layout {
            parts,
            playlist: true,
        };
    }
    let ranges = cut_in_pauses(program, max_frames);
    let count = ranges.len();
    let parts = ranges
        .into_iter()
        .enumerate()
        .map(|(i, frames)| Part {
            chapters: within(selected, &frames, frames.end == total),
            file_name: match count {
                1 => format!("{stem}.wav"),
                _ => format!("{stem}-part{:02}.wav", i + 1),
            },
            title: String::new(),
            frames,
        })
        .collect();
    Layout {
        parts,
        playlist: false,
    }
}

/// Cuts a program into parts of at most `max_frames`, in the pauses between utterances (in
/// the middle of each pause). One utterance longer than the limit makes a longer part.
pub fn cut_in_pauses(program: &Program, max_frames: Option<u64>) -> Vec<Range<u64>> {
    let total = program.pcm.frames;
    let Some(max) = max_frames.filter(|&m| m > 0 && m < total) else {
        return std::iter::once(0..total).collect();
    };
    let cuts: Vec<u64> = program
        .placed
        .windows(2)
        .filter(|w| !w[0].frames.is_empty() && !w[1].frames.is_empty())
        .map(|w| w[0].frames.end + (w[1].frames.start - w[0].frames.end) / 2)
        .collect();
    let mut parts = Vec::new();
    let mut start = 0;
    while total - start > max {
        let fitting = cuts
            .iter()
            .copied()
            .filter(|&c| c > start && c - start <= max)
            .max();
        let Some(cut) = fitting.or_else(|| cuts.iter().copied().find(|&c| c > start)) else {
            break;
        };
        parts.push(start..cut);
        start = cut;
    }
    parts.push(start..total);
    parts
}

/// The chapters that fall in `frames`, moved to the part's own frames; a chapter that began
/// in an earlier part starts again at the part's first frame. Chapters at the very end of the
/// program belong to the `last` part.
pub fn within(chapters: &[Chapter], frames: &Range<u64>, last: bool) -> Vec<Chapter> {
    chapters
        .iter()
        .filter_map(|c| {
            let end = c.end_frame;
            let starts_before_end =
                c.start_frame < frames.end || (last && c.start_frame == frames.end);
            let inside = starts_before_end && (end > frames.start || c.start_frame >= frames.start);
            inside.then(|| {
                let start = c.start_frame.max(frames.start);
                let length = end.min(frames.end).saturating_sub(start);
                Chapter {
                    start_frame: start - frames.start,
                    end_frame: start - frames.start + length,
                    ..c.clone()
                }
            })
        })
        .collect()
}

/// Lowercase ASCII letters and digits joined by `-`, at most 40 characters.
pub fn slug(text: &str) -> String {
    let mut out = String::new();
    for word in text
        .split(|c: char| !c.is_ascii_alphanumeric())
        .filter(|w| !w.is_empty())
    {
        if out.len() + word.len() + 1 > 40 {
            break;
        }
        if !out.is_empty() {
            out.push('-');
        }
        out.push_str(&word.to_ascii_lowercase());
    }
    if out.is_empty() {
        out.push_str("part");
    }
    out
}

/// The parts of a program of `total` frames, cut at the starts of its sections.
pub fn parts(chapters: &[Chapter], total: u64, stem: &str) -> Vec<Part> {
    let sections: Vec<&Chapter> = chapters
        .iter()
        .filter(|c| c.kind == MarkKind::Section)
        .collect();
    let mut cuts: Vec<(u64, &str)> = vec![(0, sections.first().map_or(stem, |s| &s.note))];
    for s in sections.iter().skip(1) {
        if s.start_frame > cuts.last().map_or(0, |c| c.0) && s.start_frame < total {
            cuts.push((s.start_frame, &s.note));
        }
    }
    cuts.iter()
        .enumerate()
        .map(|(i, &(start, title))| Part {
            frames: start..cuts.get(i + 1).map_or(total, |c| c.0),
            title: title.to_string(),
            file_name: format!("{stem}-{:02}-{}.wav", i + 1, slug(title)),
            chapters: Vec::new(),
        })
        .collect()
}

/// The markers inside `part`, in the part's own frames.
pub fn markers(chapters: &[Chapter], part: &Part) -> Vec<Chapter> {
    chapters
        .iter()
        .filter(|c| part.frames.contains(&c.start_frame))
        .map(|c| Chapter {
            start_frame: c.start_frame - part.frames.start,
            end_frame: c.end_frame.min(part.frames.end) - part.frames.start,
            ..c.clone()
        })
        .collect()
}

/// An extended M3U playlist of the parts.
pub fn m3u(parts: &[Part], sample_rate: u32) -> String {
    let mut out = String::from("#EXTM3U\n");
    for part in parts {
        let length = seconds(part.frames.end - part.frames.start, sample_rate).round();
        let title = part.title.replace(['\n', '\r'], " ");
        let _ = write!(out, "#EXTINF:{length},{title}\n{}\n", part.file_name);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn chapter(kind: MarkKind, start_frame: u64, end_frame: u64, note: &str) -> Chapter {
        Chapter {
            kind,
            start_frame,
            end_frame,
            title: format!("L {note}"),
            note: note.into(),
        }
    }

    fn placed(spans: &[(u64, u64)], total: u64) -> Program {
        Program {
            pcm: crate::audio::Extent {
                sample_rate: 1_000,
                frames: total,
            },
            placed: spans
                .iter()
                .map(|&(a, b)| crate::audio::Placed {
                    frames: a..b,
                    events: vec![],
                })
                .collect(),
        }
    }

    #[test]
    fn parts_are_cut_in_the_middle_of_pauses_and_stay_under_the_limit() {
        let program = placed(&[(0, 300), (400, 700), (800, 1_100), (1_200, 1_500)], 1_600);
        assert_eq!(
            cut_in_pauses(&program, Some(800)),
            vec![0..750, 750..1_150, 1_150..1_600]
        );
        assert_eq!(cut_in_pauses(&program, Some(900)), vec![0..750, 750..1_600]);
        assert_eq!(
            cut_in_pauses(&program, Some(400)),
            vec![0..350, 350..750, 750..1_150, 1_150..1_600]
        );
        assert_eq!(cut_in_pauses(&program, None), vec![0..1_600]);
        assert_eq!(cut_in_pauses(&program, Some(5_000)), vec![0..1_600]);
    }

    #[test]
    fn an_utterance_longer_than_the_limit_makes_a_longer_part() {
        let program = placed(&[(0, 1_000), (1_100, 1_200)], 1_300);
        assert_eq!(
            cut_in_pauses(&program, Some(500)),
            vec![0..1_050, 1_050..1_300]
        );
    }

    #[test]
    fn chapters_are_moved_into_their_part_and_a_running_one_restarts_at_its_start() {
        let chapters = [
            chapter(MarkKind::Quote, 0, 900, "a"),
            chapter(MarkKind::Quote, 900, 1_600, "b"),
            chapter(MarkKind::Quote, 1_100, 1_200, "c"),
        ];
        let second = within(&chapters, &(750..1_600), true);
        let spans: Vec<(u64, u64)> = second.iter().map(|c| (c.start_frame, c.frames())).collect();
        assert_eq!(spans, vec![(0, 150), (150, 700), (350, 100)]);
        assert_eq!(within(&chapters, &(0..750), false).len(), 1);
        let at_the_end = [chapter(MarkKind::Quote, 1_600, 1_600, "d")];
        assert_eq!(within(&at_the_end, &(750..1_600), true).len(), 1);
        assert!(within(&at_the_end, &(0..1_600), false).is_empty());
    }

    #[test]
    fn one_file_is_named_after_the_stem_and_several_are_numbered() {
        let program = placed(&[(0, 300), (400, 700)], 800);
        let one = layout(&program, &[], &[], false, None, "a");
        assert_eq!(one.parts[0].file_name, "a.wav");
        let two = layout(&program, &[], &[], false, Some(500), "a");
        let names: Vec<&str> = two.parts.iter().map(|p| p.file_name.as_str()).collect();
        assert_eq!(names, ["a-part01.wav", "a-part02.wav"]);
        assert!(!two.playlist);
    }

    #[test]
    fn slugs_are_short_lowercase_ascii() {
        assert_eq!(
            slug("The Free Russian Legion, fighting"),
            "the-free-russian-legion-fighting"
        );
        assert_eq!(slug("«»"), "part");
        assert!(slug(&"word ".repeat(30)).len() <= 40);
    }

    #[test]
    fn parts_tile_the_program_at_section_starts() {
        let chapters = [
            chapter(MarkKind::Section, 0, 500, "Intro"),
            chapter(MarkKind::Quote, 100, 200, "q"),
            chapter(MarkKind::Section, 500, 900, "Two"),
        ];
        let parts = parts(&chapters, 900, "a");
        assert_eq!(parts.len(), 2);
        assert_eq!(
            (parts[0].frames.clone(), parts[1].frames.clone()),
            (0..500, 500..900)
        );
        assert_eq!(parts[1].file_name, "a-02-two.wav");
        let second = markers(&chapters, &parts[1]);
        assert_eq!((second[0].start_frame, second[0].end_frame), (0, 400));
        assert_eq!(markers(&chapters, &parts[0]).len(), 2);
    }

    #[test]
    fn a_program_without_sections_is_one_part() {
        let parts = parts(&[], 42, "stem");
        assert_eq!(parts.len(), 1);
        assert_eq!(parts[0].frames, 0..42);
        assert_eq!(parts[0].file_name, "stem-01-stem.wav");
    }

    #[test]
    fn the_playlist_lists_every_part_with_its_length() {
        let parts = parts(
            &[
                chapter(MarkKind::Section, 0, 2000, "A"),
                chapter(MarkKind::Section, 2000, 3000, "B"),
            ],
            3000,
            "x",
        );
        assert_eq!(
            m3u(&parts, 1000),
            "#EXTM3U\n#EXTINF:2,A\nx-01-a.wav\n#EXTINF:1,B\nx-02-b.wav\n"
        );
    }
}
