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

use super::command::{CommandSpec, find_program};
use super::{EngineSpec, Voice};
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
    /// The engine that speaks it.
    pub engine: EngineSpec,
    /// The voice it describes.
    pub voice: Voice,
    /// Its language (BCP 47, e.g. `en-US`), where given.
    pub language: Option<String>,
    /// The profile names no voice: an espeak-ng voice comes from a language, the article's
    /// when it has one, else the profile's.
    pub voice_from_language: bool,
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
    stdin: Option<bool>,
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
    if let (EngineSpec::Piper(spec), Some(dir)) = (&mut profile.engine, path.parent()) {
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
    let language = file.language.filter(|l| !l.trim().is_empty());
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
    // A Piper voice is named by its model when no voice is given.
    let file_voice = file
        .voice
        .or_else(|| piper.as_ref().map(|p| p.model.clone()));
    // espeak-ng speaks a language by its name when no voice is given (`en-US` → `en-us`).
    let voice_from_language = file_voice.is_none();
    let voice = match (file_voice, &language) {
        (Some(v), _) if v.trim().is_empty() => {
            return Err(invalid(at("voice"), "voice is empty".to_string()));
        }
        (Some(v), _) => v,
        (None, Some(lang)) if matches!(file.engine.as_str(), "espeak-ng" | "espeak") => {
            lang.to_ascii_lowercase()
        }
        (None, _) => {
            return Err(invalid(
                at("engine"),
                "a profile needs a voice (or, for espeak-ng, a language)".to_string(),
            ));
        }
    };
    let engine = match (file.engine.as_str(), file.command) {
        ("espeak-ng" | "espeak" | "fake" | "piper", Some(_)) => {
            return Err(invalid(
                at("[command]"),
                "a [command] table needs engine = \"command\"".to_string(),
            ));
        }
        ("espeak-ng" | "espeak", None) => EngineSpec::Espeak,
        ("fake", None) => EngineSpec::Fake,
        ("piper", None) => EngineSpec::Piper(piper.ok_or_else(|| {
            invalid(
                at("engine"),
                "engine = \"piper\" needs a [piper] table".to_string(),
            )
        })?),
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
            EngineSpec::Command(CommandSpec {
                argv: c.argv,
                timeout: Duration::from_secs_f64(seconds),
                stdin: c.stdin.unwrap_or(false),
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
                format!(
                    "unknown engine '{other}' (use \"espeak-ng\", \"piper\", \"command\" or \"fake\")"
                ),
            ));
        }
    };
    Ok(Profile {
        name: file.name.unwrap_or_else(|| default_name.to_string()),
        origin: origin.to_string(),
        engine,
        voice: Voice {
            id: voice,
            rate,
            pitch,
            volume,
        },
        language,
        voice_from_language,
        pauses,
        lexicon: file.lexicon,
    })
}

/// Every profile that can be found, each name once: the one [`find`] would take (`./voices`,
/// then the user's folder, then the built-in ones), in name order.
pub fn all() -> Vec<Result<Profile, ProfileError>> {
    let mut names: Vec<String> = BUILT_IN.iter().map(|(n, _)| n.to_string()).collect();
    for dir in [PathBuf::from("voices"), config_dir()] {
        let Ok(entries) = std::fs::read_dir(&dir) else {
            continue;
        };
        for path in entries.filter_map(|e| e.ok().map(|e| e.path())) {
            let is_profile = path.extension().is_some_and(|e| e == "toml")
                && path.file_name().is_some_and(|n| n != "lexicon.toml");
            if let (true, Some(stem)) = (is_profile, path.file_stem()) {
                names.push(stem.to_string_lossy().into_owned());
            }
        }
    }
    names.sort();
    names.dedup();
    names.iter().map(|n| find(n)).collect()
}

/// Whether the engine of `spec` can run here, and if not, why.
pub fn availability(spec: &EngineSpec) -> Result<(), String> {
    match spec {
        EngineSpec::Espeak if cfg!(feature = "espeak") => Ok(()),
        EngineSpec::Espeak => Err("built without the `espeak` feature".to_string()),
        EngineSpec::Fake => Ok(()),
        EngineSpec::Piper(spec) => super::piper::availability(spec).map(drop),
        EngineSpec::Command(c) => match find_program(c.program()) {
            Some(_) => Ok(()),
            None => Err(format!("'{}' not installed", c.program())),
        },
    }
}

/// The text of `articast voices`: every profile with its engine and where it came from, then
/// the voices of the installed engines (each also usable as `--voice ID`).
pub fn listing() -> String {
    let mut out = String::from("Voice profiles (--voice NAME):\n");
    for profile in all() {
        match profile {
            Ok(p) => {
                let state = match availability(&p.engine) {
                    Ok(()) => String::new(),
                    Err(why) => format!("  [unavailable: {why}]"),
                };
                out.push_str(&format!(
                    "  {:<14} {:<10} voice {:<24} {}{state}\n",
                    p.name,
                    p.engine.name(),
                    p.voice.id,
                    p.origin
                ));
            }
            Err(err) => out.push_str(&format!("  (broken) {err}\n")),
        }
    }
    let engines: [(&str, &[&str], &str); 2] = [
        ("espeak-ng", &["espeak-ng", "--voices=en"], "--voice ID"),
        (
            "flite",
            &["flite", "-lv"],
            "a profile with engine = \"command\"",
        ),
    ];
    for (name, argv, usage) in engines {
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
                out.push_str(&format!(
                    "\n{name} voices ({}; use as {usage}):\n",
                    argv.join(" ")
                ));
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
        let flite = find("flite").unwrap().engine;
        assert_eq!(flite.name(), "flite");
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
        let joe = find("joe").unwrap();
        let EngineSpec::Piper(spec) = joe.engine else {
            panic!("joe is a Piper voice")
        };
        assert_eq!(
            (joe.voice.id.as_str(), spec.model.as_str()),
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
