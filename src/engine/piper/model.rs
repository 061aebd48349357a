//! A Piper voice loaded into ONNX Runtime: a few sessions of the same model, so that sentences
//! can be spoken in parallel, each session on its own thread.
//!
//! ONNX Runtime is loaded at run time (`ort`'s `load-dynamic`) from the library [`find::runtime`]
//! finds, once per process.

use std::path::Path;
use std::sync::{Arc, Mutex, OnceLock};

use ort::environment::Environment;
use ort::session::Session;
use ort::session::builder::{GraphOptimizationLevel, PrepackedWeights};
use ort::value::Tensor;
use sha2::{Digest, Sha256};

use super::find;
use super::graph;
use super::noise::{self, NoiseSeed};
use super::optimized;

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
                // Later events too, should the runtime have started without
                // `super::RUNTIME_TELEMETRY_OFF` (a library user's process).
                .with_telemetry(false)
                .build()
                .map_err(|e| format!("ONNX Runtime could not start: {e}"))
        })
        .as_ref()
        .map_err(Clone::clone)
}

/// ONNX Runtime's build (`git-branch=rel-1.32.0, git-commit-id=…`): kernels of another build
/// may round differently.
pub fn runtime_version() -> String {
    ort::info()
        .trim_start_matches("ORT Build Info: ")
        .split(", ")
        .take(2)
        .collect::<Vec<_>>()
        .join(", ")
}

/// The most sessions opened by default: each holds the weights and its own working memory
/// (about 300 MB more per session on the joe voice).
pub const MAX_SESSIONS: usize = 4;

/// How many sessions, how many threads each, how ONNX Runtime manages their memory, whether
/// the decoder's convolutions run in two dimensions, and whether the optimized graph is kept.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RuntimeSettings {
    /// Sessions (sentences spoken at once).
    pub sessions: usize,
    /// ONNX Runtime intra-op threads per session.
    pub threads: usize,
    /// Whether the CPU allocator keeps freed blocks in an arena for reuse.
    pub arena: bool,
    /// Whether ONNX Runtime plans each input shape's allocations from the first run of it.
    pub memory_pattern: bool,
    /// Whether the sessions share one copy of the weights the kernels pre-pack.
    pub share_prepacked: bool,
    /// Whether the decoder's 1-D convolutions are rewritten as 2-D ones ([`graph`]).
    pub two_d: bool,
    /// Whether the optimized graph is kept between runs ([`optimized`]).
    pub keep_graph: bool,
}

impl RuntimeSettings {
    /// One single-threaded session per core, at most [`MAX_SESSIONS`] (measured best: see
    /// README, "Piper voices"), with the decoder in 2-D and the optimized graph kept, unless
    /// `ARTICAST_PIPER_SESSIONS`, `ARTICAST_PIPER_THREADS`, `ARTICAST_PIPER_2D=0` or
    /// `ARTICAST_PIPER_GRAPH_CACHE=0` say otherwise.
    pub fn from_env() -> RuntimeSettings {
        let cores = std::thread::available_parallelism().map_or(1, |n| n.get());
        let read = |name: &str| {
            std::env::var(name)
                .ok()
                .and_then(|v| v.trim().parse::<usize>().ok())
                .filter(|n| (1..=64).contains(n))
        };
        let flag = |name: &str, default: bool| match std::env::var(name).ok().as_deref() {
            Some("0" | "off" | "false") => false,
            Some("1" | "on" | "true") => true,
            _ => default,
        };
        RuntimeSettings {
            sessions: read("ARTICAST_PIPER_SESSIONS").unwrap_or(cores.min(MAX_SESSIONS)),
            threads: read("ARTICAST_PIPER_THREADS").unwrap_or(1),
            arena: flag("ARTICAST_PIPER_ARENA", true),
            memory_pattern: flag("ARTICAST_PIPER_MEMORY_PATTERN", true),
            share_prepacked: flag("ARTICAST_PIPER_SHARE_PREPACKED", true),
            two_d: flag("ARTICAST_PIPER_2D", true),
            keep_graph: flag("ARTICAST_PIPER_GRAPH_CACHE", true),
        }
    }
}

/// Where a session's graph comes from.
#[derive(Debug, Clone, Copy)]
enum Source<'a> {
    /// A model's graph, optimized by the session (and the result written to the path, if any).
    Graph(&'a [u8], Option<&'a Path>),
    /// A graph optimized before ([`optimized`]), loaded with the optimizations off.
    Optimized(&'a [u8]),
}

/// One session and the seed its noise kernels read.
struct Slot {
    session: Session,
    seed: Arc<NoiseSeed>,
}

/// The model's sessions.
pub struct Model {
    sessions: Vec<Mutex<Slot>>,
    has_speaker_input: bool,
    deterministic: bool,
    digest: String,
    two_d: bool,
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

/// Opens `settings.sessions` sessions of the model `bytes` (whose BLAKE3 hash is `digest`),
/// side by side: from the optimized graph kept for it when there is one ([`optimized`]), else
/// from its graph, with the decoder in two dimensions when asked for and possible ([`graph`]),
/// the first session keeping the graph it optimized. Also says whether the decoder is in 2-D.
fn open_sessions(
    env: &Environment,
    path: &Path,
    bytes: Vec<u8>,
    digest: &str,
    settings: RuntimeSettings,
) -> Result<(Vec<Slot>, bool), String> {
    let failed = |e: ort::Error| format!("ONNX Runtime cannot load {}: {e}", path.display());
    let prepacked = PrepackedWeights::new();
    let open = |source: Source| {
        let seed = Arc::new(NoiseSeed::default());
        let session = noise::domain(&seed)
            .and_then(|domain| {
                let builder = Session::builder(env)?;
                let builder = if settings.share_prepacked {
                    builder.with_prepacked_weights(&prepacked)?
                } else {
                    builder
                };
                let builder = match source {
                    Source::Optimized(_) => {
                        builder.with_optimization_level(GraphOptimizationLevel::Disable)?
                    }
                    Source::Graph(_, Some(file)) => builder.with_optimized_model_path(file)?,
                    Source::Graph(_, None) => builder,
                };
                builder
                    .with_execution_providers([ort::ep::CPU::default()
                        .with_arena_allocator(settings.arena)
                        .build()])?
                    .with_memory_pattern(settings.memory_pattern)?
                    .with_intra_threads(settings.threads.max(1))?
                    .with_inter_threads(1)?
                    .with_operators(domain)
                    .map_err(Into::into)
            })
            .and_then(|mut b| match source {
                Source::Optimized(graph) | Source::Graph(graph, _) => b.commit_from_memory(graph),
            })
            .map_err(failed)?;
        Ok(Slot { session, seed })
    };
    // Each session takes about half a second; only the first one keeps the graph it optimized.
    let open_all = |first: Source| {
        std::thread::scope(|scope| {
            let loading: Vec<_> = (0..settings.sessions.max(1))
                .map(|n| {
                    let source = match first {
                        Source::Graph(graph, _) if n > 0 => Source::Graph(graph, None),
                        _ => first,
                    };
                    scope.spawn(move || open(source))
                })
                .collect();
            loading
                .into_iter()
                .map(|h| {
                    h.join()
                        .unwrap_or_else(|_| Err("loading a session failed".to_string()))
                })
                .collect::<Result<Vec<Slot>, String>>()
        })
    };
    let rewrite = if settings.two_d {
        graph::REWRITE
    } else {
        "as given"
    };
    let entry = settings
        .keep_graph
        .then(|| optimized::Entry::for_model(digest, rewrite, &runtime_version()))
        .flatten();
    if let Some((graph, two_d)) = entry.as_ref().and_then(optimized::Entry::load) {
        match open_all(Source::Optimized(&graph)) {
            Ok(sessions) => return Ok((sessions, two_d)),
            // Whole but not loadable (another runtime's idea of a graph): written again.
            Err(_) => entry.as_ref().map_or((), optimized::Entry::remove),
        }
    }
    let lifted = settings
        .two_d
        .then(|| graph::lift_decoder_convolutions(&bytes))
        .flatten();
    let two_d = lifted.is_some();
    let graph = lifted.unwrap_or(bytes);
    if let Some(writing) = entry.as_ref().and_then(optimized::Entry::prepare) {
        // Failed, perhaps only because the optimized graph could not be written: dropping
        // `writing` removes what was written of it.
        if let Ok(sessions) = open_all(Source::Graph(&graph, Some(writing.path()))) {
            writing.commit(two_d);
            return Ok((sessions, two_d));
        }
    }
    Ok((open_all(Source::Graph(&graph, None))?, two_d))
}

impl Model {
    /// Loads the model at `path` (checking its sha256 when `sha256` is given) into
    /// `settings.sessions` sessions.
    pub fn load(
        path: &Path,
        sha256: Option<&str>,
        settings: RuntimeSettings,
    ) -> Result<Model, String> {
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
        let digest = blake3::hash(&bytes).to_hex().to_string();
        let (sessions, two_d) = open_sessions(env, path, bytes, &digest, settings)?;
        let first = &sessions[0].session;
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
        let mut model = Model {
            sessions: sessions.into_iter().map(Mutex::new).collect(),
            has_speaker_input,
            deterministic: false,
            digest,
            two_d,
        };
        model.deterministic = model.probe()?;
        Ok(model)
    }

    /// Whether the same ids give the same samples twice on one session (a session draws on
    /// from where its last run left off, so noise left to the runtime would differ): true when
    /// the model's noise is all drawn by articast's seeded kernel, or it has none.
    fn probe(&self) -> Result<bool, String> {
        // "^ _ a _ b _ $" in most voices' maps; any ids below the map's size will do.
        let ids = [1, 0, 14, 0, 15, 0, 16, 0, 2];
        let scales = [0.667, 1.0, 0.8];
        let first = self.infer(0, &ids, scales, None)?;
        let second = self.infer(0, &ids, scales, None)?;
        Ok(first == second)
    }

    /// The BLAKE3 hash of the model file, in hex.
    pub fn digest(&self) -> &str {
        &self.digest
    }

    /// Whether its decoder runs in two dimensions (see [`graph`]).
    pub fn two_d(&self) -> bool {
        self.two_d
    }

    /// Whether its speech depends on its input alone (see [`noise`]).
    pub fn deterministic(&self) -> bool {
        self.deterministic
    }

    /// How many sentences it can speak at once.
    pub fn sessions(&self) -> usize {
        self.sessions.len()
    }

    /// Speaks one id sequence on a free session, trying session `slot` first and waiting for it
    /// when all are busy (engines of several engine sets share the model): float samples as the
    /// model gives them. Which session speaks changes nothing: the noise is seeded by the input.
    pub fn infer(
        &self,
        slot: usize,
        ids: &[i64],
        scales: [f32; 3],
        speaker: Option<i64>,
    ) -> Result<Vec<f32>, String> {
        let n = self.sessions.len();
        let free = (0..n).find_map(|k| match self.sessions[(slot + k) % n].try_lock() {
            Ok(guard) => Some(guard),
            Err(std::sync::TryLockError::Poisoned(p)) => Some(p.into_inner()),
            Err(std::sync::TryLockError::WouldBlock) => None,
        });
        let mut slot = match free {
            Some(guard) => guard,
            None => self.sessions[slot % n]
                .lock()
                .unwrap_or_else(|poisoned| poisoned.into_inner()),
        };
        slot.seed.set(noise::seed_for(ids, scales, speaker));
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
        let outputs = slot.session.run(inputs).map_err(fail)?;
        let output = outputs.values().next().ok_or("the model gave no output")?;
        let (_, audio) = output.try_extract_tensor::<f32>().map_err(fail)?;
        Ok(audio.to_vec())
    }
}
