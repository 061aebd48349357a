//! A Piper voice loaded into ONNX Runtime: a few sessions of the same model, so that sentences
//! can be spoken in parallel, each session on its own thread.
//!
//! ONNX Runtime is loaded at run time (`ort`'s `load-dynamic`) from the library [`find::runtime`]
//! finds, once per process.

use std::path::Path;
use std::sync::{Mutex, OnceLock};

use ort::environment::Environment;
use ort::session::Session;
use ort::value::Tensor;
use sha2::{Digest, Sha256};

use super::find;

/// The process's ONNX Runtime, loaded on first use; the error says how to install it.
pub fn environment() -> Result<&'static Environment, String> {
    static RUNTIME: OnceLock<Result<Environment, String>> = OnceLock::new();
    RUNTIME
        .get_or_init(|| {
            let path = find::runtime()?;
            ort::init_from(&path)
                .map_err(|e| {
                    format!(
                        "ONNX Runtime at {} could not be loaded ({e}); {}",
                        path.display(),
                        find::RUNTIME_FIX
                    )
                })?
                .with_name("articast")
                .build()
                .map_err(|e| format!("ONNX Runtime could not start: {e}"))
        })
        .as_ref()
        .map_err(Clone::clone)
}

/// The most sessions opened by default: each holds the weights and its own working memory
/// (about 300 MB more per session on the joe voice).
pub const MAX_SESSIONS: usize = 4;

/// How many sessions and how many threads each.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Parallel {
    /// Sessions (sentences spoken at once).
    pub sessions: usize,
    /// ONNX Runtime intra-op threads per session.
    pub threads: usize,
}

impl Parallel {
    /// One single-threaded session per core, at most [`MAX_SESSIONS`] (measured best: see
    /// README, "Piper voices"), unless `ARTICAST_PIPER_SESSIONS` / `ARTICAST_PIPER_THREADS`
    /// say otherwise.
    pub fn from_env() -> Parallel {
        let cores = std::thread::available_parallelism().map_or(1, |n| n.get());
        let read = |name: &str| {
            std::env::var(name)
                .ok()
                .and_then(|v| v.trim().parse::<usize>().ok())
                .filter(|n| (1..=64).contains(n))
        };
        Parallel {
            sessions: read("ARTICAST_PIPER_SESSIONS").unwrap_or(cores.min(MAX_SESSIONS)),
            threads: read("ARTICAST_PIPER_THREADS").unwrap_or(1),
        }
    }
}

/// The model's sessions.
pub struct Model {
    sessions: Vec<Mutex<Session>>,
    has_speaker_input: bool,
}

impl std::fmt::Debug for Model {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Model")
            .field("sessions", &self.sessions.len())
            .finish()
    }
}

/// The sha256 of a file's bytes, in hex.
pub fn sha256_hex(bytes: &[u8]) -> String {
    Sha256::digest(bytes)
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

impl Model {
    /// Loads the model at `path` (checking its sha256 when `sha256` is given) into
    /// `parallel.sessions` sessions.
    pub fn load(path: &Path, sha256: Option<&str>, parallel: Parallel) -> Result<Model, String> {
        let env = environment()?;
        let bytes =
            std::fs::read(path).map_err(|e| format!("cannot read {}: {e}", path.display()))?;
        if let Some(expected) = sha256 {
            let actual = sha256_hex(&bytes);
            if !actual.eq_ignore_ascii_case(expected) {
                return Err(format!(
                    "{} has sha256 {actual}, not the {expected} the profile expects \
                     (a different or damaged download; reinstall the voice)",
                    path.display()
                ));
            }
        }
        let failed = |e: ort::Error| format!("ONNX Runtime cannot load {}: {e}", path.display());
        let open = || {
            Session::builder(env)
                .and_then(|b| {
                    b.with_intra_threads(parallel.threads.max(1))
                        .map_err(Into::into)
                })
                .and_then(|b| b.with_inter_threads(1).map_err(Into::into))
                .and_then(|mut b| b.commit_from_memory(&bytes))
                .map_err(failed)
        };
        // The sessions load side by side (each takes about half a second).
        let sessions = std::thread::scope(|scope| {
            let loading: Vec<_> = (0..parallel.sessions.max(1))
                .map(|_| scope.spawn(open))
                .collect();
            loading
                .into_iter()
                .map(|h| {
                    h.join()
                        .unwrap_or_else(|_| Err("loading a session failed".to_string()))
                })
                .collect::<Result<Vec<Session>, String>>()
        })?;
        let first = &sessions[0];
        for name in ["input", "input_lengths", "scales"] {
            if !first.inputs().iter().any(|i| i.name() == name) {
                return Err(format!(
                    "{} is not a Piper voice (no input '{name}')",
                    path.display()
                ));
            }
        }
        if first.outputs().is_empty() {
            return Err(format!(
                "{} is not a Piper voice (no output)",
                path.display()
            ));
        }
        let has_speaker_input = first.inputs().iter().any(|i| i.name() == "sid");
        Ok(Model {
            sessions: sessions.into_iter().map(Mutex::new).collect(),
            has_speaker_input,
        })
    }

    /// How many sentences it can speak at once.
    pub fn sessions(&self) -> usize {
        self.sessions.len()
    }

    /// Speaks one id sequence on session `slot`: float samples as the model gives them.
    pub fn infer(
        &self,
        slot: usize,
        ids: &[i64],
        scales: [f32; 3],
        speaker: Option<i64>,
    ) -> Result<Vec<f32>, String> {
        let mut session = self.sessions[slot % self.sessions.len()]
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner());
        let fail = |e: ort::Error| format!("ONNX Runtime: {e}");
        let len = ids.len();
        let mut inputs = ort::inputs![
            "input" => Tensor::from_array(([1usize, len], ids.to_vec())).map_err(fail)?,
            "input_lengths" => Tensor::from_array(([1usize], vec![len as i64])).map_err(fail)?,
            "scales" => Tensor::from_array(([3usize], scales.to_vec())).map_err(fail)?,
        ];
        if self.has_speaker_input {
            let sid = Tensor::from_array(([1usize], vec![speaker.unwrap_or(0)])).map_err(fail)?;
            inputs.push(("sid".into(), sid.into()));
        }
        let outputs = session.run(inputs).map_err(fail)?;
        let output = outputs.values().next().ok_or("the model gave no output")?;
        let (_, audio) = output.try_extract_tensor::<f32>().map_err(fail)?;
        Ok(audio.to_vec())
    }
}
