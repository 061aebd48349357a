//! `<stem>.cue`: a CUE sheet over the WAV, one track per chapter.
//!
//! Only the commands every strict parser knows are written (mpv's `cue.c` rejects a sheet with
//! unknown ones): `PERFORMER`, `TITLE`, `FILE`, `TRACK nn AUDIO`, `INDEX 01 mm:ss:ff`, where
//! `ff` counts CD frames of 1/75 s. CUE strings cannot escape a double quote, so quotes inside
//! titles become single quotes, and a sheet holds at most 99 tracks.

use std::fmt::Write;

use super::Chapter;

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

/// The CUE sheet over `files` (names beside the sheet, each with the program frame it starts
/// at, in order): each track is indexed in the file that holds its start.
pub fn render(
    chapters: &[Chapter],
    sample_rate: u32,
    files: &[(String, u64)],
    title: Option<&str>,
    performer: Option<&str>,
) -> String {
    let mut out = String::new();
    if let Some(performer) = performer {
        let _ = writeln!(out, "PERFORMER {}", quoted(performer));
    }
    if let Some(title) = title {
        let _ = writeln!(out, "TITLE {}", quoted(title));
    }
    let mut current = None;
    for (n, c) in chapters.iter().take(MAX_TRACKS).enumerate() {
        let file = files
            .iter()
            .rposition(|f| f.1 <= c.start_frame)
            .unwrap_or(0);
        let Some((name, offset)) = files.get(file) else {
            break;
        };
        if current != Some(file) {
            let _ = writeln!(out, "FILE {} WAVE", quoted(name));
            current = Some(file);
        }
        let _ = writeln!(out, "  TRACK {:02} AUDIO", n + 1);
        let _ = writeln!(out, "    TITLE {}", quoted(&c.title));
        if let Some(performer) = performer {
            let _ = writeln!(out, "    PERFORMER {}", quoted(performer));
        }
        let _ = writeln!(
            out,
            "    INDEX 01 {}",
            index_time(c.start_frame - offset.min(&c.start_frame), sample_rate)
        );
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

    #[test]
    fn at_most_ninety_nine_tracks_are_written() {
        let chapters: Vec<Chapter> = (0..120)
            .map(|i| Chapter {
                kind: MarkKind::Paragraph,
                start_frame: i * 100,
                end_frame: i * 100 + 50,
                title: format!("P{i}"),
                note: String::new(),
            })
            .collect();
        let text = render(&chapters, 1000, &files("a.wav"), None, None);
        assert_eq!(text.matches("TRACK").count(), MAX_TRACKS);
        assert!(text.contains("TRACK 99 AUDIO"));
    }
}
