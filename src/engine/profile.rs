//! Voice profiles: TOML files that say which engine speaks a role, with which voice, rate,
//! pitch, volume and pauses.
//!
//! A profile is looked up by name in `./voices`, then in the user's configuration folder
//! (`$XDG_CONFIG_HOME/articast/voices`, else `~/.config/articast/voices`), then among the profiles
//! built into the binary (the repository's `voices/`), so an installed articast works anywhere.
//! A name that contains `/` or ends in `.toml` is a path.

use std::path::{Path, PathBuf};
use std::time::Duration;

use serde::Deserialize;

use super::Voice;
use super::command::CommandSpec;
use crate::toml_file::{self, FileError};

/// Profiles built into the binary, by name.
pub const BUILT_IN: [(&str, &str); 10] = [
    ("narrator", include_str!("../../voices/narrator.toml")),
    ("quote", include_str!("../../voices/quote.toml")),
    ("heading", include_str!("../../voices/heading.toml")),
    ("flite", include_str!("../../voices/flite.toml")),
    ("festival", include_str!("../../voices/festival.toml")),
    ("piper", include_str!("../../voices/piper.toml")),
    ("joe", include_str!("../../voices/joe.toml")),
    ("joe-quote", include_str!("../../voices/joe-quote.toml")),
    ("say", include_str!("../../voices/say.toml")),
    (
        "windows-sapi",
        include_str!("../../voices/windows-sapi.toml"),
    ),
];

/// A loaded, validated profile.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Profile {
    /// Its name.
    pub name: String,
    /// Where it came from: a path, or `built-in`.
    pub origin: String,
    /// The voice it describes.
    pub voice: Voice,
    /// Its pause table (milliseconds), where given.
    pub pauses: PauseTable,
    /// Its lexicon file (`lexicon = "file.toml"`, relative to the profile's folder), if any.
    pub lexicon: Option<PathBuf>,
}

/// The longest pause a profile may set, in milliseconds.
pub const MAX_PAUSE_MS: u32 = 10_000;

/// Pauses a profile sets, in milliseconds.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PauseTable {
    /// After a sentence within a paragraph.
    pub sentence: Option<u32>,
    /// After a paragraph.
    pub paragraph: Option<u32>,
    /// After a section.
    pub section: Option<u32>,
    /// After the title and byline.
    pub title: Option<u32>,
    /// Between a quotation and the narration around it (both sides, unless set apart below).
    pub quote: Option<u32>,
    /// Before a quotation.
    pub quote_before: Option<u32>,
    /// After a quotation.
    pub quote_after: Option<u32>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct File {
    name: Option<String>,
    engine: String,
    voice: Option<String>,
    language: Option<String>,
    rate: Option<u32>,
    pitch: Option<u32>,
    volume: Option<u32>,
    #[serde(default)]
    pauses: PauseTable,
    lexicon: Option<PathBuf>,
    command: Option<CommandTable>,
    piper: Option<super::piper::ProfileTable>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct CommandTable {
    argv: Vec<String>,
    timeout_seconds: Option<f64>,
}

/// Why a profile could not be used.
#[derive(Debug, thiserror::Error)]
pub enum ProfileError {
    /// No profile of that name anywhere.
    #[error("no voice profile '{name}' (looked in ./voices, {config}, and the built-in profiles)")]
    NotFound {
        /// The name asked for.
        name: String,
        /// The user's profile folder.
        config: String,
    },
    /// The file could not be read, or is not a valid profile.
    #[error(transparent)]
    File(#[from] FileError),
}

/// The user's profile folder.
pub fn config_dir() -> PathBuf {
    std::env::var_os("XDG_CONFIG_HOME")
        .map(PathBuf::from)
        .or_else(|| std::env::var_os("HOME").map(|h| PathBuf::from(h).join(".config")))
        .unwrap_or_else(|| PathBuf::from(".config"))
        .join("articast/voices")
}

/// Finds and loads a profile by name or path.
pub fn find(name: &str) -> Result<Profile, ProfileError> {
    if name.contains('/') || name.ends_with(".toml") {
        return load(Path::new(name));
    }
    for dir in [PathBuf::from("voices"), config_dir()] {
        let path = dir.join(format!("{name}.toml"));
        if path.is_file() {
            return load(&path);
        }
    }
    match BUILT_IN.iter().find(|(n, _)| *n == name) {
        Some((_, text)) => parse(text, name, "built-in"),
        None => Err(ProfileError::NotFound {
            name: name.to_string(),
            config: config_dir().display().to_string(),
        }),
    }
}

/// Loads a profile file.
pub fn load(path: &Path) -> Result<Profile, ProfileError> {
    let shown = path.display().to_string();
    let text = toml_file::read(path)?;
    let stem = path
        .file_stem()
        .map_or_else(String::new, |s| s.to_string_lossy().into_owned());
    let mut profile = parse(&text, &stem, &shown)?;
    if let (Some(spec), Some(dir)) = (&mut profile.voice.piper, path.parent()) {
        spec.base = Some(dir.to_path_buf());
    }
    if let (Some(lexicon), Some(dir)) = (&profile.lexicon, path.parent()) {
        profile.lexicon = Some(dir.join(lexicon));
    }
    Ok(profile)
}

/// Parses and validates profile TOML; `origin` names the file in errors.
pub fn parse(text: &str, default_name: &str, origin: &str) -> Result<Profile, ProfileError> {
    let invalid = |offset: usize, message: String| {
        ProfileError::File(toml_file::invalid(text, origin, offset, message))
    };
    let file: File = toml_file::parse(text, origin)?;
    let at = |key: &str| {
        text.find(&format!("{key} ="))
            .or_else(|| text.find(key))
            .unwrap_or(0)
    };
    let check =
        |key: &str, value: Option<u32>, range: std::ops::RangeInclusive<u32>, default: u32| {
            let v = value.unwrap_or(default);
            if range.contains(&v) {
                Ok(v)
            } else {
                Err(invalid(
                    at(key),
                    format!(
                        "{key} = {v} is out of range ({}–{})",
                        range.start(),
                        range.end()
                    ),
                ))
            }
        };
    let rate = check("rate", file.rate, 80..=450, 175)?;
    let pitch = check("pitch", file.pitch, 0..=100, 50)?;
    let volume = check("volume", file.volume, 0..=200, 100)?;
    let pauses = file.pauses;
    for (key, value) in [
        ("sentence", pauses.sentence),
        ("paragraph", pauses.paragraph),
        ("section", pauses.section),
        ("title", pauses.title),
        ("quote", pauses.quote),
        ("quote_before", pauses.quote_before),
        ("quote_after", pauses.quote_after),
    ] {
        if let Some(ms) = value {
            check(key, Some(ms), 0..=MAX_PAUSE_MS, 0)?;
        }
    }
    let piper = match (file.engine.as_str(), file.piper) {
        ("piper", Some(table)) => Some(table.into_spec().map_err(|(k, m)| invalid(at(k), m))?),
        ("piper", None) => {
            return Err(invalid(
                at("engine"),
                "engine = \"piper\" needs a [piper] table".to_string(),
            ));
        }
        (_, Some(_)) => {
            return Err(invalid(
                at("[piper]"),
                "a [piper] table needs engine = \"piper\"".to_string(),
            ));
        }
        (_, None) => None,
    };
    let voice = file
        .voice
        .or_else(|| piper.as_ref().map(|p| p.model.clone()))
        .unwrap_or_default();
    if voice.trim().is_empty() {
        return Err(invalid(at("voice"), "voice is empty".to_string()));
    }
    let command = match (file.engine.as_str(), file.command) {
        ("espeak-ng" | "espeak" | "piper", None) => None,
        ("espeak-ng" | "espeak" | "piper", Some(_)) => {
            return Err(invalid(
                at("[command]"),
                "a [command] table needs engine = \"command\"".to_string(),
            ));
        }
        ("command", Some(c)) => {
            if c.argv.is_empty() || c.argv[0].trim().is_empty() {
                return Err(invalid(at("argv"), "argv must name a program".to_string()));
            }
            let seconds = c.timeout_seconds.unwrap_or(60.0);
            if !(seconds > 0.0 && seconds <= 3600.0) {
                return Err(invalid(
                    at("timeout_seconds"),
                    "timeout_seconds must be between 0 and 3600".to_string(),
                ));
            }
            Some(CommandSpec {
                argv: c.argv,
                timeout: Duration::from_secs_f64(seconds),
            })
        }
        ("command", None) => {
            return Err(invalid(
                at("engine"),
                "engine = \"command\" needs a [command] table".to_string(),
            ));
        }
        (other, _) => {
            return Err(invalid(
                at("engine"),
                format!("unknown engine '{other}' (use \"espeak-ng\", \"piper\" or \"command\")"),
            ));
        }
    };
    let _ = file.language;
    Ok(Profile {
        name: file.name.unwrap_or_else(|| default_name.to_string()),
        origin: origin.to_string(),
        voice: Voice {
            command,
            piper,
            id: voice,
            rate,
            pitch,
            volume,
        },
        pauses,
        lexicon: file.lexicon,
    })
}

/// Every profile that can be found: built-in ones, then those of the user's folder and of
/// `./voices` (a later one of the same name is the one used).
pub fn all() -> Vec<Result<Profile, ProfileError>> {
    let mut out: Vec<Result<Profile, ProfileError>> = BUILT_IN
        .iter()
        .map(|(name, text)| parse(text, name, "built-in"))
        .collect();
    for dir in [config_dir(), PathBuf::from("voices")] {
        let Ok(entries) = std::fs::read_dir(&dir) else {
            continue;
        };
        let mut paths: Vec<PathBuf> = entries.filter_map(|e| e.ok().map(|e| e.path())).collect();
        paths.sort();
        for path in paths {
            let is_profile = path.extension().is_some_and(|e| e == "toml")
                && path.file_name().is_some_and(|n| n != "lexicon.toml");
            if is_profile {
                out.push(load(&path));
            }
        }
    }
    out
}

/// The text of `articast voices`: every profile with where it came from, then the voices each
/// installed engine offers.
pub fn listing() -> String {
    let mut out = String::from("Voice profiles (a later one of the same name wins):\n");
    for profile in all() {
        match profile {
            Ok(p) => {
                let engine = p.voice.command.as_ref().map_or(
                    if p.voice.piper.is_some() {
                        "piper"
                    } else {
                        "espeak-ng"
                    }
                    .to_string(),
                    |c| c.argv[0].clone(),
                );
                out.push_str(&format!(
                    "  {:<14} {:<10} voice {:<24} {}\n",
                    p.name, engine, p.voice.id, p.origin
                ));
                if let Some(spec) = &p.voice.piper {
                    out.push_str(&match super::piper::availability(spec) {
                        Ok(about) => format!("  {:<14} available: {about}\n", ""),
                        Err(why) => format!("  {:<14} unavailable: {why}\n", ""),
                    });
                }
            }
            Err(err) => out.push_str(&format!("  (broken) {err}\n")),
        }
    }
    let engines: [(&str, &[&str]); 3] = [
        ("espeak-ng", &["espeak-ng", "--voices=en"]),
        ("flite", &["flite", "-lv"]),
        ("say", &["say", "-v", "?"]),
    ];
    for (name, argv) in engines {
        match std::process::Command::new(argv[0])
            .args(&argv[1..])
            .output()
        {
            Ok(o) => {
                let text = String::from_utf8_lossy(if o.stdout.is_empty() {
                    &o.stderr
                } else {
                    &o.stdout
                })
                .into_owned();
                out.push_str(&format!("\n{name} voices ({}):\n", argv.join(" ")));
                for line in text.lines().filter(|l| !l.trim().is_empty()).take(60) {
                    out.push_str(&format!("  {}\n", line.trim_end()));
                }
            }
            Err(_) => out.push_str(&format!("\n{name}: not installed\n")),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_built_in_profile_is_valid() {
        for (name, text) in BUILT_IN {
            let profile = parse(text, name, "built-in").unwrap();
            assert_eq!(profile.name, name);
        }
    }

    #[test]
    fn the_quote_voice_differs_from_the_narrator() {
        let narrator = find("narrator").unwrap().voice;
        let quote = find("quote").unwrap().voice;
        assert_ne!((narrator.id, narrator.pitch), (quote.id, quote.pitch));
    }

    #[test]
    fn unknown_keys_are_rejected_with_line_and_column() {
        let err = parse(
            "engine = \"espeak-ng\"\nvoice = \"en-us\"\nspeed = 3\n",
            "x",
            "x.toml",
        )
        .unwrap_err();
        assert!(
            err.to_string()
                .starts_with("x.toml:3:1: unknown field `speed`"),
            "{err}"
        );
    }

    #[test]
    fn out_of_range_values_are_rejected() {
        let err = parse(
            "engine = \"espeak-ng\"\nvoice = \"en-us\"\npitch = 300\n",
            "x",
            "x.toml",
        )
        .unwrap_err();
        assert!(
            err.to_string()
                .contains("x.toml:3:1: pitch = 300 is out of range"),
            "{err}"
        );
    }

    #[test]
    fn the_pause_table_sets_each_pause_and_refuses_one_past_ten_seconds() {
        let head = "engine = \"espeak-ng\"\nvoice = \"en-us\"\n[pauses]\n";
        let table = parse(
            &format!("{head}sentence = 300\nquote_before = 400\nquote_after = 200\n"),
            "x",
            "x.toml",
        )
        .unwrap()
        .pauses;
        assert_eq!(
            (table.sentence, table.quote_before, table.quote_after),
            (Some(300), Some(400), Some(200))
        );
        let err = parse(&format!("{head}paragraph = 90000\n"), "x", "x.toml").unwrap_err();
        assert!(
            err.to_string()
                .contains("x.toml:4:1: paragraph = 90000 is out of range (0–10000)"),
            "{err}"
        );
    }

    #[test]
    fn a_command_profile_needs_its_command() {
        let err = parse("engine = \"command\"\nvoice = \"kal\"\n", "x", "x.toml").unwrap_err();
        assert!(err.to_string().contains("needs a [command] table"), "{err}");
        let flite = find("flite").unwrap().voice;
        assert_eq!(flite.command.unwrap().argv[0], "flite");
    }

    #[test]
    fn a_piper_profile_needs_its_table_and_only_piper_takes_one() {
        let err = parse("engine = \"piper\"\n", "x", "x.toml").unwrap_err();
        assert!(err.to_string().contains("needs a [piper] table"), "{err}");
        let text = "engine = \"espeak-ng\"\nvoice = \"en-us\"\n[piper]\nmodel = \"m\"\n";
        let err = parse(text, "x", "x.toml").unwrap_err();
        assert!(
            err.to_string().contains("needs engine = \"piper\""),
            "{err}"
        );
        let text = "engine = \"piper\"\n[piper]\nmodel = \"m\"\nlength_scale = 0\n";
        let err = parse(text, "x", "x.toml").unwrap_err();
        assert!(
            err.to_string()
                .contains("x.toml:4:1: length_scale = 0 is out of range"),
            "{err}"
        );
        let joe = find("joe").unwrap().voice;
        assert_eq!(
            (joe.id.as_str(), joe.piper.unwrap().model.as_str()),
            ("en_US-joe-medium", "en_US-joe-medium")
        );
    }

    #[test]
    fn an_unknown_name_says_where_it_looked() {
        let err = find("no-such-voice").unwrap_err().to_string();
        assert!(
            err.contains("no voice profile 'no-such-voice'") && err.contains("built-in"),
            "{err}"
        );
    }
}
