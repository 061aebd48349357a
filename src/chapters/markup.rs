//! The article as marked-up blocks, shared by the listening page and the EPUB: the timeline's
//! sentences grouped into the title, byline, headings, paragraphs and credits they came from, each
//! in its section, with the runs of a quotation marked.
//!
//! Every text here is the article's, so it is untrusted: [`escape`] it before it goes into
//! HTML or XML.

use super::Timeline;
use super::timeline::Sentence;
use crate::script::Role;

/// What a block of sentences is in the article.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum BlockKind {
    /// The headline.
    Title,
    /// The "By …" line.
    Byline,
    /// A section heading.
    Heading,
    /// A body paragraph, by its index in the article.
    Paragraph(usize),
    /// A line after the body (translation, photo credits).
    Credit,
}

/// A run of consecutive sentences of one quotation (or of narration) inside a block.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Run<'a> {
    /// The quotation (index into [`Timeline::quotes`]), or `None` for narration.
    pub quote: Option<usize>,
    /// The sentences, each with its index in [`Timeline::sentences`].
    pub sentences: Vec<(usize, &'a Sentence)>,
}

/// A heading, paragraph or other line of the article.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Block<'a> {
    /// What it is.
    pub kind: BlockKind,
    /// The section it is in (index into [`Timeline::sections`]).
    pub section: usize,
    /// Its sentences, cut where a quotation starts or ends.
    pub runs: Vec<Run<'a>>,
}

impl Block<'_> {
    /// The first frame heard.
    pub fn start_frame(&self) -> u64 {
        self.runs
            .first()
            .and_then(|r| r.sentences.first())
            .map_or(0, |(_, s)| s.timed.start_frame)
    }

    /// One past the last frame heard.
    pub fn end_frame(&self) -> u64 {
        self.runs
            .last()
            .and_then(|r| r.sentences.last())
            .map_or(0, |(_, s)| s.timed.end_frame)
    }

    /// Every sentence, with its index.
    pub fn sentences(&self) -> impl Iterator<Item = &(usize, &Sentence)> {
        self.runs.iter().flat_map(|r| &r.sentences)
    }
}

/// The blocks of a timeline, in reading order. `title` is the article's: the first utterance is
/// the title when it is a heading and the opening section is named by it (without `--no-intro`
/// it is; with it, a first heading is a section heading).
pub fn blocks<'a>(timeline: &'a Timeline, title: Option<&str>) -> Vec<Block<'a>> {
    let has_title = title.is_some_and(|t| timeline.sections.first().is_some_and(|s| s.text == t));
    let mut blocks: Vec<Block> = Vec::new();
    let mut seen_body = false;
    let mut key = None;
    for (i, sentence) in timeline.sentences.iter().enumerate() {
        let role = timeline.roles.get(sentence.utterance).copied();
        let kind = match (sentence.paragraph, role) {
            (Some(p), _) => BlockKind::Paragraph(p),
            (None, Some(Role::Heading)) if sentence.utterance == 0 && has_title => BlockKind::Title,
            (None, Some(Role::Heading)) => BlockKind::Heading,
            (None, _) if seen_body => BlockKind::Credit,
            (None, _) => BlockKind::Byline,
        };
        seen_body |= matches!(kind, BlockKind::Paragraph(_) | BlockKind::Heading);
        // A paragraph is one block; any other line is one block per utterance.
        let this = (
            sentence.paragraph,
            sentence.paragraph.is_none().then_some(sentence.utterance),
        );
        let quote = timeline.quote_of(sentence);
        if key != Some(this) {
            key = Some(this);
            blocks.push(Block {
                kind,
                section: section_at(timeline, sentence.timed.start_frame),
                runs: Vec::new(),
            });
        }
        let block = blocks.last_mut().expect("a block was pushed above");
        match block.runs.last_mut() {
            Some(run) if run.quote == quote => run.sentences.push((i, sentence)),
            _ => block.runs.push(Run {
                quote,
                sentences: vec![(i, sentence)],
            }),
        }
    }
    blocks
}

/// The section heard at `frame`: the last that starts at or before it.
fn section_at(timeline: &Timeline, frame: u64) -> usize {
    timeline
        .sections
        .iter()
        .rposition(|s| s.start_frame <= frame)
        .unwrap_or(0)
}

/// `text` with `&`, `<`, `>`, `"` and `'` escaped, safe in HTML and XML text and attributes.
pub fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            // Control characters are not allowed in XML 1.0; the article never needs them.
            c if c.is_control() && !matches!(c, '\n' | '\t') => {}
            c => out.push(c),
        }
    }
    out
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;
    use crate::chapters::timeline::{Quoted, Timed};

    fn sentence(text: &str, utterance: usize, paragraph: Option<usize>, at: u64) -> Sentence {
        Sentence {
            timed: Timed {
                text: text.into(),
                start_frame: at,
                end_frame: at + 10,
            },
            utterance,
            paragraph,
            speech: text.into(),
            words: vec![],
        }
    }

    /// Title, byline, a paragraph with an interrupted quotation, a heading and a paragraph, and
    /// a credit; 1000 frames a second.
    pub(crate) fn sample_timeline() -> Timeline {
        let timed = |text: &str, a, b| Timed {
            text: text.into(),
            start_frame: a,
            end_frame: b,
        };
        Timeline {
            sample_rate: 1000,
            frames: 200,
            estimated: false,
            word_timing: crate::engine::WordTiming::Engine,
            sections: vec![timed("A <Title>", 0, 100), timed("Second", 100, 200)],
            paragraphs: vec![timed("P1", 30, 80), timed("P2", 120, 150)],
            sentences: vec![
                sentence("A <Title>", 0, None, 0),
                sentence("By Ann.", 1, None, 15),
                sentence("First.", 2, Some(0), 30),
                sentence("We came,", 3, Some(0), 45),
                sentence("says Bo,", 4, Some(0), 57),
                sentence("to stay.", 5, Some(0), 68),
                sentence("Second", 6, None, 100),
                sentence("Then <script>x</script>.", 7, Some(1), 120),
                sentence("Photo: Cy.", 8, None, 160),
            ],
            quotes: vec![Quoted {
                timed: timed("We came, to stay.", 45, 78),
                speaker: Some("Bo".into()),
                utterances: 3..=5,
            }],
            roles: vec![
                Role::Heading,
                Role::Narrator,
                Role::Narrator,
                Role::Quote,
                Role::Narrator,
                Role::Quote,
                Role::Heading,
                Role::Narrator,
                Role::Narrator,
            ],
        }
    }

    #[test]
    fn sentences_group_into_the_lines_and_paragraphs_they_came_from() {
        let t = sample_timeline();
        let kinds: Vec<(BlockKind, usize)> = blocks(&t, Some("A <Title>"))
            .iter()
            .map(|b| (b.kind, b.section))
            .collect();
        assert_eq!(
            kinds,
            vec![
                (BlockKind::Title, 0),
                (BlockKind::Byline, 0),
                (BlockKind::Paragraph(0), 0),
                (BlockKind::Heading, 1),
                (BlockKind::Paragraph(1), 1),
                (BlockKind::Credit, 1),
            ]
        );
    }

    #[test]
    fn a_first_heading_is_not_the_title_when_the_title_is_not_spoken() {
        let mut t = sample_timeline();
        t.sections[0].text = "Opening".into();
        assert_eq!(blocks(&t, Some("A <Title>"))[0].kind, BlockKind::Heading);
        assert_eq!(blocks(&t, None)[0].kind, BlockKind::Heading);
    }

    #[test]
    fn an_interrupted_quotation_is_two_runs_around_its_attribution() {
        let t = sample_timeline();
        let b = blocks(&t, Some("A <Title>"));
        let runs: Vec<(Option<usize>, usize)> = b[2]
            .runs
            .iter()
            .map(|r| (r.quote, r.sentences.len()))
            .collect();
        assert_eq!(runs, vec![(None, 1), (Some(0), 1), (None, 1), (Some(0), 1)]);
        assert_eq!((b[2].start_frame(), b[2].end_frame()), (30, 78));
    }

    #[test]
    fn markup_in_article_text_is_escaped() {
        assert_eq!(
            escape("<script>\"a\" & 'b'</script>\u{0}"),
            "&lt;script&gt;&quot;a&quot; &amp; &#39;b&#39;&lt;/script&gt;"
        );
    }
}
