//! `<stem>.ffmeta`: FFmpeg's metadata file format (<https://ffmpeg.org/ffmpeg-formats.html#Metadata-1>),
//! so `ffmpeg -i x.wav -i x.ffmeta -map_metadata 1 -map_chapters 1 x.mp3` carries the chapters.
//!
//! Times are in the program's own time base (`1/<sample rate>`), so START and END are the very
//! frames of the WAV's markers, with no rounding.

use std::fmt::Write;

use super::Chapter;

/// Escapes a value as ffmpeg requires: `=`, `;`, `#`, `\` and newlines take a backslash.
pub fn escape(value: &str) -> String {
    let mut out = String::with_capacity(value.len());
    for c in value.chars() {
        if matches!(c, '=' | ';' | '#' | '\\' | '\n') {
            out.push('\\');
        }
        if c != '\r' {
            out.push(c);
        }
    }
    out
}

/// The metadata file: global title and artist, then one `[CHAPTER]` per chapter.
pub fn render(
    chapters: &[Chapter],
    sample_rate: u32,
    title: Option<&str>,
    artist: Option<&str>,
) -> String {
    let mut out = String::from(";FFMETADATA1\n");
    if let Some(title) = title {
        let _ = writeln!(out, "title={}", escape(title));
    }
    if let Some(artist) = artist {
        let _ = writeln!(out, "artist={}", escape(artist));
    }
    for c in chapters {
        let _ = write!(
            out,
            "\n[CHAPTER]\nTIMEBASE=1/{sample_rate}\nSTART={}\nEND={}\ntitle={}\n",
            c.start_frame,
            c.end_frame,
            escape(&c.title)
        );
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::script::MarkKind;

    #[test]
    fn special_characters_are_escaped_with_a_backslash() {
        assert_eq!(escape("a=b;c#d\\e\nf"), "a\\=b\\;c\\#d\\\\e\\\nf");
        assert_eq!(escape("Quote: “plain” – text"), "Quote: “plain” – text");
    }

    #[test]
    fn chapters_use_the_program_time_base() {
        let chapters = [Chapter {
            kind: MarkKind::Section,
            start_frame: 10,
            end_frame: 44_100,
            title: "Section: A=B".into(),
            note: String::new(),
        }];
        let text = render(&chapters, 22_050, Some("T"), Some("X; Y"));
        assert_eq!(
            text,
            ";FFMETADATA1\ntitle=T\nartist=X\\; Y\n\n[CHAPTER]\nTIMEBASE=1/22050\nSTART=10\nEND=44100\ntitle=Section: A\\=B\n"
        );
    }
}
