//! The resolved settings of a run: everything the library receives from the command line.

use std::path::PathBuf;

use crate::article::ParseOptions;
use crate::audio::AudioOptions;
use crate::chapters::Sidecar;
use crate::engine::{EngineKind, Voice};
use crate::script::{MarkKind, Role, ScriptOptions};

/// The voice of each role.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Voices {
    /// Narration.
    pub narrator: Voice,
    /// Quotations.
    pub quote: Voice,
    /// Title and headings.
    pub heading: Voice,
}

impl Voices {
    /// The voice that speaks `role`.
    pub fn for_role(&self, role: Role) -> &Voice {
        match role {
            Role::Narrator => &self.narrator,
            Role::Quote => &self.quote,
            Role::Heading => &self.heading,
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
    /// The speech engine.
    pub engine: EngineKind,
    /// Voices per role.
    pub voices: Voices,
    /// How scripts are built.
    pub script: ScriptOptions,
    /// What becomes a WAV marker (and a chapter in the chapter sidecars).
    pub markers: Vec<MarkKind>,
    /// Which sidecar files are written beside the audio.
    pub sidecars: Vec<Sidecar>,
    /// For an article with one section: chapters of paragraphs about this many seconds long.
    pub chapter_every: Option<u32>,
    /// Write one WAV per section (plus an `.m3u` playlist) instead of one WAV.
    pub split_sections: bool,
    /// Output format, loudness and true-peak ceiling.
    pub audio: AudioOptions,
}

impl Default for RenderConfig {
    fn default() -> Self {
        RenderConfig {
            out_dir: PathBuf::from("output"),
            parse: ParseOptions::default(),
            engine: EngineKind::default(),
            voices: Voices::default(),
            script: ScriptOptions::default(),
            markers: vec![MarkKind::Section, MarkKind::Quote],
            sidecars: Sidecar::defaults(),
            chapter_every: None,
            split_sections: false,
            audio: AudioOptions::default(),
        }
    }
}
