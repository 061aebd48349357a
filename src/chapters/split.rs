//! Split mode: one WAV per section (`<stem>-01-<slug>.wav`, ...) and an `.m3u` playlist.
//!
//! Parts are cut at the section starts, so they tile the program exactly: their lengths add up
//! to the whole, and each part's markers are the whole's markers, moved to the part's start.

use std::fmt::Write;
use std::ops::Range;

use super::{Chapter, seconds};
use crate::script::MarkKind;

/// One part of a split program.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Part {
    /// Its frames in the whole program.
    pub frames: Range<u64>,
    /// The section's heading.
    pub title: String,
    /// `<stem>-NN-<slug>.wav`.
    pub file_name: String,
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
