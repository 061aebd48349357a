//! Who says each quotation, decided over the whole article once its paragraphs are built.
//!
//! In order of trust: the speech tag next to the quotation ([`speakers`]); a tag of another
//! quotation of the same paragraph (a paragraph is one speaker's turn); a pronoun tag ("he
//! said") resolved to the nearest preceding mention of a named speaker of that gender; for an
//! untagged turn of dialogue, the speaker of two turns back when the two turns before it are
//! different speakers (A-B-A); in an article that is not dialogue, a paragraph that is all
//! quotation goes on with the speaker before; a known speaker whose name opens the narration.
//! A speaker that none of these finds stays empty: a wrong name is worse than none.

use std::collections::HashMap;

use serde::Serialize;

use super::speakers::{self, Pronoun, Who};
use super::{Article, Paragraph, SpanKind, word_count};

/// How a quotation's speaker was found.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Attribution {
    /// The speech tag next to it ("…,” says Yusov).
    Tag,
    /// The tag of another quotation of the same paragraph.
    Paragraph,
    /// A pronoun tag resolved to the nearest preceding named speaker of that gender.
    Pronoun,
    /// An untagged turn of dialogue: the speaker of two turns back (A-B-A).
    Alternation,
    /// A paragraph all quotation, going on with the speaker of the paragraph before.
    Continuation,
    /// A known speaker whose name opens the paragraph's narration.
    Named,
}

impl std::fmt::Display for Attribution {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(match self {
            Attribution::Tag => "speech tag",
            Attribution::Paragraph => "tag in the same paragraph",
            Attribution::Pronoun => "pronoun",
            Attribution::Alternation => "alternation",
            Attribution::Continuation => "continues the paragraph before",
            Attribution::Named => "name opening the narration",
        })
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Gender {
    Male,
    Female,
}

/// Titles that tell a name's gender.
const MALE_TITLES: &[&str] = &[
    "mr", "mister", "sir", "lord", "monsieur", "m", "father", "uncle", "brother", "king", "prince",
    "duke", "count", "baron", "master", "signor", "herr", "don",
];
const FEMALE_TITLES: &[&str] = &[
    "mrs",
    "miss",
    "ms",
    "madame",
    "mme",
    "mademoiselle",
    "mlle",
    "lady",
    "mother",
    "aunt",
    "sister",
    "queen",
    "princess",
    "duchess",
    "countess",
    "dame",
    "frau",
    "signora",
    "senora",
    "dona",
];

/// One paragraph's quotations and tags.
struct Turn {
    /// New quotations of the paragraph (not carried over from the one before).
    quotations: Vec<usize>,
    /// Each new quotation's own tag, if any.
    tags: Vec<Option<Who>>,
    /// The paragraph opens with a quotation (a turn of dialogue).
    opens_with_quote: bool,
    /// The paragraph is all quotation.
    all_quoted: bool,
    /// Narration of the paragraph, in order.
    narration: String,
    /// The paragraph's first narration span opens with a known speaker's name.
    first_word: Option<String>,
}

/// Finds the speaker of every quotation of the article.
pub fn attribute(article: &mut Article) {
    let turns = turns(article);
    let names = Names::new(article, &turns);
    let dialogue = is_dialogue(&turns, article);
    let mut history: Vec<Option<String>> = Vec::new();
    let mut recent = Recent::default();
    let mut previous_turn: Option<String> = None;
    for turn in &turns {
        if turn.quotations.is_empty() {
            recent.read(&names, &turn.narration);
            if !turn.narration.trim().is_empty() {
                history.clear();
                previous_turn = None;
            }
            continue;
        }
        // In dialogue a new paragraph that opens with a quotation is another speaker's turn.
        let except = previous_turn
            .as_deref()
            .filter(|_| dialogue && turn.opens_with_quote);
        let own: Vec<Option<(String, Attribution)>> = turn
            .tags
            .iter()
            .zip(&turn.quotations)
            .map(|(tag, &q)| match tag {
                Some(Who::Pronoun(p)) => resolve(&names, &recent, &turn.narration, *p, except)
                    // Whom a quotation names, it addresses ("Perhaps you are right, Watson"):
                    // the speaker is someone else.
                    .filter(|s| !names.mentions(&article.quotations[q].text).contains(s))
                    .map(|s| (s, Attribution::Pronoun)),
                Some(who) => who.text().map(|s| (s.to_string(), Attribution::Tag)),
                None => None,
            })
            .collect();
        let paragraph_speaker = own.iter().flatten().next().cloned();
        let tagged = turn.tags.iter().any(Option::is_some);
        let fallback = match paragraph_speaker {
            Some((s, _)) => Some((s, Attribution::Paragraph)),
            // A tag that names nobody ("said I") still says this is not an untagged turn.
            None if tagged => None,
            None => untagged(turn, &history, dialogue, article, &names),
        };
        let mut last = None;
        for (&q, found) in turn.quotations.iter().zip(own) {
            let found = found.or_else(|| fallback.clone());
            if let Some((speaker, how)) = found {
                article.quotations[q].speaker = Some(speaker);
                article.quotations[q].attribution = Some(how);
            }
            last = article.quotations[q].speaker.clone();
        }
        recent.read(&names, &turn.narration);
        match turn.quotations.last().map(|&q| &article.quotations[q]) {
            Some(q)
                if q.attribution == Some(Attribution::Tag)
                    && names
                        .gender_of(q.speaker.as_deref().unwrap_or(""))
                        .is_none() =>
            {
                recent.described(q.speaker.as_deref().unwrap_or(""));
            }
            _ => {
                if let Some(s) = &last {
                    recent.speak(&names, s);
                }
            }
        }
        // A turn whose speaker was inferred from a pronoun is too weak to alternate from.
        let inferred = turn
            .quotations
            .last()
            .is_some_and(|&q| article.quotations[q].attribution == Some(Attribution::Pronoun));
        previous_turn.clone_from(&last);
        history.push(last.filter(|_| !inferred));
    }
}

/// The speaker of a paragraph none of whose quotations has a tag.
fn untagged(
    turn: &Turn,
    history: &[Option<String>],
    dialogue: bool,
    article: &Article,
    names: &Names,
) -> Option<(String, Attribution)> {
    let n = history.len();
    if turn.opens_with_quote
        && n >= 2
        && let (Some(a), Some(b)) = (&history[n - 2], &history[n - 1])
    {
        let addressed = turn
            .quotations
            .iter()
            .any(|&q| names.mentions(&article.quotations[q].text).contains(a));
        if a != b && names.is_named(a) && names.is_named(b) && !addressed {
            return Some((a.clone(), Attribution::Alternation));
        }
    }
    if dialogue {
        return None;
    }
    if turn.all_quoted
        && let Some(Some(previous)) = history.last()
    {
        return Some((previous.clone(), Attribution::Continuation));
    }
    let known = article
        .quotations
        .iter()
        .filter_map(|q| q.speaker.as_deref());
    turn.first_word
        .as_deref()
        .and_then(|w| known.into_iter().find(|k| *k == w))
        .map(|k| (k.to_string(), Attribution::Named))
}

/// A pronoun tag's speaker: the latest mention of a named speaker of that gender in the
/// paragraph's narration or the recent text; unknown for other pronouns and unknown genders.
fn resolve(
    names: &Names,
    recent: &Recent,
    narration: &str,
    pronoun: Pronoun,
    except: Option<&str>,
) -> Option<String> {
    let gender = match pronoun {
        Pronoun::He => Gender::Male,
        Pronoun::She => Gender::Female,
        Pronoun::Other => return None,
    };
    let mut here = recent.clone();
    here.read(names, narration);
    here.latest_except(gender, except)
}

/// The latest mention of a named speaker of each gender, as the text goes on.
/// A named speaker of unknown gender mentioned after them makes the pronoun ambiguous.
#[derive(Debug, Clone, Default)]
struct Recent {
    male: Option<(String, usize)>,
    female: Option<(String, usize)>,
    /// When someone without a name who may be "he" was last mentioned ("a little man").
    other_male: usize,
    /// When someone without a name who may be "she" was last mentioned.
    other_female: usize,
    clock: usize,
}

/// Nouns for people that make "he" or "she" ambiguous when a description uses them ("the
/// little man said"; "a high piping voice").
const MALE_NOUNS: &[&str] = &[
    "man",
    "men",
    "fellow",
    "gentleman",
    "boy",
    "lad",
    "husband",
    "father",
    "son",
    "brother",
    "inspector",
    "officer",
    "constable",
    "servant",
    "stranger",
    "voice",
    "driver",
    "sailor",
    "policeman",
    "doctor",
    "waiter",
    "old",
    "youth",
];
const FEMALE_NOUNS: &[&str] = &[
    "woman",
    "women",
    "lady",
    "girl",
    "wife",
    "mother",
    "daughter",
    "sister",
    "maid",
    "housekeeper",
    "servant",
    "stranger",
    "voice",
    "nurse",
    "widow",
    "old",
];

impl Recent {
    fn read(&mut self, names: &Names, text: &str) {
        for name in names.mentions(text) {
            self.speak(names, &name);
        }
        let words: Vec<String> = text.split_whitespace().map(bare).collect();
        for (i, w) in words.iter().enumerate() {
            let article = words[i.saturating_sub(4)..i]
                .iter()
                .any(|a| a == "a" || a == "an" || a == "the");
            if article {
                self.describe(w);
            }
        }
    }

    /// A person described, not named: "he" or "she" may now be them.
    fn describe(&mut self, noun: &str) {
        let male = MALE_NOUNS.contains(&noun);
        let female = FEMALE_NOUNS.contains(&noun);
        if male || female {
            self.clock += 1;
        }
        if male {
            self.other_male = self.clock;
        }
        if female {
            self.other_female = self.clock;
        }
    }

    /// A speaker given by a description: the nouns it holds, or anyone when it has none.
    fn described(&mut self, description: &str) {
        let before = self.clock;
        for w in description.split_whitespace() {
            self.describe(&bare(w));
        }
        if self.clock == before {
            self.clock += 1;
            self.other_male = self.clock;
            self.other_female = self.clock;
        }
    }

    fn speak(&mut self, names: &Names, name: &str) {
        self.clock += 1;
        let mention = Some((name.to_string(), self.clock));
        match names.gender_of(name) {
            Some(Gender::Male) => self.male = mention,
            Some(Gender::Female) => self.female = mention,
            None => {
                self.other_male = self.clock;
                self.other_female = self.clock;
            }
        }
    }

    /// The latest named speaker of that gender, unless it is `except` (the speaker of the turn
    /// before: a new paragraph of dialogue is another speaker's, so the pronoun is left empty).
    fn latest_except(&self, gender: Gender, except: Option<&str>) -> Option<String> {
        let (latest, other) = match gender {
            Gender::Male => (&self.male, self.other_male),
            Gender::Female => (&self.female, self.other_female),
        };
        latest
            .as_ref()
            .filter(|(name, at)| *at > other && Some(name.as_str()) != except)
            .map(|(name, _)| name.clone())
    }
}

/// The named speakers of the article (from tags), how the text mentions them and their gender.
struct Names {
    /// A name's last word ("Pontellier") → the tagged names ending in it.
    by_last: HashMap<String, Vec<String>>,
    gender: HashMap<String, Gender>,
}

impl Names {
    fn new(article: &Article, turns: &[Turn]) -> Names {
        let mut count: HashMap<String, usize> = HashMap::new();
        for turn in turns {
            for tag in turn.tags.iter().flatten() {
                if let Who::Named(n) = tag {
                    *count.entry(n.clone()).or_default() += 1;
                }
            }
        }
        let mut by_last: HashMap<String, Vec<String>> = HashMap::new();
        for name in count.keys() {
            if let Some(last) = name
                .split(' ')
                .next_back()
                .filter(|l| l.chars().count() >= 2)
            {
                by_last
                    .entry(last.to_string())
                    .or_default()
                    .push(name.clone());
            }
        }
        let mut names = Names {
            by_last,
            gender: HashMap::new(),
        };
        names.learn_genders(article, &count);
        names
    }

    /// A name's gender from its title, else from the pronouns that follow its mentions in the
    /// text ("Holmes took his bottle …"): at least two votes and twice as many for one side.
    fn learn_genders(&mut self, article: &Article, count: &HashMap<String, usize>) {
        let mut votes: HashMap<String, (usize, usize)> = HashMap::new();
        for p in article.sections.iter().flat_map(|s| &s.paragraphs) {
            let narration = narration_of(p);
            let words: Vec<&str> = narration.split_whitespace().collect();
            for (i, name) in self.mention_positions(&words) {
                let follow = words[i + 1..].iter().take(12).map(|w| bare(w));
                for w in follow {
                    let v = votes.entry(name.clone()).or_default();
                    match w.as_str() {
                        "he" | "himself" => {
                            v.0 += 1;
                            break;
                        }
                        "she" | "herself" => {
                            v.1 += 1;
                            break;
                        }
                        _ => {}
                    }
                }
            }
        }
        for name in count.keys() {
            let title = name.split(' ').next().map(bare).unwrap_or_default();
            let gender = if MALE_TITLES.contains(&title.as_str()) && name.contains(' ') {
                Some(Gender::Male)
            } else if FEMALE_TITLES.contains(&title.as_str()) && name.contains(' ') {
                Some(Gender::Female)
            } else {
                let (m, f) = votes.get(name).copied().unwrap_or_default();
                if m >= 2 && m >= 2 * f {
                    Some(Gender::Male)
                } else if f >= 2 && f >= 2 * m {
                    Some(Gender::Female)
                } else {
                    None
                }
            };
            if let Some(g) = gender {
                self.gender.insert(name.clone(), g);
            }
        }
    }

    /// Whether a speech tag gave `speaker` as a name (not a description).
    fn is_named(&self, speaker: &str) -> bool {
        speaker
            .split(' ')
            .next_back()
            .and_then(|last| self.by_last.get(last))
            .is_some_and(|names| names.iter().any(|n| n == speaker))
    }

    fn gender_of(&self, name: &str) -> Option<Gender> {
        self.gender.get(name).copied()
    }

    /// The named speakers mentioned in `text`, in order.
    fn mentions(&self, text: &str) -> Vec<String> {
        let words: Vec<&str> = text.split_whitespace().collect();
        self.mention_positions(&words)
            .into_iter()
            .map(|(_, n)| n)
            .collect()
    }

    /// (word index, name) of each mention: a word that ends a tagged name, read with the title
    /// before it when that tells which of several names it is ("Mrs. Pontellier").
    fn mention_positions(&self, words: &[&str]) -> Vec<(usize, String)> {
        let mut out = Vec::new();
        for (i, word) in words.iter().enumerate() {
            let key = word
                .trim_matches(|c: char| !c.is_alphanumeric())
                .trim_end_matches("’s")
                .trim_end_matches("'s");
            let Some(candidates) = self.by_last.get(key) else {
                continue;
            };
            let found = if candidates.len() == 1 {
                Some(candidates[0].clone())
            } else {
                let title = i
                    .checked_sub(1)
                    .map(|j| words[j].trim_start_matches(|c: char| !c.is_alphanumeric()))
                    .unwrap_or("");
                candidates
                    .iter()
                    .find(|c| c.starts_with(title) && !title.is_empty())
                    .or_else(|| candidates.iter().find(|c| c.as_str() == key))
                    .cloned()
            };
            if let Some(name) = found {
                out.push((i, name));
            }
        }
        out
    }
}

fn bare(word: &str) -> String {
    word.trim_matches(|c: char| !c.is_alphanumeric())
        .to_lowercase()
}

fn narration_of(p: &Paragraph) -> String {
    p.spans
        .iter()
        .filter(|s| s.kind == SpanKind::Narration)
        .map(|s| s.text.as_str())
        .collect::<Vec<_>>()
        .join(" ")
}

/// Each paragraph of the article as a turn, with the tag of each of its new quotations.
fn turns(article: &Article) -> Vec<Turn> {
    let mut seen = vec![false; article.quotations.len()];
    let mut out = Vec::new();
    for p in article.sections.iter().flat_map(|s| &s.paragraphs) {
        let spans = &p.spans;
        let narration = |i: usize| {
            spans
                .get(i)
                .filter(|s| s.kind == SpanKind::Narration)
                .map(|s| s.text.as_str())
        };
        let mut turn = Turn {
            quotations: Vec::new(),
            tags: Vec::new(),
            opens_with_quote: spans.first().is_some_and(|s| s.kind == SpanKind::Quote),
            all_quoted: spans
                .iter()
                .all(|s| s.kind == SpanKind::Quote || !s.text.chars().any(char::is_alphanumeric)),
            narration: narration_of(p),
            first_word: spans
                .iter()
                .find(|s| s.kind == SpanKind::Narration)
                .and_then(|s| s.text.split([' ', ',']).next())
                .map(str::to_string),
        };
        for (i, span) in spans.iter().enumerate() {
            let Some(q) = span.quotation else { continue };
            let tag = narration(i + 1).and_then(speakers::after).or_else(|| {
                i.checked_sub(1)
                    .and_then(narration)
                    .and_then(speakers::before)
            });
            if let Some(slot) = seen.get_mut(q).filter(|s| !**s) {
                *slot = true;
                if article.quotations[q].speaker.is_none() {
                    turn.quotations.push(q);
                    turn.tags.push(tag);
                }
            } else if let Some(k) = turn.quotations.iter().position(|&x| x == q) {
                // A later part of a quotation of this paragraph: its tag counts too.
                if turn.tags[k].is_none() {
                    turn.tags[k] = tag;
                }
            }
        }
        out.push(turn);
    }
    out
}

/// Whether the article is dialogue (fiction): at least ten turns that open with a short
/// quotation (six words or fewer), and they are at least a tenth of its quotations. News quotes
/// at length and rarely in short turns.
fn is_dialogue(turns: &[Turn], article: &Article) -> bool {
    let short_turns = turns
        .iter()
        .filter(|t| t.opens_with_quote)
        .filter_map(|t| t.quotations.first())
        .filter(|&&q| word_count(&article.quotations[q].text) <= 6)
        .count();
    short_turns >= 10 && 10 * short_turns >= article.quotations.len()
}

#[cfg(test)]
mod tests {
    use crate::article::text;

    fn speakers(text: &str) -> Vec<Option<String>> {
        text::parse(text, true)
            .quotations
            .iter()
            .map(|q| q.speaker.clone())
            .collect()
    }

    #[test]
    fn a_pronoun_tag_is_the_nearest_named_speaker_of_that_gender() {
        let story = "Title\n\n\"Come in,\" said Holmes. He was smiling. Holmes knew that he was right.\n\n\
                     \"I came as soon as I could,\" said Mary Morstan. She sat. Mary Morstan was sure she was late.\n\n\
                     \"Sit down,\" he said.\n\n\"Thank you,\" she answered.\n";
        assert_eq!(
            speakers(story),
            vec![
                Some("Holmes".into()),
                Some("Mary Morstan".into()),
                Some("Holmes".into()),
                Some("Mary Morstan".into())
            ]
        );
    }

    #[test]
    fn a_pronoun_with_nobody_of_that_gender_known_stays_empty() {
        let story = "Title\n\n\"Come in,\" said the little man.\n\n\"Sit down,\" he said.\n";
        assert_eq!(speakers(story)[1], None);
    }

    #[test]
    fn untagged_turns_alternate_between_the_two_speakers_before() {
        let mut story = String::from("Title\n\n");
        for i in 0..6 {
            story.push_str(&format!("\"Is it so, number {i}?\" asked Alice.\n\n"));
        }
        story.push_str(
            "\"Where are you going?\" asked Alice.\n\n\"To the river,\" said Bob.\n\n\
                        \"Why the river?\"\n\n\"Because it is there.\"\n",
        );
        let s = speakers(&story);
        let n = s.len();
        assert_eq!(s[n - 2].as_deref(), Some("Alice"));
        assert_eq!(s[n - 1].as_deref(), Some("Bob"));
    }

    #[test]
    fn in_dialogue_a_new_turn_is_not_the_speaker_of_the_turn_before() {
        let mut story = String::from(
            "Title\n\nHolmes was at the window. He turned. Holmes knew he was late.\n\n",
        );
        for i in 0..10 {
            story.push_str(&format!("\"Number {i}?\" said Holmes.\n\n"));
        }
        story.push_str("\"I cannot say,\" he answered.\n");
        let s = speakers(&story);
        assert_eq!(s[9].as_deref(), Some("Holmes"));
        assert_eq!(s[10], None, "{s:?}");
    }

    #[test]
    fn a_pronoun_never_names_whom_the_quotation_addresses() {
        let story = "Title\n\n\"Come in,\" said Holmes. He was smiling. Holmes knew that he was right.\n\n\
                     Holmes sat down by the fire.\n\n\"You are right, Holmes,\" he said.\n";
        let s = speakers(story);
        assert_eq!(s[0].as_deref(), Some("Holmes"));
        assert_eq!(s[1], None, "{s:?}");
    }

    #[test]
    fn a_quotation_of_the_same_paragraph_shares_its_tag() {
        let s = speakers(
            "Title\n\n\"I know it well.\" Alice said it slowly. \"It will rain before noon today.\"\n",
        );
        assert_eq!(s, vec![Some("Alice".into()), Some("Alice".into())]);
    }
}
