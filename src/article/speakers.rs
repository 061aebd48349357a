//! Who is quoted, as the speech tag next to a quotation names it: "…,” says Yusov; “…,” a soldier
//! who calls himself Miami says; Caesar said: “…”; "…," said the little man; "…," Alice replied,
//! rather shyly; "…," he said. The tag gives a name, a description or a pronoun ([`Who`]); the
//! document-level pass (`attribution`) resolves pronouns and untagged turns.

/// Speech verbs of news and of fiction, in the forms tags use (past and present).
const VERBS: &[&str] = &[
    "acknowledged",
    "acquiesced",
    "added",
    "adds",
    "admits",
    "admitted",
    "affirmed",
    "agreed",
    "agrees",
    "announced",
    "answered",
    "answers",
    "argued",
    "argues",
    "asked",
    "asks",
    "assented",
    "asserted",
    "assured",
    "barked",
    "bawled",
    "began",
    "begged",
    "bellowed",
    "blurted",
    "boomed",
    "breathed",
    "called",
    "calls",
    "cautioned",
    "chimed",
    "chuckled",
    "claimed",
    "claims",
    "commanded",
    "complained",
    "conceded",
    "concluded",
    "concludes",
    "confessed",
    "confided",
    "continued",
    "continues",
    "corrected",
    "countered",
    "cried",
    "cries",
    "declared",
    "declares",
    "demanded",
    "demands",
    "drawled",
    "echoed",
    "ejaculated",
    "enquired",
    "entreated",
    "exclaimed",
    "exclaims",
    "explained",
    "explains",
    "faltered",
    "gasped",
    "gasps",
    "groaned",
    "growled",
    "grumbled",
    "grunted",
    "hazarded",
    "hissed",
    "howled",
    "implored",
    "inquired",
    "inquires",
    "insisted",
    "insists",
    "instructed",
    "interjected",
    "interposed",
    "interrupted",
    "interrupts",
    "jeered",
    "joked",
    "laughed",
    "laughs",
    "marveled",
    "marvelled",
    "mocked",
    "mumbled",
    "murmured",
    "murmurs",
    "mused",
    "muttered",
    "mutters",
    "noted",
    "notes",
    "objected",
    "observed",
    "observes",
    "offered",
    "ordered",
    "panted",
    "persisted",
    "pleaded",
    "pleads",
    "proceeded",
    "promised",
    "protested",
    "protests",
    "pursued",
    "queried",
    "questioned",
    "quoth",
    "recalled",
    "recalls",
    "reflected",
    "reiterated",
    "rejoined",
    "remarked",
    "remarks",
    "remonstrated",
    "repeated",
    "repeats",
    "replied",
    "replies",
    "reported",
    "responded",
    "responds",
    "resumed",
    "resumes",
    "retorted",
    "returned",
    "roared",
    "said",
    "saying",
    "says",
    "scoffed",
    "screamed",
    "shouted",
    "shouts",
    "shrieked",
    "sighed",
    "snapped",
    "snarled",
    "sneered",
    "sobbed",
    "spoke",
    "stammered",
    "stipulated",
    "stuttered",
    "suggested",
    "suggests",
    "teased",
    "tells",
    "thinks",
    "thought",
    "told",
    "urged",
    "ventured",
    "volunteered",
    "wailed",
    "warned",
    "warns",
    "wheezed",
    "whimpered",
    "whispered",
    "whispers",
    "writes",
    "wrote",
    "yelled",
];

/// Verbs that are speech verbs with a particle: "went on", "broke in", "put in", "cut in".
const PHRASAL: &[(&str, &str)] = &[
    ("went", "on"),
    ("goes", "on"),
    ("broke", "in"),
    ("breaks", "in"),
    ("put", "in"),
    ("cut", "in"),
];

/// Words after which a name follows in a description ("a soldier who calls himself Miami").
const NAMING: [&str; 6] = ["is", "himself", "herself", "named", "called", "themselves"];

/// Words that open a description ("the little man", "one of the soldiers", "his wife").
const DETERMINERS: &[&str] = &[
    "a", "an", "the", "one", "his", "her", "my", "our", "their", "its", "this", "that", "another",
    "some", "each", "every", "both",
];

/// Words that end a description: prepositions, conjunctions, relative pronouns.
const STOPPERS: &[&str] = &[
    "to",
    "with",
    "in",
    "at",
    "from",
    "for",
    "into",
    "upon",
    "on",
    "as",
    "after",
    "before",
    "without",
    "through",
    "under",
    "over",
    "and",
    "but",
    "or",
    "who",
    "whose",
    "which",
    "that",
    "when",
    "while",
    "where",
    "then",
    "again",
    "too",
    "still",
    "softly",
    "now",
    "presently",
];

/// Abbreviations that do not end a sentence or a name ("Mrs. Costello", "Dr. Watson").
const ABBREVIATIONS: &[&str] = &[
    "mr.", "mrs.", "ms.", "dr.", "st.", "mme.", "mlle.", "messrs.", "capt.", "col.", "gen.",
    "prof.", "rev.", "sgt.", "lt.", "jr.", "sr.", "m.", "hon.", "gov.", "sen.", "rep.",
];

/// A pronoun as speaker: resolved later to a named speaker of that gender, or left unknown.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Pronoun {
    /// "he".
    He,
    /// "she".
    She,
    /// "I", "we", "they", "you", "one": nobody the tag can name.
    Other,
}

/// What a speech tag says of the speaker.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Who {
    /// A name ("Holmes", "Mrs. Costello", "Zaza").
    Named(String),
    /// A description without a name ("the little man", "one of the Russian soldiers").
    Described(String),
    /// A pronoun.
    Pronoun(Pronoun),
}

impl Who {
    /// The speaker text, for a name or a description.
    pub fn text(&self) -> Option<&str> {
        match self {
            Who::Named(s) | Who::Described(s) => Some(s),
            Who::Pronoun(_) => None,
        }
    }
}

/// Whether narration that follows a quotation opens with a speech tag.
pub fn tag_follows(narration: &str) -> bool {
    after(narration).is_some()
}

/// Whether narration that leads into a quotation ends with a speech tag.
pub fn tag_leads(narration: &str) -> bool {
    before(narration).is_some()
}

/// The speaker named by the tag that opens the narration after a quotation ("says Yusov, to
/// explain …"; "Alice replied, rather shyly"; "he said"). The verb must come within the first
/// seven words of the narration's first sentence.
pub fn after(narration: &str) -> Option<Who> {
    let words = first_sentence(narration);
    let (verb, len) = (0..words.len().min(7)).find_map(|i| verb_at(&words, i).map(|n| (i, n)))?;
    if verb == 0 {
        return noun_phrase(&words[len..]);
    }
    subject(&words[..verb])
}

/// The speaker named by narration that leads into a quotation ("Caesar said:"; "said the
/// Hatter,"), which must end with a colon or a comma.
pub fn before(narration: &str) -> Option<Who> {
    let trimmed = narration.trim_end();
    if !trimmed.ends_with([':', ',']) {
        return None;
    }
    let all: Vec<&str> = trimmed.split_whitespace().collect();
    let start = all[..all.len().saturating_sub(1)]
        .iter()
        .rposition(|w| ends_sentence(w))
        .map_or(0, |i| i + 1);
    let words = &all[start..];
    let (verb, len) = (0..words.len())
        .rev()
        .find_map(|i| verb_at(words, i).map(|n| (i, n)))?;
    if verb + len < words.len()
        && let Some(who) = noun_phrase(&words[verb + len..])
    {
        return Some(who);
    }
    let from = words[..verb]
        .iter()
        .rposition(|w| w.ends_with([',', ';']))
        .map_or(0, |i| i + 1);
    subject(&words[from..verb])
}

fn bare(word: &str) -> String {
    word.trim_matches(|c: char| !c.is_alphanumeric())
        .to_lowercase()
}

/// Whether `text` holds a speech verb ("She drew her brows together and said abruptly").
pub fn has_speech_verb(text: &str) -> bool {
    let words: Vec<&str> = text.split_whitespace().collect();
    (0..words.len()).any(|i| verb_at(&words, i).is_some())
}

/// The number of words of the speech verb at `i`, if there is one.
fn verb_at(words: &[&str], i: usize) -> Option<usize> {
    let w = bare(words[i]);
    if VERBS.binary_search(&w.as_str()).is_ok() {
        return Some(1);
    }
    let next = words.get(i + 1).map(|n| bare(n))?;
    PHRASAL
        .iter()
        .any(|(v, p)| *v == w && *p == next)
        .then_some(2)
}

fn is_abbreviation(word: &str) -> bool {
    let lower = word.to_lowercase();
    ABBREVIATIONS.contains(&lower.as_str())
        || (lower.len() == 2 && lower.ends_with('.') && word.starts_with(char::is_uppercase))
}

fn ends_sentence(word: &str) -> bool {
    let w = word.trim_end_matches(['"', '”', '’', '\'', ')', '_']);
    w.ends_with(['.', '!', '?', ';']) && !is_abbreviation(w)
}

/// The words of the narration's first sentence (at most 30).
fn first_sentence(narration: &str) -> Vec<&str> {
    let mut out = Vec::new();
    for word in narration.split_whitespace().take(30) {
        out.push(word);
        if ends_sentence(word) {
            break;
        }
    }
    out
}

fn is_capitalized(word: &str) -> bool {
    word.trim_start_matches(|c: char| !c.is_alphanumeric())
        .chars()
        .next()
        .is_some_and(char::is_uppercase)
}

fn pronoun(word: &str) -> Option<Pronoun> {
    match bare(word).as_str() {
        "he" => Some(Pronoun::He),
        "she" => Some(Pronoun::She),
        "i" | "we" | "they" | "you" | "it" | "someone" | "somebody" | "everyone" => {
            Some(Pronoun::Other)
        }
        _ => None,
    }
}

fn trim_word(word: &str) -> &str {
    let w = word.trim_start_matches(['"', '“', '‘', '(', '_', '—', '–']);
    if is_abbreviation(w) {
        w
    } else {
        w.trim_end_matches(|c: char| !c.is_alphanumeric())
    }
}

/// The clause: words up to and including the first that ends with a comma or a full stop.
fn clause<'a>(words: &[&'a str]) -> Vec<&'a str> {
    let end = words
        .iter()
        .position(|w| {
            let t = w.trim_end_matches(['"', '”', '’', ')', '_']);
            t.ends_with([',', ';', ':', '!', '?', '—']) || (t.ends_with('.') && !is_abbreviation(t))
        })
        .map_or(words.len(), |i| i + 1);
    words[..end].iter().map(|w| trim_word(w)).collect()
}

/// A name: a run of capitalized words (titles such as "Mrs." included), at most five.
fn name_run<'a>(words: &[&'a str]) -> Vec<&'a str> {
    let mut run: Vec<&str> = words
        .iter()
        .take_while(|w| is_capitalized(w) && pronoun(w).is_none())
        .take(5)
        .copied()
        .collect();
    while run.last().is_some_and(|w| is_abbreviation(w)) {
        run.pop();
    }
    run
}

/// The speaker after a verb: a pronoun ("said he"), a name ("said Mrs. Costello, smiling"), a
/// description cut before its prepositional phrase or participle ("said the little man, still
/// jerking"; "gasps one of the Russian soldiers fighting for Ukraine"), or a name inside a
/// description ("says a soldier whose nom de guerre is Zaza").
fn noun_phrase(words: &[&str]) -> Option<Who> {
    let clause = clause(words);
    let first = *clause.first()?;
    if let Some(p) = pronoun(first) {
        return Some(Who::Pronoun(p));
    }
    if let Some(i) = clause
        .iter()
        .rposition(|w| NAMING.contains(&w.to_lowercase().as_str()))
    {
        let named = name_run(&clause[i + 1..]);
        if !named.is_empty() {
            return Some(Who::Named(named.join(" ")));
        }
    }
    let name = name_run(&clause);
    if !name.is_empty() {
        return Some(Who::Named(name.join(" ")));
    }
    description(&clause)
}

/// "the Mock Turtle", "one of the Russian soldiers": a determiner and the words after it, up to a
/// preposition, a conjunction, an adverb or a participle.
fn description(clause: &[&str]) -> Option<Who> {
    let first = clause.first()?.to_lowercase();
    if !DETERMINERS.contains(&first.as_str()) {
        return None;
    }
    let mut words = vec![clause[0]];
    for w in &clause[1..] {
        let lower = w.to_lowercase();
        let stop = STOPPERS.contains(&lower.as_str())
            || (!is_capitalized(w) && (lower.ends_with("ly") || lower.ends_with("ing")));
        if stop || words.len() >= 8 {
            break;
        }
        words.push(w);
    }
    (words.len() >= 2).then(|| Who::Described(words.join(" ")))
}

/// The subject before a speech verb ("Zaza", "the Hatter", "he", "a soldier who calls himself
/// Miami"), adverbs between them dropped ("he quietly said").
fn subject(words: &[&str]) -> Option<Who> {
    let mut words: Vec<&str> = words.iter().map(|w| trim_word(w)).collect();
    // Adverbs and auxiliaries between the subject and the verb ("he quietly said", "Adye was
    // saying").
    while words.last().is_some_and(|w| {
        let lower = w.to_lowercase();
        (lower.ends_with("ly") && !is_capitalized(w))
            || ["was", "were", "is", "had", "has", "then", "now"].contains(&lower.as_str())
    }) {
        words.pop();
    }
    if words.is_empty() || words.len() > 8 {
        return None;
    }
    if words.len() == 1
        && let Some(p) = pronoun(words[0])
    {
        return Some(Who::Pronoun(p));
    }
    if let Some(i) = words
        .iter()
        .rposition(|w| NAMING.contains(&w.to_lowercase().as_str()))
    {
        let named = name_run(&words[i + 1..]);
        if !named.is_empty() {
            return Some(Who::Named(named.join(" ")));
        }
    }
    let name = name_run(&words);
    if !name.is_empty() && name.len() == words.len() {
        return Some(Who::Named(name.join(" ")));
    }
    match description(&words) {
        Some(Who::Described(d)) if d.split(' ').count() == words.len() => Some(Who::Described(d)),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn name(s: &str) -> Option<Who> {
        Some(Who::Named(s.to_string()))
    }

    #[test]
    fn verbs_are_sorted_for_binary_search() {
        assert!(VERBS.windows(2).all(|w| w[0] < w[1]), "VERBS is not sorted");
    }

    #[test]
    fn says_then_a_name() {
        assert_eq!(
            after("says Yusov, to explain what motivated it."),
            name("Yusov")
        );
        assert_eq!(after("says Cesar, 50."), name("Cesar"));
    }

    #[test]
    fn a_name_inside_a_description() {
        assert_eq!(
            after("says a soldier whose nom de guerre is Zaza."),
            name("Zaza")
        );
        assert_eq!(
            after(
                "says a 32-year-old soldier who calls himself Miami, adding that his parents urged him."
            ),
            name("Miami")
        );
        assert_eq!(
            after("says a Russian fighter whose nom de guerre is Caesar, listing the atrocities."),
            name("Caesar")
        );
    }

    #[test]
    fn a_description_is_cut_before_its_participle_and_prepositions() {
        assert_eq!(
            after("gasps one of the Russian soldiers fighting for Ukraine, seeking refuge."),
            Some(Who::Described("one of the Russian soldiers".into()))
        );
        assert_eq!(
            after("said the little man, still jerking and smiling."),
            Some(Who::Described("the little man".into()))
        );
        assert_eq!(
            after("said the Mock Turtle to Alice."),
            Some(Who::Described("the Mock Turtle".into()))
        );
    }

    #[test]
    fn the_name_before_the_verb() {
        assert_eq!(after("Zaza says."), name("Zaza"));
        assert_eq!(before("Later, Caesar said:"), name("Caesar"));
        assert_eq!(
            after("Alice replied, rather shyly, for she was not sure."),
            name("Alice")
        );
    }

    #[test]
    fn titles_do_not_end_a_name() {
        assert_eq!(after("said Mrs. Costello, smiling."), name("Mrs. Costello"));
        assert_eq!(after("ejaculated Miss Miller."), name("Miss Miller"));
        assert_eq!(
            after("remarked Holmes, shrugging his shoulders."),
            name("Holmes")
        );
    }

    #[test]
    fn fiction_verbs_are_speech_verbs() {
        assert_eq!(
            after("cried the Gryphon."),
            Some(Who::Described("the Gryphon".into()))
        );
        assert_eq!(after("Holmes went on."), name("Holmes"));
        assert_eq!(after("exclaimed Mr. Pontellier."), name("Mr. Pontellier"));
    }

    #[test]
    fn a_pronoun_is_a_pronoun_not_a_name() {
        assert_eq!(after("she said."), Some(Who::Pronoun(Pronoun::She)));
        assert_eq!(after("said he."), Some(Who::Pronoun(Pronoun::He)));
        assert_eq!(
            after("I answered, brusquely."),
            Some(Who::Pronoun(Pronoun::Other))
        );
        assert_eq!(after("he quietly said."), Some(Who::Pronoun(Pronoun::He)));
    }

    #[test]
    fn an_auxiliary_between_the_name_and_the_verb_is_dropped() {
        assert_eq!(after("Adye was saying."), name("Adye"));
        assert_eq!(
            after("stipulated the stranger."),
            Some(Who::Described("the stranger".into()))
        );
    }

    #[test]
    fn narration_without_a_speech_verb_names_nobody() {
        assert_eq!(after("and then the shelling began again."), None);
        assert_eq!(before("He paused."), None);
        assert_eq!(
            after("He smiled at my vehemence. Then he said nothing."),
            None
        );
        assert_eq!(
            after("to the astonishment of everyone who was there, he said."),
            None
        );
    }
}
