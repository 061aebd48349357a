//! The resolved settings of a run: everything the library receives from the command line.

use std::path::PathBuf;

use crate::audio::AudioOptions;
use crate::engine::{EngineKind, Voice};
use crate::script::{Role, ScriptOptions};

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
    /// The speech engine.
    pub engine: EngineKind,
    /// Voices per role.
    pub voices: Voices,
    /// How scripts are built.
    pub script: ScriptOptions,
    /// Output format, loudness and true-peak ceiling.
    pub audio: AudioOptions,
}

impl Default for RenderConfig {
    fn default() -> Self {
        RenderConfig {
            out_dir: PathBuf::from("output"),
            engine: EngineKind::default(),
            voices: Voices::default(),
            script: ScriptOptions::default(),
            audio: AudioOptions::default(),
        }
    }
}
