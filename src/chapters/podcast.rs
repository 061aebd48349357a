//! `<stem>.chapters.json`: Podcasting 2.0 JSON chapters, version 1.2.0
//! (<https://github.com/Podcastindex-org/podcast-namespace/blob/main/docs/examples/chapters/jsonChapters.md>).
//!
//! Sections are table-of-contents entries; quotations and paragraphs are `toc: false`, so apps
//! list only the sections while still showing the finer marks as the episode plays. Titles are
//! the plain ones players show ([`Chapter::plain_title`]: no `Section:`/`Quote:` prefix).

use serde::Serialize;

use super::{Chapter, seconds};

#[derive(Serialize)]
struct Document<'a> {
    version: &'static str,
    #[serde(skip_serializing_if = "Option::is_none")]
    title: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    author: Option<&'a str>,
    chapters: Vec<Entry<'a>>,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Entry<'a> {
    start_time: f64,
    end_time: f64,
    title: &'a str,
    #[serde(skip_serializing_if = "Option::is_none")]
    toc: Option<bool>,
}

/// Seconds rounded to the millisecond, the precision players use.
fn time(frame: u64, sample_rate: u32) -> f64 {
    (seconds(frame, sample_rate) * 1000.0).round() / 1000.0
}

/// The JSON chapters document.
pub fn render(
    chapters: &[Chapter],
    sample_rate: u32,
    title: Option<&str>,
    author: Option<&str>,
) -> String {
    let document = Document {
        version: "1.2.0",
        title,
        author,
        chapters: chapters
            .iter()
            .map(|c| Entry {
                start_time: time(c.start_frame, sample_rate),
                end_time: time(c.end_frame, sample_rate),
                title: c.plain_title(),
                toc: (!c.in_toc()).then_some(false),
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
    use crate::script::MarkKind;

    fn chapter(kind: MarkKind, start_frame: u64, end_frame: u64, title: &str) -> Chapter {
        Chapter {
            kind,
            start_frame,
            end_frame,
            title: title.into(),
            note: String::new(),
        }
    }

    #[test]
    fn sections_are_listed_and_quotes_are_hidden_from_the_table_of_contents() {
        let text = render(
            &[
                chapter(MarkKind::Section, 0, 3000, "Section: A"),
                chapter(MarkKind::Quote, 1000, 1500, "Quote: “B”"),
            ],
            1000,
            Some("A"),
            None,
        );
        let json: serde_json::Value = serde_json::from_str(&text).unwrap();
        assert_eq!(json["version"], "1.2.0");
        assert_eq!(json["title"], "A");
        assert!(json.get("author").is_none());
        let chapters = json["chapters"].as_array().unwrap();
        assert_eq!(chapters[0]["startTime"], 0.0);
        assert_eq!(chapters[0]["endTime"], 3.0);
        assert!(chapters[0].get("toc").is_none());
        assert_eq!(chapters[0]["title"], "A");
        assert_eq!(chapters[1]["title"], "“B”");
        assert_eq!(chapters[1]["startTime"], 1.0);
        assert_eq!(chapters[1]["toc"], false);
    }

    #[test]
    fn times_are_rounded_to_the_millisecond() {
        let text = render(
            &[chapter(MarkKind::Section, 1, 22_050 * 2 + 7, "S")],
            22_050,
            None,
            None,
        );
        let json: serde_json::Value = serde_json::from_str(&text).unwrap();
        assert_eq!(json["chapters"][0]["startTime"], 0.0);
        assert_eq!(json["chapters"][0]["endTime"], 2.0);
    }
}
