//! The resolved settings of a run: everything the library receives from a front end.
//!
//! A front end (the command line, a test, another program) names voices and files; this module
//! turns those names into plain settings: each role's engine and voice from its profile, the
//! pause table, the lexicon. Nothing below it reads a profile or knows a flag.

use std::path::{Path, PathBuf};

use crate::article::ParseOptions;
use crate::audio::AudioOptions;
use crate::audio::format::{AudioFormat, Encoding};
use crate::audio::metadata::Metadata;
use crate::chapters::Sidecar;
use crate::engine::profile::{self, Profile, ProfileError};
use crate::engine::{EngineSpec, Hosting, Voice};
use crate::script::{Lexicon, LexiconError, MarkKind, Pauses, Role, ScriptOptions, lexicon};

/// One role's voice: the engine that speaks it and its settings.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct VoiceSpec {
    /// The engine.
    pub engine: EngineSpec,
    /// Voice id, rate, pitch, volume.
    pub voice: Voice,
    /// The profile named no voice (only a language): an espeak-ng voice then follows the
    /// article's language ([`Voices::for_language`]).
    pub from_language: bool,
}

impl Default for VoiceSpec {
    fn default() -> Self {
        VoiceSpec {
            engine: EngineSpec::Espeak,
            voice: Voice::default(),
            from_language: false,
        }
    }
}

impl VoiceSpec {
    /// The espeak-ng voice for an article in `language` (ISO 639-1, "de"), if this voice follows
    /// the article's language and its own is another: espeak-ng names its voices by language.
    /// `None` keeps this voice.
    pub fn voice_for_language(&self, language: Option<&str>) -> Option<Voice> {
        let language = language?;
        let own = self.voice.id.split(['-', '+', '_']).next().unwrap_or("");
        (self.from_language && self.engine == EngineSpec::Espeak && own != language).then(|| {
            Voice {
                id: language.to_string(),
                ..self.voice.clone()
            }
        })
    }
}

/// The voice of each role.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Voices {
    /// Narration.
    pub narrator: VoiceSpec,
    /// Quotations.
    pub quote: VoiceSpec,
    /// Title and headings.
    pub heading: VoiceSpec,
}

impl Voices {
    /// The voice that speaks `role`.
    pub fn for_role(&self, role: Role) -> &VoiceSpec {
        match role {
            Role::Narrator => &self.narrator,
            Role::Quote => &self.quote,
            Role::Heading => &self.heading,
        }
    }

    /// Every role with its voice, narrator first.
    pub fn roles(&self) -> [(Role, &VoiceSpec); 3] {
        [
            (Role::Narrator, &self.narrator),
            (Role::Quote, &self.quote),
            (Role::Heading, &self.heading),
        ]
    }

    /// The voices for an article in `language`: each espeak-ng voice whose profile names no
    /// voice speaks the article's language ([`VoiceSpec::voice_for_language`]); `accept` says
    /// whether the role's engine has that voice (else the profile's is kept).
    pub fn for_language(
        &self,
        language: Option<&str>,
        mut accept: impl FnMut(Role, &Voice) -> bool,
    ) -> Voices {
        let mut adapt = |role: Role, spec: &VoiceSpec| {
            let mut out = spec.clone();
            if let Some(voice) = spec
                .voice_for_language(language)
                .filter(|v| accept(role, v))
            {
                out.voice = voice;
            }
            out
        };
        Voices {
            narrator: adapt(Role::Narrator, &self.narrator),
            quote: adapt(Role::Quote, &self.quote),
            heading: adapt(Role::Heading, &self.heading),
        }
    }
}

/// Settings of `articast render`.
#[derive(Debug, Clone, PartialEq)]
pub struct RenderConfig {
    /// Folder the outputs are written to (created if missing).
    pub out_dir: PathBuf,
    /// How articles are read.
    pub parse: ParseOptions,
    /// Voices per role.
    pub voices: Voices,
    /// How engines that need a process of their own are run.
    pub hosting: Hosting,
    /// How scripts are built (the phoneme roles are set by the renderer from what each
    /// role's engine reads).
    pub script: ScriptOptions,
    /// What becomes a marker (and a chapter in the chapter sidecars).
    pub markers: Vec<MarkKind>,
    /// Which sidecar files are written beside the audio.
    pub sidecars: Vec<Sidecar>,
    /// For an article with one section: chapters of paragraphs about this many seconds long.
    pub chapter_every: Option<u32>,
    /// Write one audio file per section (plus an `.m3u` playlist) instead of one.
    pub split_sections: bool,
    /// Output format, loudness and true-peak ceiling.
    pub audio: AudioOptions,
    /// The audio files written for each part, one per format (empty: WAV).
    pub audio_formats: Vec<AudioFormat>,
    /// Bit rate and mode of the lossy formats.
    pub encoding: Encoding,
    /// Tags the user sets (`--meta`, a metadata file, `--cover`), over those the article gives.
    pub metadata: Metadata,
    /// Refuse an input whose output files already exist (`--no-clobber`), instead of replacing
    /// them after the render succeeds.
    pub no_clobber: bool,
    /// Utterances spoken at once (engines that are all stateless only; 1 speaks in order).
    pub jobs: usize,
    /// Folder of the utterance cache (stateless engines only); `None` caches nothing.
    pub cache: Option<PathBuf>,
}

impl Default for RenderConfig {
    fn default() -> Self {
        RenderConfig {
            out_dir: PathBuf::from("output"),
            parse: ParseOptions::default(),
            voices: Voices::default(),
            hosting: Hosting::default(),
            script: ScriptOptions::default(),
            markers: vec![MarkKind::Section, MarkKind::Quote],
            sidecars: Sidecar::defaults(),
            chapter_every: None,
            split_sections: false,
            audio: AudioOptions::default(),
            audio_formats: vec![AudioFormat::Wav],
            encoding: Encoding::default(),
            metadata: Metadata::default(),
            no_clobber: false,
            jobs: 1,
            cache: None,
        }
    }
}

/// The voices a front end asks for, by name.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct VoiceChoice {
    /// Narrator: a profile name or path, or an espeak-ng voice id (`en-gb`).
    pub narrator: String,
    /// Quotations: a profile or voice id; `None` derives it from the built-in `quote` profile
    /// spoken by the narrator's engine and voice.
    pub quote: Option<String>,
    /// Speak quotations in the narrator's own voice.
    pub quote_is_narrator: bool,
    /// Title and headings: as `quote`, from the built-in `heading` profile.
    pub heading: Option<String>,
    /// A lexicon file; else the narrator profile's, else `voices/lexicon.toml` if present.
    pub lexicon: Option<PathBuf>,
    /// Speak every voice with this engine instead of its profile's (`fake` for tests).
    pub engine: Option<EngineSpec>,
}

impl Default for VoiceChoice {
    fn default() -> Self {
        VoiceChoice {
            narrator: "narrator".to_string(),
            quote: None,
            quote_is_narrator: false,
            heading: None,
            lexicon: None,
            engine: None,
        }
    }
}

/// Why the voices could not be resolved.
#[derive(Debug, thiserror::Error)]
pub enum ConfigError {
    /// A profile is missing or invalid.
    #[error(transparent)]
    Profile(#[from] ProfileError),
    /// The lexicon is missing or invalid.
    #[error(transparent)]
    Lexicon(#[from] LexiconError),
}

/// What a [`VoiceChoice`] resolves to.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Resolved {
    /// The voice of each role.
    pub voices: Voices,
    /// The narrator profile's pause table over the defaults.
    pub pauses: Pauses,
    /// The lexicon.
    pub lexicon: Lexicon,
}

/// Resolves the voices, pauses and lexicon of a choice.
///
/// A quote or heading voice that is not given follows the narrator: the role's built-in
/// profile (its rate and pitch) spoken by the narrator's engine and voice, so `--voice flite`
/// speaks every role with flite, and the program's rate is the narrator engine's.
pub fn resolve(choice: &VoiceChoice) -> Result<Resolved, ConfigError> {
    let narrator = find_voice(&choice.narrator)?;
    let derived = |role: &str| -> Result<Profile, ConfigError> {
        let mut profile = profile::find(role)?;
        profile.engine = narrator.engine.clone();
        profile.voice.id = narrator.voice.id.clone();
        profile.language = narrator.language.clone();
        profile.voice_from_language = narrator.voice_from_language;
        Ok(profile)
    };
    let quote = match (&choice.quote, choice.quote_is_narrator) {
        (_, true) => narrator.clone(),
        (Some(name), false) => find_voice(name)?,
        (None, false) => derived("quote")?,
    };
    let heading = match &choice.heading {
        Some(name) => find_voice(name)?,
        None => derived("heading")?,
    };
    let lexicon = match choice.lexicon.as_ref().or(narrator.lexicon.as_ref()) {
        Some(path) => Lexicon::load(path)?,
        None if Path::new(lexicon::DEFAULT_PATH).is_file() => {
            Lexicon::load(Path::new(lexicon::DEFAULT_PATH))?
        }
        None => Lexicon::default(),
    };
    let spec = |p: &Profile| VoiceSpec {
        engine: choice.engine.clone().unwrap_or_else(|| p.engine.clone()),
        voice: p.voice.clone(),
        from_language: p.voice_from_language,
    };
    Ok(Resolved {
        voices: Voices {
            narrator: spec(&narrator),
            quote: spec(&quote),
            heading: spec(&heading),
        },
        pauses: pauses(&narrator.pauses),
        lexicon,
    })
}

/// A profile by name or path; a name that is no profile is taken as an espeak-ng voice id
/// (checked when the renderer opens the engine).
fn find_voice(name: &str) -> Result<Profile, ProfileError> {
    match profile::find(name) {
        Err(ProfileError::NotFound { .. }) if looks_like_voice_id(name) => {
            let mut profile = profile::find("narrator")?;
            profile.name = name.to_string();
            profile.origin = "espeak-ng voice".to_string();
            profile.engine = EngineSpec::Espeak;
            profile.voice.id = name.to_string();
            profile.language = None;
            profile.voice_from_language = false;
            profile.lexicon = None;
            Ok(profile)
        }
        other => other,
    }
}

/// espeak-ng voice ids: `en`, `en-gb`, `en-us+f3`, `gmw/en-GB-x-rp`.
fn looks_like_voice_id(name: &str) -> bool {
    !name.is_empty()
        && !name.ends_with(".toml")
        && name
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '-' | '+' | '_' | '/'))
}

/// A profile's pause table over the script's defaults.
pub fn pauses(table: &profile::PauseTable) -> Pauses {
    let defaults = Pauses::default();
    Pauses {
        sentence_ms: table.sentence.or(defaults.sentence_ms),
        quote_before_ms: table
            .quote_before
            .or(table.quote)
            .unwrap_or(defaults.quote_before_ms),
        quote_after_ms: table
            .quote_after
            .or(table.quote)
            .unwrap_or(defaults.quote_after_ms),
        paragraph_ms: table.paragraph.unwrap_or(defaults.paragraph_ms),
        section_ms: table.section.unwrap_or(defaults.section_ms),
        title_ms: table.title.unwrap_or(defaults.title_ms),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_command_narrator_carries_its_engine_to_the_derived_roles() {
        let resolved = resolve(&VoiceChoice {
            narrator: "flite".to_string(),
            ..VoiceChoice::default()
        })
        .unwrap();
        for (role, spec) in resolved.voices.roles() {
            assert_eq!(spec.engine.name(), "flite", "{role:?}");
            assert_eq!(spec.voice.id, "slt", "{role:?}");
        }
    }

    #[test]
    fn the_default_voices_are_the_built_in_profiles() {
        let resolved = resolve(&VoiceChoice::default()).unwrap();
        let quote = profile::find("quote").unwrap();
        assert_eq!(resolved.voices.quote.voice, quote.voice);
        assert_eq!(resolved.voices.narrator.engine, EngineSpec::Espeak);
    }

    #[test]
    fn an_engine_override_speaks_every_role() {
        let resolved = resolve(&VoiceChoice {
            narrator: "flite".to_string(),
            engine: Some(EngineSpec::Fake),
            ..VoiceChoice::default()
        })
        .unwrap();
        assert!(
            resolved
                .voices
                .roles()
                .iter()
                .all(|(_, s)| s.engine == EngineSpec::Fake)
        );
    }

    #[test]
    fn the_article_language_chooses_the_espeak_voice_only_when_the_profile_names_none() {
        let resolved = resolve(&VoiceChoice::default()).unwrap();
        assert_eq!(resolved.voices.narrator.voice.id, "en-us");
        assert!(resolved.voices.narrator.from_language);
        let german = resolved.voices.for_language(Some("de"), |_, _| true);
        assert_eq!(german.narrator.voice.id, "de");
        assert_eq!(german.quote.voice.id, "de");
        assert_eq!(german.quote.voice.pitch, resolved.voices.quote.voice.pitch);
        // English stays the profile's English; a voice the engine lacks is not taken.
        assert_eq!(
            resolved.voices.for_language(Some("en"), |_, _| true),
            resolved.voices
        );
        assert_eq!(
            resolved.voices.for_language(Some("xx"), |_, _| false),
            resolved.voices
        );
        // A named voice stays.
        let named = resolve(&VoiceChoice {
            narrator: "en-gb".into(),
            ..VoiceChoice::default()
        })
        .unwrap();
        assert_eq!(
            named.voices.for_language(Some("de"), |_, _| true),
            named.voices
        );
    }

    #[test]
    fn a_voice_id_is_an_espeak_voice_and_a_path_is_not() {
        let resolved = resolve(&VoiceChoice {
            narrator: "en-gb".to_string(),
            ..VoiceChoice::default()
        })
        .unwrap();
        assert_eq!(resolved.voices.narrator.voice.id, "en-gb");
        assert_eq!(resolved.voices.heading.voice.id, "en-gb");
        let err = resolve(&VoiceChoice {
            narrator: "missing.toml".to_string(),
            ..VoiceChoice::default()
        })
        .unwrap_err();
        assert!(err.to_string().contains("missing.toml"), "{err}");
    }
}
