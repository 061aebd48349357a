//! Piper neural voices (VITS models exported to ONNX), spoken in-process through ONNX Runtime.
//!
//! A voice is a `.onnx` model with its `.onnx.json` configuration (sample rate, espeak-ng
//! language, phoneme id map, scales, speakers). Text becomes IPA through libespeak-ng
//! ([`super::espeak_ipa`]), IPA becomes ids ([`phonemes`]), and each sentence (a long one in
//! pieces, split at clauses) is one inference; the sentences of an utterance run in parallel on
//! several sessions ([`model`]), with the decoder's convolutions rewritten in two dimensions
//! ([`graph`]). The audio is the model's own, as 16-bit samples at the voice's
//! rate: no peak normalization (articast's loudness stage sets the level) and no silence added
//! but a fixed pause between the sentences of one utterance.
//!
//! Piper gives no word timings; word events are estimated from the phoneme counts of each
//! clause (and of each word, when espeak-ng's words line up with the text's).

use std::collections::HashMap;
use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};

pub mod find;
#[cfg(feature = "piper")]
pub mod graph;
#[cfg(feature = "piper")]
pub mod model;
#[cfg(feature = "piper")]
pub mod noise;
#[cfg(feature = "piper")]
pub mod optimized;
#[cfg(feature = "piper")]
pub mod phonemes;

/// The environment variable that keeps ONNX Runtime's telemetry from starting at all, with its
/// value. Microsoft's builds (PyPI's `onnxruntime` among them, since 1.29) otherwise write a
/// device identifier and an event store under the user's cache folder and send usage events,
/// one of them while the runtime starts, before any API call could turn it off. The runtime
/// reads it once, when it starts; the binary sets it before it starts a thread, unless the user
/// set it.
pub const RUNTIME_TELEMETRY_OFF: (&str, &str) = ("ORT_DISABLE_TELEMETRY", "1");

/// The Piper part of a voice profile.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct PiperSpec {
    /// The voice: a name searched for (`en_US-joe-medium`) or the path of its `.onnx`.
    pub model: String,
    /// The folder relative paths are resolved against (the profile's).
    pub base: Option<PathBuf>,
    /// The expected sha256 of the `.onnx` (hex), checked on load.
    pub sha256: Option<String>,
    /// Speaker of a multi-speaker voice: a name of its `speaker_id_map` or a number.
    pub speaker: Option<String>,
    /// Overrides the voice's `noise_scale`.
    pub noise_scale: Option<f32>,
    /// Overrides the voice's `length_scale` (the profile's `rate` then scales it).
    pub length_scale: Option<f32>,
    /// Overrides the voice's `noise_w`.
    pub noise_w: Option<f32>,
}

// Scales are validated finite when a profile is read, so equality is total.
impl Eq for PiperSpec {}

impl std::hash::Hash for PiperSpec {
    fn hash<H: std::hash::Hasher>(&self, state: &mut H) {
        (&self.model, &self.base, &self.sha256, &self.speaker).hash(state);
        for scale in [self.noise_scale, self.length_scale, self.noise_w] {
            scale.map(f32::to_bits).hash(state);
        }
    }
}

/// What the engine needs from a voice's `.onnx.json`.
#[derive(Debug, Clone, PartialEq)]
pub struct VoiceConfig {
    /// Output sample rate in Hz.
    pub sample_rate: u32,
    /// The espeak-ng voice that phonemizes its text (`en-us`).
    pub espeak_voice: String,
    /// `noise_scale`, `length_scale`, `noise_w` as trained.
    pub scales: [f32; 3],
    /// Number of speakers.
    pub num_speakers: u32,
    /// Speaker names to ids.
    pub speaker_id_map: HashMap<String, i64>,
    /// Symbol to ids.
    pub phoneme_id_map: HashMap<String, Vec<i64>>,
}

#[derive(Deserialize)]
struct ConfigFile {
    audio: AudioSection,
    espeak: Option<EspeakSection>,
    #[serde(default)]
    inference: InferenceSection,
    phoneme_type: Option<String>,
    num_speakers: Option<u32>,
    #[serde(default)]
    speaker_id_map: HashMap<String, i64>,
    phoneme_id_map: HashMap<String, Vec<i64>>,
}

#[derive(Deserialize)]
struct AudioSection {
    sample_rate: u32,
}

#[derive(Deserialize)]
struct EspeakSection {
    voice: String,
}

#[derive(Deserialize, Default)]
struct InferenceSection {
    noise_scale: Option<f32>,
    length_scale: Option<f32>,
    noise_w: Option<f32>,
}

impl VoiceConfig {
    /// Reads and checks a voice's JSON configuration.
    pub fn load(path: &Path) -> Result<VoiceConfig, String> {
        let text = std::fs::read_to_string(path)
            .map_err(|e| format!("cannot read {}: {e}", path.display()))?;
        Self::parse(&text).map_err(|e| format!("{}: {e}", path.display()))
    }

    /// Parses and checks a voice's JSON configuration.
    pub fn parse(text: &str) -> Result<VoiceConfig, String> {
        let file: ConfigFile = serde_json::from_str(text)
            .map_err(|e| format!("not a Piper voice configuration: {e}"))?;
        if let Some(kind) = file.phoneme_type.as_deref().filter(|k| *k != "espeak") {
            return Err(format!(
                "phoneme_type \"{kind}\" is not supported (only \"espeak\" voices)"
            ));
        }
        if !(8_000..=192_000).contains(&file.audio.sample_rate) {
            return Err(format!(
                "sample_rate {} is out of range",
                file.audio.sample_rate
            ));
        }
        let espeak_voice = file
            .espeak
            .map(|e| e.voice)
            .filter(|v| !v.trim().is_empty())
            .ok_or("it names no espeak voice")?;
        let scale = |v: Option<f32>, default: f32| v.filter(|s| s.is_finite()).unwrap_or(default);
        let config = VoiceConfig {
            sample_rate: file.audio.sample_rate,
            espeak_voice,
            scales: [
                scale(file.inference.noise_scale, 0.667),
                scale(file.inference.length_scale, 1.0),
                scale(file.inference.noise_w, 0.8),
            ],
            num_speakers: file.num_speakers.unwrap_or(1).max(1),
            speaker_id_map: file.speaker_id_map,
            phoneme_id_map: file.phoneme_id_map,
        };
        for s in ["_", "^", "$"] {
            if config.phoneme_id_map.get(s).is_none_or(Vec::is_empty) {
                return Err(format!("its phoneme_id_map has no '{s}'"));
            }
        }
        Ok(config)
    }

    /// The scales for one voice: the profile's overrides, `length_scale` stretched by the
    /// profile's rate (175 words per minute is the voice's own pace).
    pub fn scales(&self, spec: &PiperSpec, rate: u32) -> [f32; 3] {
        let pace = 175.0 / rate.clamp(80, 450) as f32;
        [
            spec.noise_scale.unwrap_or(self.scales[0]),
            spec.length_scale.unwrap_or(self.scales[1]) * pace,
            spec.noise_w.unwrap_or(self.scales[2]),
        ]
    }

    /// The speaker id for `spec`: its speaker (a name or a number), else 0 for a multi-speaker
    /// voice and none for a single-speaker one.
    pub fn speaker(&self, spec: &PiperSpec) -> Result<Option<i64>, String> {
        let Some(wanted) = spec.speaker.as_deref() else {
            return Ok((self.num_speakers > 1).then_some(0));
        };
        if self.num_speakers <= 1 {
            return Err(format!(
                "speaker \"{wanted}\": the voice has a single speaker"
            ));
        }
        let id = self
            .speaker_id_map
            .get(wanted)
            .copied()
            .or_else(|| wanted.trim().parse::<i64>().ok())
            .filter(|id| (0..i64::from(self.num_speakers)).contains(id));
        id.map(Some).ok_or_else(|| {
            let mut names: Vec<&String> = self.speaker_id_map.keys().collect();
            names.sort();
            let names: Vec<&str> = names.iter().take(20).map(|s| s.as_str()).collect();
            format!(
                "unknown speaker \"{wanted}\" (0–{}{}{})",
                self.num_speakers - 1,
                if names.is_empty() {
                    ""
                } else {
                    ", or one of: "
                },
                names.join(", ")
            )
        })
    }
}

/// Whether a Piper voice can be used here: its files and configuration, and the runtime.
/// `Ok` describes the voice; `Err` says why not.
pub fn availability(spec: &PiperSpec) -> Result<String, String> {
    let files = find::voice(&spec.model, spec.base.as_deref())?;
    let config = VoiceConfig::load(&files.config)?;
    if !cfg!(feature = "piper") {
        return Err(
            "this articast was built without the `piper` feature; rebuild with default features"
                .to_string(),
        );
    }
    find::runtime()?;
    Ok(format!(
        "{} Hz, {} speaker{}, {}",
        config.sample_rate,
        config.num_speakers,
        if config.num_speakers == 1 { "" } else { "s" },
        files.model.display()
    ))
}

#[cfg(feature = "piper")]
pub use engine::PiperEngine;

#[cfg(feature = "piper")]
mod engine;

/// The `[piper]` table of a voice profile.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ProfileTable {
    model: String,
    sha256: Option<String>,
    speaker: Option<SpeakerKey>,
    noise_scale: Option<f32>,
    length_scale: Option<f32>,
    noise_w: Option<f32>,
}

#[derive(Debug, Deserialize)]
#[serde(untagged)]
enum SpeakerKey {
    Id(u32),
    Name(String),
}

impl ProfileTable {
    /// The checked spec; an error names the key at fault and what is wrong.
    pub fn into_spec(self) -> Result<PiperSpec, (&'static str, String)> {
        if self.model.trim().is_empty() {
            return Err(("model", "model is empty".to_string()));
        }
        if let Some(hash) = &self.sha256
            && (hash.len() != 64 || !hash.chars().all(|c| c.is_ascii_hexdigit()))
        {
            return Err(("sha256", "sha256 must be 64 hex digits".to_string()));
        }
        for (key, value, low) in [
            ("noise_scale", self.noise_scale, 0.0),
            ("length_scale", self.length_scale, 0.05),
            ("noise_w", self.noise_w, 0.0),
        ] {
            if let Some(v) = value
                && !(v.is_finite() && (low..=10.0).contains(&v))
            {
                return Err((key, format!("{key} = {v} is out of range ({low}–10)")));
            }
        }
        let speaker = match self.speaker {
            Some(SpeakerKey::Id(n)) => Some(n.to_string()),
            Some(SpeakerKey::Name(s)) if s.trim().is_empty() => {
                return Err(("speaker", "speaker is empty".to_string()));
            }
            Some(SpeakerKey::Name(s)) => Some(s),
            None => None,
        };
        Ok(PiperSpec {
            model: self.model,
            base: None,
            sha256: self.sha256.map(|h| h.to_ascii_lowercase()),
            speaker,
            noise_scale: self.noise_scale,
            length_scale: self.length_scale,
            noise_w: self.noise_w,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const CONFIG: &str = r#"{
        "audio": {"sample_rate": 22050},
        "espeak": {"voice": "en-us"},
        "inference": {"noise_scale": 0.5, "length_scale": 1.2, "noise_w": 0.7},
        "num_speakers": 3,
        "speaker_id_map": {"ann": 0, "bob": 2},
        "phoneme_id_map": {"_": [0], "^": [1], "$": [2], "a": [14]}
    }"#;

    fn spec() -> PiperSpec {
        ProfileTable {
            model: "x".to_string(),
            sha256: None,
            speaker: None,
            noise_scale: None,
            length_scale: None,
            noise_w: None,
        }
        .into_spec()
        .unwrap()
    }

    #[test]
    fn speakers_are_found_by_name_or_number_and_checked() {
        let config = VoiceConfig::parse(CONFIG).unwrap();
        let with = |s: &str| {
            config.speaker(&PiperSpec {
                speaker: Some(s.to_string()),
                ..spec()
            })
        };
        assert_eq!(config.speaker(&spec()), Ok(Some(0)));
        assert_eq!(with("bob"), Ok(Some(2)));
        assert_eq!(with("1"), Ok(Some(1)));
        let err = with("3").unwrap_err();
        assert!(
            err.contains("unknown speaker \"3\" (0–2, or one of: ann, bob)"),
            "{err}"
        );
        let single =
            VoiceConfig::parse(&CONFIG.replace("\"num_speakers\": 3", "\"num_speakers\": 1"))
                .unwrap();
        assert!(
            single
                .speaker(&PiperSpec {
                    speaker: Some("ann".into()),
                    ..spec()
                })
                .is_err()
        );
        assert_eq!(single.speaker(&spec()), Ok(None));
    }

    #[test]
    fn scales_come_from_the_voice_unless_the_profile_sets_them_and_rate_stretches_length() {
        let config = VoiceConfig::parse(CONFIG).unwrap();
        assert_eq!(config.scales(&spec(), 175), [0.5, 1.2, 0.7]);
        let fast = config.scales(&spec(), 350);
        assert!((fast[1] - 0.6).abs() < 1e-6, "{fast:?}");
        let own = PiperSpec {
            noise_scale: Some(0.9),
            length_scale: Some(1.0),
            ..spec()
        };
        assert_eq!(config.scales(&own, 175), [0.9, 1.0, 0.7]);
    }

    #[test]
    fn a_configuration_without_pad_or_of_another_phoneme_type_is_refused() {
        let err = VoiceConfig::parse(&CONFIG.replace("\"_\": [0], ", "")).unwrap_err();
        assert!(err.contains("no '_'"), "{err}");
        let text = CONFIG.replace(
            "\"num_speakers\"",
            "\"phoneme_type\": \"text\", \"num_speakers\"",
        );
        let err = VoiceConfig::parse(&text).unwrap_err();
        assert!(
            err.contains("phoneme_type \"text\" is not supported"),
            "{err}"
        );
        assert!(VoiceConfig::parse("[1, 2]").is_err());
    }

    #[test]
    fn profile_values_out_of_range_name_their_key() {
        let table = |noise_w: f32, sha: &str| ProfileTable {
            noise_w: Some(noise_w),
            sha256: Some(sha.to_string()),
            ..ProfileTable {
                model: "x".to_string(),
                sha256: None,
                speaker: None,
                noise_scale: None,
                length_scale: None,
                noise_w: None,
            }
        };
        let hash = "a".repeat(64);
        assert_eq!(table(f32::NAN, &hash).into_spec().unwrap_err().0, "noise_w");
        assert_eq!(table(11.0, &hash).into_spec().unwrap_err().0, "noise_w");
        assert_eq!(table(0.5, "abc").into_spec().unwrap_err().0, "sha256");
        assert!(table(0.5, &hash).into_spec().is_ok());
    }
}
