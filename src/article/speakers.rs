//! Who is quoted: the attribution next to a quotation ("…,” says Yusov; “…,” a soldier who
//! calls himself Miami says; Caesar said: “…”).

const VERBS: [&str; 40] = [
    "says",
    "said",
    "asks",
    "asked",
    "adds",
    "added",
    "gasps",
    "gasped",
    "explains",
    "explained",
    "tells",
    "told",
    "recalls",
    "recalled",
    "insists",
    "insisted",
    "continues",
    "continued",
    "notes",
    "noted",
    "writes",
    "wrote",
    "argues",
    "argued",
    "shouts",
    "shouted",
    "whispers",
    "whispered",
    "replies",
    "replied",
    "laughs",
    "laughed",
    "concludes",
    "concluded",
    "warns",
    "warned",
    "admits",
    "admitted",
    "claims",
    "claimed",
];

/// Words after which a name follows in a description ("a soldier who calls himself Miami").
const NAMING: [&str; 6] = ["is", "himself", "herself", "named", "called", "themselves"];

/// The speaker named by narration that follows a quotation ("says Yusov, to explain …").
pub fn after(narration: &str) -> Option<String> {
    let words: Vec<&str> = narration.split_whitespace().collect();
    let verb = words.iter().position(|w| is_verb(w))?;
    if verb == 0 {
        // “…,” says X: the clause after the verb.
        return from_clause(&words[1..]);
    }
    // “…,” X says: the words before the verb, if they are a short name or description.
    let subject = &words[..verb];
    (subject.len() <= 8).then(|| clause_text(subject)).flatten()
}

/// The speaker named by narration that leads into a quotation ("Caesar said:").
pub fn before(narration: &str) -> Option<String> {
    let trimmed = narration.trim_end();
    if !trimmed.ends_with([':', ',']) {
        return None;
    }
    let words: Vec<&str> = trimmed
        .trim_end_matches([':', ','])
        .split_whitespace()
        .collect();
    let verb = words.iter().rposition(|w| is_verb(w))?;
    if verb + 1 == words.len() {
        let start = words[..verb]
            .iter()
            .rposition(|w| w.ends_with(['.', ',']))
            .map_or(0, |i| i + 1);
        let subject = &words[start..verb];
        (1..=6)
            .contains(&subject.len())
            .then(|| clause_text(subject))
            .flatten()
    } else {
        from_clause(&words[verb + 1..])
    }
}

fn is_verb(word: &str) -> bool {
    VERBS.contains(
        &word
            .trim_matches(|c: char| !c.is_alphabetic())
            .to_lowercase()
            .as_str(),
    )
}

/// A name at the start of the clause, else a name after "is"/"calls himself", else the clause
/// itself as a description. The clause ends at the first comma or full stop.
fn from_clause(words: &[&str]) -> Option<String> {
    let end = words
        .iter()
        .position(|w| w.ends_with([',', '.', ';', ':']))
        .map_or(words.len(), |i| i + 1);
    let clause: Vec<&str> = words[..end]
        .iter()
        .map(|w| w.trim_end_matches([',', '.', ';', ':']))
        .collect();
    let leading = capitalized_run(&clause);
    if !leading.is_empty() {
        return Some(leading.join(" "));
    }
    if let Some(i) = clause
        .iter()
        .rposition(|w| NAMING.contains(&w.to_lowercase().as_str()))
    {
        let named = capitalized_run(&clause[i + 1..]);
        if !named.is_empty() {
            return Some(named.join(" "));
        }
    }
    (clause.len() <= 10).then(|| clause_text(&clause)).flatten()
}

fn capitalized_run<'a>(words: &[&'a str]) -> Vec<&'a str> {
    words
        .iter()
        .take_while(|w| w.chars().next().is_some_and(char::is_uppercase))
        .copied()
        .collect()
}

/// Pronouns name nobody: "she said" leaves the speaker unknown.
const PRONOUNS: [&str; 9] = [
    "he", "she", "they", "i", "we", "it", "you", "one", "someone",
];

fn clause_text(words: &[&str]) -> Option<String> {
    let text = words
        .join(" ")
        .trim_matches([',', '.', ';', ':', ' '])
        .to_string();
    let pronoun = PRONOUNS.contains(&text.to_lowercase().as_str());
    (!text.is_empty() && !pronoun && text.chars().any(char::is_alphabetic)).then_some(text)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn says_then_a_name() {
        assert_eq!(
            after("says Yusov, to explain what motivated it.").as_deref(),
            Some("Yusov")
        );
        assert_eq!(after("says Cesar, 50.").as_deref(), Some("Cesar"));
    }

    #[test]
    fn a_name_inside_a_description() {
        assert_eq!(
            after("says a soldier whose nom de guerre is Zaza.").as_deref(),
            Some("Zaza")
        );
        assert_eq!(
            after("says a 32-year-old soldier who calls himself Miami, adding that his parents urged him.").as_deref(),
            Some("Miami")
        );
        assert_eq!(
            after("says a Russian fighter whose nom de guerre is Caesar, listing the atrocities.")
                .as_deref(),
            Some("Caesar")
        );
    }

    #[test]
    fn a_description_without_a_name() {
        assert_eq!(
            after("gasps one of the Russian soldiers fighting for Ukraine, seeking refuge.")
                .as_deref(),
            Some("one of the Russian soldiers fighting for Ukraine")
        );
    }

    #[test]
    fn the_name_before_the_verb() {
        assert_eq!(after("Zaza says.").as_deref(), Some("Zaza"));
        assert_eq!(before("Later, Caesar said:").as_deref(), Some("Caesar"));
    }

    #[test]
    fn a_pronoun_is_not_a_speaker() {
        assert_eq!(after("she said."), None);
        assert_eq!(after("he adds."), None);
    }

    #[test]
    fn narration_without_a_speech_verb_names_nobody() {
        assert_eq!(after("and then the shelling began again."), None);
        assert_eq!(before("He paused."), None);
    }
}
