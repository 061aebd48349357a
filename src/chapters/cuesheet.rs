//! `<stem>.cue`: a CUE sheet over the WAV, one track per chapter.
//!
//! Only the commands every strict parser knows are written (mpv's `cue.c` rejects a sheet with
//! unknown ones): `REM`, `PERFORMER`, `TITLE`, `FILE`, `TRACK nn AUDIO`, `INDEX nn mm:ss:ff`,
//! where `ff` counts CD frames of 1/75 s. CUE strings cannot escape a double quote, so quotes
//! inside titles become single quotes.
//!
//! Track and index numbers have two digits. Up to 99 chapters, each is a track. Beyond that,
//! sections stay tracks and the quotations and paragraphs inside a section become its
//! `INDEX 02`, `INDEX 03`, ... points (each named in a `REM` line before it); a section with more
//! than 98 of them goes on in a new track, and when even that needs more than 99 tracks the
//! chapters are dealt evenly over 99 tracks. A `REM` line at the top says which was done, and
//! names how many chapters were left out past 99 × 99 (see #14).

use std::fmt::Write;

use super::Chapter;
use crate::script::MarkKind;

/// CD frames per second, the unit of `INDEX` times.
pub const FRAMES_PER_SECOND: u64 = 75;
/// Track numbers have two digits.
pub const MAX_TRACKS: usize = 99;

/// `mm:ss:ff` of `frame` at `sample_rate`, rounded to the nearest CD frame.
pub fn index_time(frame: u64, sample_rate: u32) -> String {
    let rate = u64::from(sample_rate.max(1));
    let cd = (frame * FRAMES_PER_SECOND + rate / 2) / rate;
    let (ff, seconds) = (cd % FRAMES_PER_SECOND, cd / FRAMES_PER_SECOND);
    format!("{:02}:{:02}:{:02}", seconds / 60, seconds % 60, ff)
}

/// A CUE string: double quotes become single quotes, line breaks become spaces.
fn quoted(text: &str) -> String {
    let clean: String = text
        .chars()
        .map(|c| match c {
            '"' => '\'',
            c if c.is_control() => ' ',
            c => c,
        })
        .collect();
    format!("\"{clean}\"")
}

/// Most `INDEX` points in a track (`INDEX 01` to `INDEX 99`).
pub const MAX_INDEXES: usize = 99;

/// Chapters grouped into tracks: each track is a run of consecutive chapters, the first of which
/// is its `INDEX 01`.
fn tracks(chapters: &[Chapter], file_of: impl Fn(&Chapter) -> usize) -> Vec<&[Chapter]> {
    if chapters.len() <= MAX_TRACKS {
        return chapters.chunks(1).collect();
    }
    let mut tracks: Vec<&[Chapter]> = Vec::new();
    let mut start = 0;
    for (i, c) in chapters.iter().enumerate().skip(1) {
        let new_file = file_of(c) != file_of(&chapters[i - 1]);
        if c.kind == MarkKind::Section || new_file || i - start == MAX_INDEXES {
            tracks.push(&chapters[start..i]);
            start = i;
        }
    }
    tracks.push(&chapters[start..]);
    if tracks.len() <= MAX_TRACKS {
        return tracks;
    }
    // Too many sections (or files) for 99 tracks: deal the chapters evenly instead.
    let kept = &chapters[..chapters.len().min(MAX_TRACKS * MAX_INDEXES)];
    kept.chunks(kept.len().div_ceil(MAX_TRACKS)).collect()
}

/// The `REM` line that says how chapters became tracks, when they are not one track each.
fn summary(chapters: &[Chapter], tracks: &[&[Chapter]]) -> Option<String> {
    if tracks.len() == chapters.len() {
        return None;
    }
    let written: usize = tracks.iter().map(|t| t.len()).sum();
    let by_section = tracks
        .iter()
        .skip(1)
        .all(|t| t.first().is_some_and(|c| c.kind == MarkKind::Section));
    let how = if by_section {
        "sections are tracks; quotations and paragraphs are INDEX points inside them"
    } else {
        "tracks start at sections where they can; the other chapters are INDEX points"
    };
    let left_out = match chapters.len() - written {
        0 => String::new(),
        n => format!("; the last {n} are left out (at most 99 tracks of 99 indexes)"),
    };
    Some(format!(
        "REM COMMENT \"{} chapters in {} tracks: {how}{left_out}\"",
        chapters.len(),
        tracks.len()
    ))
}

/// The CUE sheet over `files` (names beside the sheet, each with the program frame it starts
/// at, in order): each track is indexed in the file that holds its start.
pub fn render(
    chapters: &[Chapter],
    sample_rate: u32,
    files: &[(String, u64)],
    title: Option<&str>,
    performer: Option<&str>,
) -> String {
    let file_of = |c: &Chapter| {
        files
            .iter()
            .rposition(|f| f.1 <= c.start_frame)
            .unwrap_or(0)
    };
    let tracks = tracks(chapters, file_of);
    let mut out = String::new();
    if let Some(rem) = summary(chapters, &tracks) {
        let _ = writeln!(out, "{rem}");
    }
    if let Some(performer) = performer {
        let _ = writeln!(out, "PERFORMER {}", quoted(performer));
    }
    if let Some(title) = title {
        let _ = writeln!(out, "TITLE {}", quoted(title));
    }
    let mut current = None;
    for (n, track) in tracks.iter().enumerate() {
        let Some(first) = track.first() else {
            continue;
        };
        let file = file_of(first);
        let Some((name, _)) = files.get(file) else {
            break;
        };
        if current != Some(file) {
            // The CUE file type: MP3 for MP3 files, WAVE for the rest (players decode by content).
            let kind = if name.ends_with(".mp3") {
                "MP3"
            } else {
                "WAVE"
            };
            let _ = writeln!(out, "FILE {} {kind}", quoted(name));
            current = Some(file);
        }
        let _ = writeln!(out, "  TRACK {:02} AUDIO", n + 1);
        let _ = writeln!(out, "    TITLE {}", quoted(&first.title));
        if let Some(performer) = performer {
            let _ = writeln!(out, "    PERFORMER {}", quoted(performer));
        }
        for (i, c) in track.iter().enumerate() {
            let offset = files.get(file_of(c)).map_or(0, |f| f.1);
            if i > 0 {
                let _ = writeln!(out, "    REM INDEX {:02} {}", i + 1, quoted(&c.title));
            }
            let _ = writeln!(
                out,
                "    INDEX {:02} {}",
                i + 1,
                index_time(c.start_frame - offset.min(c.start_frame), sample_rate)
            );
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::script::MarkKind;

    fn files(name: &str) -> Vec<(String, u64)> {
        vec![(name.to_string(), 0)]
    }

    #[test]
    fn split_files_each_get_a_file_line_and_their_own_times() {
        let chapters: Vec<Chapter> = [0, 1000, 2500]
            .iter()
            .map(|&start_frame| Chapter {
                kind: MarkKind::Section,
                start_frame,
                end_frame: start_frame + 10,
                title: "S".into(),
                note: String::new(),
            })
            .collect();
        let parts = vec![("a-01.wav".to_string(), 0), ("a-02.wav".to_string(), 2000)];
        let text = render(&chapters, 1000, &parts, None, None);
        assert_eq!(text.matches("FILE").count(), 2);
        assert!(text.contains(
            "FILE \"a-02.wav\" WAVE\n  TRACK 03 AUDIO\n    TITLE \"S\"\n    INDEX 01 00:00:38"
        ));
    }

    #[test]
    fn index_times_count_seventy_five_frames_a_second() {
        assert_eq!(index_time(0, 22_050), "00:00:00");
        assert_eq!(
            index_time(22_050 * 61 + 22_050 * 74 / 75, 22_050),
            "01:01:74"
        );
        assert_eq!(index_time(22_050 * 3599, 22_050), "59:59:00");
        assert_eq!(index_time(22_050 * 6000, 22_050), "100:00:00");
    }

    #[test]
    fn the_last_cd_frame_of_a_second_rounds_up_to_the_next_second() {
        assert_eq!(index_time(22_049, 22_050), "00:01:00");
    }

    #[test]
    fn titles_lose_their_double_quotes() {
        let chapters = [Chapter {
            kind: MarkKind::Quote,
            start_frame: 22_050,
            end_frame: 44_100,
            title: "Quote: \"Hi\"".into(),
            note: String::new(),
        }];
        let text = render(&chapters, 22_050, &files("a.wav"), Some("T"), Some("B"));
        assert_eq!(
            text,
            "PERFORMER \"B\"\nTITLE \"T\"\nFILE \"a.wav\" WAVE\n  TRACK 01 AUDIO\n    TITLE \"Quote: 'Hi'\"\n    PERFORMER \"B\"\n    INDEX 01 00:01:00\n"
        );
    }

    fn chapter(kind: MarkKind, start_frame: u64, title: String) -> Chapter {
        Chapter {
            kind,
            start_frame,
            end_frame: start_frame + 50,
            title,
            note: String::new(),
        }
    }

    /// (track number, [(index number, time)]) of each track, read line by line.
    fn parsed(text: &str) -> Vec<(u32, Vec<(u32, String)>)> {
        let mut tracks: Vec<(u32, Vec<(u32, String)>)> = Vec::new();
        for line in text.lines().map(str::trim) {
            let words: Vec<&str> = line.split_whitespace().collect();
            match words.as_slice() {
                ["TRACK", n, "AUDIO"] => tracks.push((n.parse().unwrap(), vec![])),
                ["INDEX", n, time] => tracks
                    .last_mut()
                    .unwrap()
                    .1
                    .push((n.parse().unwrap(), time.to_string())),
                _ => {}
            }
        }
        tracks
    }

    #[test]
    fn up_to_ninety_nine_chapters_are_one_track_each() {
        let chapters: Vec<Chapter> = (0..99)
            .map(|i| chapter(MarkKind::Paragraph, i * 1000, format!("P{i}")))
            .collect();
        let text = render(&chapters, 1000, &files("a.wav"), None, None);
        let tracks = parsed(&text);
        assert_eq!(tracks.len(), 99);
        assert!(tracks.iter().all(|t| t.1.len() == 1 && t.1[0].0 == 1));
        assert!(!text.contains("REM"));
    }

    #[test]
    fn past_ninety_nine_sections_stay_tracks_and_quotes_become_index_points() {
        // 3 sections, each with 66 quotations: 201 chapters.
        let mut chapters = Vec::new();
        for s in 0..3u64 {
            chapters.push(chapter(
                MarkKind::Section,
                s * 100_000,
                format!("Section {s}"),
            ));
            for q in 1..=66u64 {
                chapters.push(chapter(
                    MarkKind::Quote,
                    s * 100_000 + q * 1000,
                    format!("Quote {s}.{q}"),
                ));
            }
        }
        let text = render(&chapters, 1000, &files("a.wav"), None, None);
        let tracks = parsed(&text);
        assert_eq!(tracks.len(), 3);
        for (n, (number, indexes)) in tracks.iter().enumerate() {
            assert_eq!(*number as usize, n + 1);
            assert_eq!(indexes.len(), 67);
            assert_eq!(
                indexes.iter().map(|i| i.0).collect::<Vec<_>>(),
                (1..=67).collect::<Vec<_>>()
            );
        }
        assert_eq!(tracks[1].1[0].1, "01:40:00");
        assert_eq!(tracks[1].1[1].1, "01:41:00");
        assert!(text.starts_with("REM COMMENT \"201 chapters in 3 tracks: sections are tracks; quotations and paragraphs are INDEX points inside them\"\n"), "{text}");
        assert!(text.contains("    TITLE \"Section 2\"\n    INDEX 01 03:20:00\n    REM INDEX 02 \"Quote 2.1\"\n    INDEX 02 03:21:00\n"));
    }

    #[test]
    fn a_section_with_more_than_ninety_eight_points_goes_on_in_a_new_track() {
        let mut chapters = vec![chapter(MarkKind::Section, 0, "Only".into())];
        chapters.extend((1..=150).map(|i| chapter(MarkKind::Paragraph, i * 10, format!("P{i}"))));
        let tracks = parsed(&render(&chapters, 1000, &files("a.wav"), None, None));
        assert_eq!(
            tracks.iter().map(|t| t.1.len()).collect::<Vec<_>>(),
            vec![99, 52]
        );
    }

    #[test]
    fn more_sections_than_tracks_are_dealt_over_ninety_nine_tracks_and_the_rest_is_named() {
        let chapters: Vec<Chapter> = (0..10_000)
            .map(|i| chapter(MarkKind::Section, i * 10, format!("S{i}")))
            .collect();
        let text = render(&chapters, 1000, &files("a.wav"), None, None);
        let tracks = parsed(&text);
        assert_eq!(tracks.len(), 99);
        assert!(tracks.iter().all(|t| t.1.len() <= 99 && !t.1.is_empty()));
        assert_eq!(tracks.iter().map(|t| t.1.len()).sum::<usize>(), 99 * 99);
        assert!(
            text.contains("the last 199 are left out"),
            "{}",
            &text[..200]
        );
    }
}
