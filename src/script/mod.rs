//! Stage 3 — script: what is spoken, in which voice, with which pauses, and where markers go.
//!
//! [`build`] turns an [`Article`] into a [`Script`]: an ordered list of [`Utterance`]s (one per
//! narration or quotation span) plus the [`Mark`]s that become chapter markers.

mod chunk;
pub mod lexicon;
mod speech;

use serde::Serialize;

use crate::article::{Article, SpanKind, sentences};

pub use lexicon::{Lexicon, LexiconError};
pub use speech::{compile_rules, speech_text};

/// The longest text (in characters) one engine call is given: longer sentences are cut at
/// clause, else word boundaries (`chunk::pieces`), and a span's sentences are grouped into
/// utterances up to this length. Well under what espeak-ng, Piper and command engines accept,
/// and it keeps each call's audio a few minutes at most.
pub const MAX_UTTERANCE_CHARS: usize = 1000;

/// The silence where an utterance was cut inside a sentence (between clauses or words).
pub const CUT_PAUSE_MS: u32 = 120;

/// Labels of markers are at most this many characters.
pub const MAX_LABEL_CHARS: usize = 60;

/// Which voice speaks an utterance.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Role {
    /// The article's narration.
    Narrator,
    /// Quoted speech.
    Quote,
    /// Title and section headings.
    Heading,
}

/// The pause after a phrase spoken on its own, such as a dateline, when the profile sets no
/// sentence pause.
pub const PHRASE_PAUSE_MS: u32 = 250;

/// Silence inserted after utterances, in milliseconds.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct Pauses {
    /// After a sentence, within a paragraph: when set, the engine speaks each sentence on its
    /// own and this is the silence between them; when `None`, a span's sentences go to the
    /// engine together and it pauses between them as it does (espeak-ng: about 300 ms).
    pub sentence_ms: Option<u32>,
    /// Before a quotation that follows narration (or another quotation) in a paragraph.
    pub quote_before_ms: u32,
    /// After a quotation that narration follows in the same paragraph.
    pub quote_after_ms: u32,
    /// After a paragraph.
    pub paragraph_ms: u32,
    /// After a section heading, and after the last paragraph of a section.
    pub section_ms: u32,
    /// After the title and byline introduction.
    pub title_ms: u32,
}

impl Default for Pauses {
    fn default() -> Self {
        Pauses {
            sentence_ms: None,
            quote_before_ms: 250,
            quote_after_ms: 250,
            paragraph_ms: 700,
            section_ms: 1200,
            title_ms: 1000,
        }
    }
}

/// How a script is built.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ScriptOptions {
    /// Pause lengths.
    pub pauses: Pauses,
    /// Speak the title and byline before the body.
    pub intro: bool,
    /// Speak the credits after the body.
    pub outro: bool,
    /// The user's respellings, applied after normalization.
    pub lexicon: Lexicon,
    /// Roles whose engine reads espeak-ng phoneme codes: the lexicon's `[[phonemes]]`
    /// entries apply to them (the other roles get those entries' respellings).
    pub phoneme_roles: Vec<Role>,
}

impl Default for ScriptOptions {
    fn default() -> Self {
        ScriptOptions {
            pauses: Pauses::default(),
            intro: true,
            outro: true,
            lexicon: Lexicon::default(),
            phoneme_roles: vec![Role::Narrator, Role::Quote, Role::Heading],
        }
    }
}

/// One call to a speech engine.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Utterance {
    /// The text the engine receives (normalized for speech).
    pub text: String,
    /// Which voice speaks it.
    pub role: Role,
    /// Exact digital silence after it, in milliseconds.
    pub pause_after_ms: u32,
    /// Index of the body paragraph it belongs to (counted across sections), if any.
    pub paragraph: Option<usize>,
    /// Its sentences as the reader sees them, each with where it lies in `text`.
    pub sentences: Vec<Said>,
}

/// One sentence of an utterance: the source text (for captions and the timing map) and the
/// characters of the utterance's speech text that say it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Said {
    /// The sentence as written in the article.
    pub source: String,
    /// Character range of its speech text in [`Utterance::text`].
    pub speech: std::ops::Range<usize>,
}

impl Utterance {
    /// An utterance that speaks `text` as written: its sentences are their own source.
    pub fn plain(text: &str, role: Role, pause_after_ms: u32) -> Utterance {
        let mut sentences = Vec::new();
        let (mut byte, mut char_at) = (0, 0);
        for sentence in sentences::split(text) {
            let Some(at) = text[byte..].find(&sentence) else {
                continue;
            };
            let start = char_at + text[byte..byte + at].chars().count();
            byte += at + sentence.len();
            char_at = start + sentence.chars().count();
            let speech = start..start + sentence.chars().count();
            sentences.push(Said {
                source: sentence,
                speech,
            });
        }
        Utterance {
            text: text.to_string(),
            role,
            pause_after_ms,
            paragraph: None,
            sentences,
        }
    }
}

/// What a marker marks.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum MarkKind {
    /// A section of the article (the first one starts at the title).
    Section,
    /// A quotation.
    Quote,
    /// A body paragraph.
    Paragraph,
}

impl MarkKind {
    /// The names front ends give each kind (`--markers sections,quotes`), with a line of help.
    pub const NAMES: [(&'static str, &'static str, MarkKind); 3] = [
        (
            "sections",
            "Sections (the title and each heading)",
            MarkKind::Section,
        ),
        ("quotes", "Quotations", MarkKind::Quote),
        ("paragraphs", "Body paragraphs", MarkKind::Paragraph),
    ];
}

/// A marker over a run of utterances.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Mark {
    /// Section or quotation.
    pub kind: MarkKind,
    /// The short label (at most [`MAX_LABEL_CHARS`] characters).
    pub label: String,
    /// The full text it stands for (the whole quotation, or the section heading).
    pub note: String,
    /// First utterance covered.
    pub first: usize,
    /// Last utterance covered (inclusive). For sections: the last utterance before the next section.
    pub last: usize,
    /// For quotations: who is quoted, when the article says so.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub speaker: Option<String>,
}

/// The article as a sequence of utterances and markers.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct Script {
    /// The article title (for file metadata).
    pub title: Option<String>,
    /// The byline (for file metadata).
    pub byline: Option<String>,
    /// What is spoken, in order.
    pub utterances: Vec<Utterance>,
    /// Markers, ordered by their first utterance.
    pub marks: Vec<Mark>,
}

/// Builds the script of an article.
pub fn build(article: &Article, options: &ScriptOptions) -> Script {
    let mut b = Builder {
        script: Script {
            title: article.title.clone(),
            byline: article.byline.clone(),
            ..Script::default()
        },
        pauses: options.pauses,
        lexicon: &options.lexicon,
        phoneme_roles: &options.phoneme_roles,
        quote_marks: std::collections::HashMap::new(),
    };
    if options.intro {
        b.intro(article);
    }
    b.body(article);
    if options.outro {
        b.outro(article);
    }
    b.finish()
}

struct Builder<'a> {
    script: Script,
    pauses: Pauses,
    lexicon: &'a Lexicon,
    phoneme_roles: &'a [Role],
    /// Quotation index → index of its mark, so a quotation's later spans extend its marker.
    quote_marks: std::collections::HashMap<usize, usize>,
}

impl Builder<'_> {
    /// Adds the utterances that speak `source`, sentence by sentence normalized for speech
    /// (none when nothing of it is spoken): one utterance, unless its speech text would pass
    /// [`MAX_UTTERANCE_CHARS`]; then it is cut between sentences, or inside one sentence between
    /// clauses or words, and the cuts get the sentence pause or [`CUT_PAUSE_MS`].
    fn push(&mut self, source: &str, role: Role, pause_after_ms: u32, paragraph: Option<usize>) {
        let mut text = String::new();
        let mut chars = 0;
        let mut said = Vec::new();
        let sentence_pause = self.pauses.sentence_ms.unwrap_or(PHRASE_PAUSE_MS);
        let mut ended_sentence = true;
        for sentence in sentences::split(source) {
            let pieces = self.speech_pieces(sentence, role, MAX_UTTERANCE_CHARS);
            let last = pieces.len().saturating_sub(1);
            for (n, (piece, speech)) in pieces.into_iter().enumerate() {
                let len = speech.chars().count();
                if chars > 0 && chars + 1 + len > MAX_UTTERANCE_CHARS {
                    let pause = if ended_sentence {
                        sentence_pause
                    } else {
                        CUT_PAUSE_MS
                    };
                    let full = std::mem::take(&mut text);
                    self.emit(full, role, pause, paragraph, std::mem::take(&mut said));
                    chars = 0;
                }
                if chars > 0 {
                    text.push(' ');
                    chars += 1;
                }
                text.push_str(&speech);
                said.push(Said {
                    source: piece,
                    speech: chars..chars + len,
                });
                chars += len;
                ended_sentence = n == last;
            }
        }
        self.emit(text, role, pause_after_ms, paragraph, said);
    }

    /// `sentence` as (source, speech) pieces whose speech fits `limit` characters: the sentence
    /// whole when it fits, else cut ever finer (speech can be longer than its source: numbers
    /// spelled out, respellings).
    fn speech_pieces(&self, sentence: String, role: Role, limit: usize) -> Vec<(String, String)> {
        let codes = self.phoneme_roles.contains(&role);
        let mut out = Vec::new();
        let mut pending = vec![(sentence, limit)];
        while let Some((source, limit)) = pending.pop() {
            let speech = self.lexicon.apply_for(&speech_text(&source), codes);
            if speech.chars().count() <= MAX_UTTERANCE_CHARS || limit <= 16 {
                if !speech.is_empty() {
                    out.push((source, speech));
                }
                continue;
            }
            let finer = limit.min(source.chars().count()) / 2;
            // Pushed in reverse, so the pieces come off the stack in order.
            pending.extend(
                chunk::pieces(&source, finer)
                    .into_iter()
                    .rev()
                    .map(|p| (p, finer)),
            );
        }
        out
    }

    fn emit(
        &mut self,
        text: String,
        role: Role,
        pause_after_ms: u32,
        paragraph: Option<usize>,
        said: Vec<Said>,
    ) {
        if !text.is_empty() {
            self.script.utterances.push(Utterance {
                text,
                role,
                pause_after_ms,
                paragraph,
                sentences: said,
            });
        }
    }

    fn set_last_pause(&mut self, ms: u32) {
        if let Some(last) = self.script.utterances.last_mut() {
            last.pause_after_ms = ms;
        }
    }

    fn mark(&mut self, kind: MarkKind, prefix: &str, text: &str) {
        let first = self.script.utterances.len();
        self.script.marks.push(Mark {
            kind,
            label: label(prefix, text),
            note: text.to_string(),
            first,
            last: first,
            speaker: None,
        });
    }

    fn intro(&mut self, article: &Article) {
        if let Some(title) = &article.title {
            self.mark(MarkKind::Section, "Section: ", title);
            self.push(title, Role::Heading, self.pauses.title_ms, None);
        }
        if let Some(byline) = &article.byline {
            self.push(
                &format!("By {byline}."),
                Role::Narrator,
                self.pauses.title_ms,
                None,
            );
        }
    }

    fn body(&mut self, article: &Article) {
        let mut paragraph_index = 0;
        for (s, section) in article.sections.iter().enumerate() {
            let opening = s == 0 && self.script.marks.is_empty();
            match (&section.heading, opening) {
                (Some(heading), _) => {
                    self.mark(MarkKind::Section, "Section: ", heading);
                    self.push(heading, Role::Heading, self.pauses.section_ms, None);
                }
                (None, true) => {
                    let name = article.title.as_deref().unwrap_or("Start");
                    self.mark(MarkKind::Section, "Section: ", name);
                }
                (None, false) if s > 0 => {
                    self.mark(MarkKind::Section, "Section: ", &format!("Part {}", s + 1));
                }
                (None, false) => {}
            }
            for paragraph in &section.paragraphs {
                self.paragraph(article, paragraph, paragraph_index);
                paragraph_index += 1;
            }
            self.set_last_pause(self.pauses.section_ms);
        }
    }

    fn paragraph(
        &mut self,
        article: &Article,
        paragraph: &crate::article::Paragraph,
        index: usize,
    ) {
        let mark = self.script.marks.len();
        let spoken = paragraph
            .spans
            .iter()
            .any(|s| !speech_text(&s.text).is_empty());
        if spoken {
            self.mark(
                MarkKind::Paragraph,
                &format!("Paragraph {}: ", index + 1),
                &paragraph.text,
            );
        }
        for (k, span) in paragraph.spans.iter().enumerate() {
            let role = match span.kind {
                SpanKind::Narration => Role::Narrator,
                SpanKind::Quote => Role::Quote,
            };
            let quote_mark = span.quotation.map(|q| self.quote_mark(article, q));
            let after = match (span.kind, paragraph.spans.get(k + 1).map(|n| n.kind)) {
                (_, Some(SpanKind::Quote)) => self.pauses.quote_before_ms,
                (SpanKind::Quote, Some(SpanKind::Narration)) => self.pauses.quote_after_ms,
                // A dateline before its sentence, or the last span (the paragraph's pause
                // replaces this one below).
                _ => self.pauses.sentence_ms.unwrap_or(PHRASE_PAUSE_MS),
            };
            let pieces = match self.pauses.sentence_ms {
                Some(_) => sentences::split(&span.text),
                None => vec![span.text.clone()],
            };
            for (n, piece) in pieces.iter().enumerate() {
                let pause = match self.pauses.sentence_ms {
                    Some(ms) if n + 1 < pieces.len() => ms,
                    _ => after,
                };
                self.push(piece, role, pause, Some(index));
            }
            if let Some(m) = quote_mark {
                let end = self.script.utterances.len().saturating_sub(1);
                let mark = &mut self.script.marks[m];
                mark.last = end.max(mark.first);
            }
        }
        if spoken {
            self.script.marks[mark].last = self.script.utterances.len() - 1;
        }
        self.set_last_pause(self.pauses.paragraph_ms);
    }

    /// The quotation's marker: opened at its first span (the caller extends it over each span).
    fn quote_mark(&mut self, article: &Article, quotation: usize) -> usize {
        match self.quote_marks.get(&quotation) {
            Some(&m) => m,
            None => {
                let m = self.script.marks.len();
                self.quote_marks.insert(quotation, m);
                let quote = &article.quotations[quotation];
                let prefix = match quote.speaker.as_deref().filter(|s| is_name_like(s)) {
                    Some(speaker) => format!("Quote: {speaker} – "),
                    None => "Quote: ".to_string(),
                };
                self.mark(MarkKind::Quote, &prefix, &quote.text);
                self.script.marks[m].speaker = quote.speaker.clone();
                m
            }
        }
    }

    fn outro(&mut self, article: &Article) {
        for credit in &article.credits {
            let text = if credit.ends_with(['.', '!', '?']) {
                credit.clone()
            } else {
                format!("{credit}.")
            };
            self.push(&text, Role::Narrator, self.pauses.paragraph_ms, None);
        }
    }

    /// Section marks run until the next section; a mark whose utterance never came is dropped.
    fn finish(mut self) -> Script {
        let count = self.script.utterances.len();
        self.script.marks.retain(|m| m.first < count);
        let section_starts: Vec<usize> = self
            .script
            .marks
            .iter()
            .filter(|m| m.kind == MarkKind::Section)
            .map(|m| m.first)
            .collect();
        for mark in &mut self.script.marks {
            if mark.kind == MarkKind::Section {
                let next = section_starts
                    .iter()
                    .find(|&&s| s > mark.first)
                    .copied()
                    .unwrap_or(count);
                mark.last = next.saturating_sub(1).max(mark.first);
            }
            mark.last = mark.last.min(count - 1);
        }
        if let Some(last) = self.script.utterances.last_mut() {
            last.pause_after_ms = 0;
        }
        self.script
    }
}

/// Whether a speaker is short enough to lead a marker label: a name ("Yusov", "Andriy
/// Yusov"), not a description ("one of the Russian soldiers fighting for Ukraine"), which
/// would leave no room in the label for the quotation's own words.
fn is_name_like(speaker: &str) -> bool {
    speaker.split_whitespace().count() <= 3 && speaker.chars().count() <= 24
}

/// `prefix` + the first words of `text`, cut at a word boundary to fit [`MAX_LABEL_CHARS`].
pub fn label(prefix: &str, text: &str) -> String {
    let text = text.split_whitespace().collect::<Vec<_>>().join(" ");
    let full = format!("{prefix}{text}");
    if full.chars().count() <= MAX_LABEL_CHARS {
        return full.trim_end_matches([',', ';', ':']).to_string();
    }
    let budget = MAX_LABEL_CHARS - 1; // room for the ellipsis
    let mut out = prefix.to_string();
    for word in text.split(' ') {
        let extra = if out.len() == prefix.len() { 0 } else { 1 };
        if out.chars().count() + extra + word.chars().count() > budget {
            break;
        }
        if extra == 1 {
            out.push(' ');
        }
        out.push_str(word);
    }
    if out.len() == prefix.len() {
        out.extend(text.chars().take(budget - prefix.chars().count()));
    }
    let trimmed = out.trim_end_matches([',', ';', ':', '.', ' ']).to_string();
    format!("{trimmed}…")
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::input::{InputText, Source};

    fn sample_script() -> Script {
        sample_script_with(Pauses::default())
    }

    fn sample_script_with(pauses: Pauses) -> Script {
        let input = InputText::new(
            Source::Stdin,
            include_str!("../../tests/fixtures/free-russian-legion.txt").to_string(),
        );
        let options = ScriptOptions {
            pauses,
            ..ScriptOptions::default()
        };
        build(&crate::article::parse(&input).unwrap(), &options)
    }

    #[test]
    fn a_sentence_pause_speaks_each_sentence_on_its_own_and_quotes_keep_their_markers() {
        let pauses = Pauses {
            sentence_ms: Some(320),
            quote_before_ms: 210,
            quote_after_ms: 230,
            ..Pauses::default()
        };
        let whole = sample_script();
        let split = sample_script_with(pauses);
        assert!(
            split.utterances.len() > whole.utterances.len() + 10,
            "{} vs {}",
            split.utterances.len(),
            whole.utterances.len()
        );
        // The last sentence of Caesar's second quotation ends a paragraph; its first does not.
        let caesar = |s: &Script| {
            s.utterances
                .iter()
                .position(|u| u.text.starts_with("That's why"))
        };
        let first = caesar(&split).unwrap();
        assert_eq!(
            split.utterances[first].text,
            "That's why I have no remorse."
        );
        assert_eq!(split.utterances[first].pause_after_ms, 320);
        // Before a quotation, and after one, the quotation pauses.
        let says = split.utterances[first - 1].clone();
        assert!(says.text.starts_with("says a Russian fighter"), "{says:?}");
        assert_eq!(says.pause_after_ms, 210);
        assert_eq!(split.utterances[first - 2].pause_after_ms, 230);
        // Markers are the same in number and cover whole quotations.
        let quotes = |s: &Script| -> Vec<String> {
            s.marks
                .iter()
                .filter(|m| m.kind == MarkKind::Quote)
                .map(|m| {
                    let spoken: Vec<&str> = (m.first..=m.last)
                        .map(|u| s.utterances[u].text.as_str())
                        .collect();
                    format!("{} | {}", m.label, spoken.join(" "))
                })
                .collect()
        };
        assert_eq!(quotes(&split), quotes(&whole));
        assert_eq!(
            caesar(&whole).map(|u| whole.utterances[u].text.contains("killed")),
            Some(true)
        );
    }

    #[test]
    fn long_label_is_cut_at_a_word_with_an_ellipsis() {
        let l = label(
            "Quote: ",
            "A real Russian does not start such an aggressive war, rape children or kill women",
        );
        assert!(l.chars().count() <= MAX_LABEL_CHARS, "{l}");
        assert!(l.starts_with("Quote: A real Russian"));
        assert!(l.ends_with("aggressive…"), "{l}");
    }

    #[test]
    fn short_label_is_kept_whole() {
        assert_eq!(label("Section: ", "Intro"), "Section: Intro");
        assert_eq!(
            label("Quote: ", "They are attacking us,"),
            "Quote: They are attacking us"
        );
    }

    #[test]
    fn one_long_word_is_cut_inside_the_word() {
        let l = label("Quote: ", &"x".repeat(200));
        assert_eq!(l.chars().count(), MAX_LABEL_CHARS);
    }

    #[test]
    fn sample_opens_with_the_title_section_and_marks_quotes() {
        let s = sample_script();
        assert_eq!(s.marks[0].kind, MarkKind::Section);
        assert_eq!(s.marks[0].first, 0);
        assert_eq!(s.marks[0].last, s.utterances.len() - 1);
        let quotes = s.marks.iter().filter(|m| m.kind == MarkKind::Quote).count();
        assert!(quotes >= 8, "{quotes} quote marks");
    }

    #[test]
    fn every_paragraph_has_a_mark_over_its_utterances() {
        let s = sample_script();
        let marks: Vec<&Mark> = s
            .marks
            .iter()
            .filter(|m| m.kind == MarkKind::Paragraph)
            .collect();
        let paragraphs = s.utterances.iter().filter_map(|u| u.paragraph).max();
        assert_eq!(Some(marks.len() - 1), paragraphs);
        for (i, mark) in marks.iter().enumerate() {
            assert!(mark.label.starts_with(&format!("Paragraph {}: ", i + 1)));
            assert!((mark.first..=mark.last).all(|u| s.utterances[u].paragraph == Some(i)));
        }
    }

    fn quote_mark_of(speaker: &str, text: &str) -> Mark {
        use crate::article::{Paragraph, Quotation, Section, Span, SpanKind};
        let article = Article {
            sections: vec![Section {
                heading: None,
                paragraphs: vec![Paragraph {
                    text: text.into(),
                    spans: vec![Span {
                        kind: SpanKind::Quote,
                        text: text.into(),
                        quotation: Some(0),
                    }],
                    sentences: vec![text.into()],
                }],
            }],
            quotations: vec![Quotation {
                text: text.into(),
                speaker: Some(speaker.into()),
                attribution: None,
            }],
            ..Article::default()
        };
        let s = build(&article, &ScriptOptions::default());
        s.marks
            .into_iter()
            .find(|m| m.kind == MarkKind::Quote)
            .unwrap()
    }

    #[test]
    fn a_known_speaker_leads_the_quote_label_and_the_note_keeps_the_whole_quote() {
        let text = "We will hold this line to the end, whatever it costs us and our families";
        let quote = quote_mark_of("Caesar", text);
        assert!(
            quote.label.starts_with("Quote: Caesar – We will hold"),
            "{}",
            quote.label
        );
        assert!(quote.label.chars().count() <= MAX_LABEL_CHARS);
        assert_eq!(quote.note, text);
    }

    #[test]
    fn a_speaker_described_at_length_leaves_the_label_to_the_quotation() {
        let text = "They are attacking us from everywhere";
        let quote = quote_mark_of("one of the Russian soldiers fighting for Ukraine", text);
        assert_eq!(quote.label, "Quote: They are attacking us from everywhere");
        assert_eq!(
            quote_mark_of("Andriy Yusov", text).label,
            format!("Quote: Andriy Yusov – {text}")
        );
    }

    #[test]
    fn quote_utterances_are_spoken_in_the_quote_role() {
        let s = sample_script();
        for mark in s.marks.iter().filter(|m| m.kind == MarkKind::Quote) {
            assert_eq!(s.utterances[mark.first].role, Role::Quote);
            assert_eq!(s.utterances[mark.last].role, Role::Quote);
        }
    }

    #[test]
    fn interrupted_quote_is_one_mark_over_three_utterances() {
        let s = sample_script();
        let zaza = s
            .marks
            .iter()
            .find(|m| m.note.starts_with("We didn’t come"))
            .unwrap();
        assert_eq!(zaza.last, zaza.first + 2);
    }

    #[test]
    fn an_unbreakable_sentence_is_spoken_in_pieces_under_the_engine_limit() {
        let sentence: String = (0..3000).map(|i| format!("clause {i} goes on, ")).collect();
        let text = format!("A Title\n\n{}and ends.\n", sentence);
        let input = InputText::new(Source::Stdin, text);
        let script = build(
            &crate::article::parse(&input).unwrap(),
            &ScriptOptions::default(),
        );
        let body: Vec<&Utterance> = script
            .utterances
            .iter()
            .filter(|u| u.paragraph.is_some())
            .collect();
        assert!(body.len() > 40, "{}", body.len());
        assert!(
            body.iter()
                .all(|u| u.text.chars().count() <= MAX_UTTERANCE_CHARS)
        );
        assert!(
            body[..body.len() - 1]
                .iter()
                .all(|u| u.text.ends_with(',') && u.pause_after_ms == CUT_PAUSE_MS)
        );
        let spoken: Vec<&str> = body.iter().map(|u| u.text.as_str()).collect();
        assert_eq!(spoken.join(" "), format!("{}and ends.", sentence));
        // One paragraph marker over all the pieces.
        let mark = script
            .marks
            .iter()
            .find(|m| m.kind == MarkKind::Paragraph)
            .unwrap();
        assert_eq!(mark.last - mark.first + 1, body.len());
    }

    #[test]
    fn no_breadcrumb_or_comment_text_is_spoken() {
        let all: String = sample_script()
            .utterances
            .iter()
            .map(|u| u.text.clone())
            .collect();
        assert!(
            !all.contains("Akismet") && !all.contains("Leave a Comment") && !all.contains("Home")
        );
        assert!(all.starts_with("The Free Russian Legion"));
    }
}
