//! WebVTT text (<https://www.w3.org/TR/webvtt1/>) and `<stem>.chapters.vtt`, the chapter track
//! for `<track kind="chapters">`: one cue per section, as players list them.

use std::fmt::Write;

use super::{Chapter, millis};
use crate::script::MarkKind;

/// `hh:mm:ss.ttt` (or with `,` for SRT) of a time in milliseconds.
pub fn timestamp(ms: u64, separator: char) -> String {
    format!(
        "{:02}:{:02}:{:02}{separator}{:03}",
        ms / 3_600_000,
        ms / 60_000 % 60,
        ms / 1000 % 60,
        ms % 1000
    )
}

/// Cue text with no blank lines that could end the cue: for WebVTT with `&`, `<`, `>` as
/// entities; for SRT (where players show entities literally) only `-->` is replaced.
pub fn cue_text(text: &str, webvtt: bool) -> String {
    let text = if webvtt {
        text.replace('&', "&amp;")
            .replace('<', "&lt;")
            .replace('>', "&gt;")
    } else {
        text.replace("-->", "→")
    };
    text.lines()
        .map(str::trim)
        .filter(|l| !l.is_empty())
        .collect::<Vec<_>>()
        .join("\n")
}

/// The start and end of a cue in milliseconds; a cue always lasts at least one millisecond.
pub fn cue_span(start_frame: u64, end_frame: u64, sample_rate: u32) -> (u64, u64) {
    let start = millis(start_frame, sample_rate);
    (start, millis(end_frame, sample_rate).max(start + 1))
}

/// The chapters track: every section, from its start to the next.
pub fn chapters(chapters: &[Chapter], sample_rate: u32) -> String {
    let mut out = String::from("WEBVTT\n");
    for (n, c) in chapters
        .iter()
        .filter(|c| c.kind == MarkKind::Section)
        .enumerate()
    {
        let (start, end) = cue_span(c.start_frame, c.end_frame, sample_rate);
        let _ = write!(
            out,
            "\nchapter-{}\n{} --> {}\n{}\n",
            n + 1,
            timestamp(start, '.'),
            timestamp(end, '.'),
            cue_text(&c.title, true)
        );
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn timestamps_have_hours_minutes_seconds_and_milliseconds() {
        assert_eq!(timestamp(3_723_004, '.'), "01:02:03.004");
        assert_eq!(timestamp(59_999, ','), "00:00:59,999");
    }

    #[test]
    fn cue_text_cannot_break_the_cue() {
        let text = "a --> b <i> & c\n\nd";
        assert_eq!(cue_text(text, true), "a --&gt; b &lt;i&gt; &amp; c\nd");
        assert_eq!(cue_text(text, false), "a → b <i> & c\nd");
    }

    #[test]
    fn only_sections_become_chapter_cues() {
        let c = |kind, start_frame, end_frame, title: &str| Chapter {
            kind,
            start_frame,
            end_frame,
            title: title.into(),
            note: String::new(),
        };
        let text = chapters(
            &[
                c(MarkKind::Section, 0, 2000, "Section: A"),
                c(MarkKind::Quote, 500, 900, "Quote: q"),
                c(MarkKind::Section, 2000, 2000, "Section: B"),
            ],
            1000,
        );
        assert_eq!(
            text,
            "WEBVTT\n\nchapter-1\n00:00:00.000 --> 00:00:02.000\nSection: A\n\nchapter-2\n00:00:02.000 --> 00:00:02.001\nSection: B\n"
        );
    }
}
