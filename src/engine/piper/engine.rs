//! The Piper engine: voices loaded on first use, sentences spoken in parallel.

use std::collections::HashMap;
use std::path::PathBuf;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};

use super::model::{Model, RuntimeSettings};
use super::phonemes::{self, IdMap, MAX_IDS, Sentence};
use super::{PiperSpec, VoiceConfig, find};
use crate::engine::{
    Engine, EngineError, EngineInfo, Event, EventKind, Speech, Voice, WordTiming, espeak_ipa,
    excerpt,
};

const ENGINE: &str = "piper";

/// Silence between the sentences of one utterance, in milliseconds (the engine's own sentence
/// pause, about espeak-ng's; a profile's `[pauses] sentence` speaks each sentence on its own
/// instead).
pub const SENTENCE_GAP_MS: u32 = 300;

/// A loaded voice.
#[derive(Debug)]
struct Loaded {
    config: VoiceConfig,
    ids: IdMap,
    model: Model,
    /// What its speech depends on besides the profile: the model's and configuration's
    /// hashes, the noise algorithm, ONNX Runtime's and libespeak-ng's versions.
    identity: String,
}

/// The Piper engine of one voice. The model is loaded when the engine opens; engines of the
/// same model (a narrator and its quote voice) share it.
#[derive(Debug)]
pub struct PiperEngine {
    spec: PiperSpec,
    loaded: Arc<Loaded>,
    /// Utterances spoken ahead by [`Engine::prefetch`]: text, voice, speech.
    kept: Vec<(String, Voice, Speech)>,
}

/// Models loaded in this process, by file and expected hash.
type Models = HashMap<(PathBuf, Option<String>), Arc<Loaded>>;

static MODELS: Mutex<Option<Models>> = Mutex::new(None);

impl PiperEngine {
    /// Opens the voice of `spec`: finds its files and the runtime, checks the model's hash and
    /// loads it (`ARTICAST_PIPER_SESSIONS` sessions of `ARTICAST_PIPER_THREADS` threads).
    pub fn open(spec: PiperSpec) -> Result<PiperEngine, EngineError> {
        let unavailable = |reason: String| EngineError::Unavailable {
            engine: ENGINE.to_string(),
            reason,
        };
        let files = find::voice(&spec.model, spec.base.as_deref()).map_err(unavailable)?;
        let key = (files.model.clone(), spec.sha256.clone());
        let mut models = MODELS.lock().unwrap_or_else(|p| p.into_inner());
        let models = models.get_or_insert_with(HashMap::new);
        let loaded = match models.get(&key) {
            Some(loaded) => Arc::clone(loaded),
            None => {
                let config = VoiceConfig::load(&files.config).map_err(unavailable)?;
                let config_bytes = std::fs::read(&files.config).map_err(|e| {
                    unavailable(format!("cannot read {}: {e}", files.config.display()))
                })?;
                let settings = RuntimeSettings::from_env();
                let model = Model::load(&files.model, spec.sha256.as_deref(), settings)
                    .map_err(unavailable)?;
                // The number of intra-op threads and the decoder's rewrite change how ONNX
                // Runtime groups its sums, and so the last bits of the samples; sessions and
                // memory options do not.
                let identity = format!(
                    "model {} config {} threads {} graph {} noise {} onnxruntime {} libespeak-ng {}",
                    &model.digest()[..16],
                    &blake3::hash(&config_bytes).to_hex()[..16],
                    settings.threads,
                    if model.two_d() {
                        super::graph::REWRITE
                    } else {
                        "as given"
                    },
                    super::noise::ALGORITHM,
                    super::model::runtime_version(),
                    crate::engine::espeak::library_version(),
                );
                let loaded = Arc::new(Loaded {
                    ids: IdMap(config.phoneme_id_map.clone()),
                    config,
                    model,
                    identity,
                });
                models.insert(key, Arc::clone(&loaded));
                loaded
            }
        };
        Ok(PiperEngine {
            spec,
            loaded,
            kept: Vec::new(),
        })
    }
}

/// One utterance made ready to speak: its pieces and their ids.
struct Plan {
    text: String,
    voice: Voice,
    loaded: Arc<Loaded>,
    scales: [f32; 3],
    speaker: Option<i64>,
    /// Each piece with the number of the sentence it belongs to.
    pieces: Vec<(usize, Sentence)>,
    ids: Vec<Vec<i64>>,
}

/// Utterances spoken ahead of their turn by [`PiperEngine::prefetch`], at most this many at once.
pub const PREFETCH_UTTERANCES: usize = 24;

impl PiperEngine {
    fn plan(&mut self, text: &str, voice: &Voice) -> Result<Plan, EngineError> {
        let spec = &self.spec;
        let loaded = Arc::clone(&self.loaded);
        let speaker = loaded
            .config
            .speaker(spec)
            .map_err(|reason| synthesis_error(text, reason))?;
        let mut plan = Plan {
            text: text.to_string(),
            voice: voice.clone(),
            scales: loaded.config.scales(spec, voice.rate),
            speaker,
            loaded,
            pieces: Vec::new(),
            ids: Vec::new(),
        };
        if !text.chars().any(char::is_alphanumeric) {
            return Ok(plan);
        }
        let clauses = espeak_ipa::clauses(text, &plan.loaded.config.espeak_voice)?;
        for (n, sentence) in phonemes::sentences(&clauses)
            .into_iter()
            .filter(Sentence::is_spoken)
            .enumerate()
        {
            plan.pieces
                .extend(sentence.pieces(MAX_IDS).into_iter().map(|p| (n, p)));
        }
        plan.ids = plan
            .pieces
            .iter()
            .map(|(_, p)| plan.loaded.ids.ids(p.symbols()))
            .collect();
        Ok(plan)
    }

    /// Speaks the first utterances of `ahead` (up to [`PREFETCH_UTTERANCES`]) all at once,
    /// their sentences spread over the sessions, and keeps them for the [`Engine::synthesize`]
    /// calls that ask for them. Does nothing when the first is already kept. A failure is not
    /// kept: the `synthesize` call then reports it.
    fn speak_ahead(&mut self, ahead: &[(&str, &Voice)]) {
        let mut ahead = ahead.iter().copied().peekable();
        if let Some((text, voice)) = ahead.peek()
            && self.kept.iter().any(|(t, v, _)| t == text && v == *voice)
        {
            return;
        }
        let mut plans = Vec::new();
        for (text, voice) in ahead.take(PREFETCH_UTTERANCES) {
            match self.plan(text, voice) {
                Ok(plan) => plans.push(plan),
                Err(_) => break,
            }
        }
        let jobs: Vec<Job> = plans
            .iter()
            .flat_map(|p| {
                p.ids.iter().map(move |ids| Job {
                    model: &p.loaded.model,
                    ids,
                    scales: p.scales,
                    speaker: p.speaker,
                })
            })
            .collect();
        let mut audio = infer_all(&jobs).into_iter();
        let mut kept = Vec::new();
        for plan in &plans {
            let results: Vec<Result<Vec<f32>, String>> =
                audio.by_ref().take(plan.ids.len()).collect();
            if let Ok(samples) = results.into_iter().collect::<Result<Vec<_>, _>>() {
                kept.push((
                    plan.text.clone(),
                    plan.voice.clone(),
                    assemble(plan, samples),
                ));
            }
        }
        self.kept.extend(kept);
    }
}

impl Engine for PiperEngine {
    fn info(&self) -> EngineInfo {
        EngineInfo {
            name: ENGINE.to_string(),
            sample_rate: self.loaded.config.sample_rate,
            // Word times are estimated from the phonemes of each sentence.
            word_timing: WordTiming::Phonemes,
            markup: crate::engine::Markup::None,
            // The models' noise is seeded by each sentence's input (see `noise`), so the
            // same text and voice always sound the same; a model whose noise articast cannot
            // seed is neither cached nor spoken in parallel.
            stateless: self.loaded.model.deterministic(),
            // Its sessions speak the sentences of the next utterances side by side (measured
            // faster than engine sets speaking an utterance each: README, "Piper").
            parallel: true,
            version: format!(
                "{} {} speaker {:?} scales {:?} {:?} {:?}",
                self.spec.model,
                self.loaded.identity,
                self.spec.speaker,
                self.spec.noise_scale,
                self.spec.length_scale,
                self.spec.noise_w
            ),
        }
    }

    fn prefetch(&mut self, upcoming: &[(&str, &Voice)]) {
        self.speak_ahead(upcoming);
    }

    fn begin(&mut self) -> Result<(), EngineError> {
        // Speech kept for utterances never asked for (the cache answered them) goes.
        self.kept.clear();
        Ok(())
    }

    fn synthesize(&mut self, text: &str, voice: &Voice) -> Result<Speech, EngineError> {
        if let Some(i) = self
            .kept
            .iter()
            .position(|(t, v, _)| t == text && v == voice)
        {
            return Ok(self.kept.swap_remove(i).2);
        }
        let plan = self.plan(text, voice)?;
        let jobs: Vec<Job> = plan
            .ids
            .iter()
            .map(|ids| Job {
                model: &plan.loaded.model,
                ids,
                scales: plan.scales,
                speaker: plan.speaker,
            })
            .collect();
        let audio = infer_all(&jobs)
            .into_iter()
            .collect::<Result<Vec<_>, _>>()
            .map_err(|reason| synthesis_error(text, reason))?;
        Ok(assemble(&plan, audio))
    }
}

fn synthesis_error(text: &str, reason: String) -> EngineError {
    EngineError::Synthesis {
        engine: ENGINE.to_string(),
        utterance: excerpt(text),
        reason,
    }
}

/// The utterance's audio: its pieces in order, [`SENTENCE_GAP_MS`] between sentences, with a
/// sentence event at each sentence and estimated word events.
fn assemble(plan: &Plan, audio: Vec<Vec<f32>>) -> Speech {
    let rate = plan.loaded.config.sample_rate;
    let mut speech = Speech {
        sample_rate: rate,
        ..Speech::default()
    };
    let gap = (u64::from(rate) * u64::from(SENTENCE_GAP_MS) / 1000) as usize;
    let mut previous = None;
    for ((sentence, piece), samples) in plan.pieces.iter().zip(audio) {
        if previous != Some(*sentence) {
            if previous.is_some() {
                speech.samples.resize(speech.samples.len() + gap, 0);
            }
            if let Some(first) = piece.segments.first() {
                speech.events.push(Event {
                    kind: EventKind::Sentence,
                    sample: speech.samples.len() as u64,
                    char_start: char_offset(&plan.text, first.text.start),
                    char_len: 0,
                });
            }
            previous = Some(*sentence);
        }
        let start = speech.samples.len() as u64;
        word_events(&plan.text, piece, start, samples.len(), &mut speech.events);
        speech.samples.extend(samples.iter().map(|&x| to_i16(x)));
    }
    speech
}

/// The audio of one inference, or why there is none.
type Inferred = Result<Vec<f32>, String>;

/// One inference to run.
struct Job<'a> {
    model: &'a Model,
    ids: &'a [i64],
    scales: [f32; 3],
    speaker: Option<i64>,
}

/// Runs every job, longest first, on as many workers as the largest model has sessions; each
/// result in its job's place. After a failure the remaining jobs are not run.
fn infer_all(jobs: &[Job]) -> Vec<Result<Vec<f32>, String>> {
    let run = |slot: usize, job: &Job| job.model.infer(slot, job.ids, job.scales, job.speaker);
    let workers = jobs
        .iter()
        .map(|j| j.model.sessions())
        .max()
        .unwrap_or(1)
        .min(jobs.len());
    if workers <= 1 {
        return jobs.iter().map(|j| run(0, j)).collect();
    }
    let mut order: Vec<usize> = (0..jobs.len()).collect();
    order.sort_by_key(|&i| std::cmp::Reverse(jobs[i].ids.len()));
    let next = AtomicUsize::new(0);
    let results: Vec<Mutex<Option<Inferred>>> = jobs.iter().map(|_| Mutex::new(None)).collect();
    std::thread::scope(|scope| {
        for slot in 0..workers {
            let (next, order, results, run) = (&next, &order, &results, &run);
            scope.spawn(move || {
                while let Some(&i) = order.get(next.fetch_add(1, Ordering::Relaxed)) {
                    let result = run(slot, &jobs[i]);
                    let stop = result.is_err();
                    *results[i].lock().unwrap_or_else(|p| p.into_inner()) = Some(result);
                    if stop {
                        // The other workers finish their current job and stop too.
                        next.store(order.len(), Ordering::Relaxed);
                    }
                }
            });
        }
    });
    results
        .into_iter()
        .map(|r| {
            r.into_inner()
                .unwrap_or_else(|p| p.into_inner())
                .unwrap_or_else(|| Err("not spoken: an earlier sentence failed".to_string()))
        })
        .collect()
}

/// A model sample as 16-bit, without normalization.
fn to_i16(x: f32) -> i16 {
    (x.clamp(-1.0, 1.0) * f32::from(i16::MAX)) as i16
}

/// The character offset of byte `byte` of `text`.
fn char_offset(text: &str, byte: usize) -> usize {
    let byte = byte.min(text.len());
    text.char_indices().take_while(|(i, _)| *i < byte).count()
}

/// Word events for one piece of `len` samples starting at `start`: each clause gets its share of
/// the audio by its number of symbols; inside a clause, each word by its number of phonemes when
/// espeak-ng's words line up with the text's, else by its number of letters.
fn word_events(text: &str, piece: &Sentence, start: u64, len: usize, events: &mut Vec<Event>) {
    let weight = |symbols: &[String]| symbols.iter().filter(|s| s.as_str() != " ").count();
    let total: usize = piece.segments.iter().map(|s| weight(&s.symbols)).sum();
    if total == 0 || len == 0 {
        return;
    }
    let mut before = 0;
    for segment in &piece.segments {
        let count = weight(&segment.symbols);
        let seg_start = start + (len * before / total) as u64;
        let seg_len = len * count / total;
        before += count;
        let Some(words_text) = text.get(segment.text.clone()) else {
            continue;
        };
        let mut words: Vec<(usize, &str)> = Vec::new();
        let mut offset = 0;
        for word in words_text.split_whitespace() {
            let at = words_text[offset..]
                .find(word)
                .map_or(offset, |p| offset + p);
            offset = at + word.len();
            if word.chars().any(char::is_alphanumeric) {
                words.push((segment.text.start + at, word));
            }
        }
        if words.is_empty() {
            continue;
        }
        let joined = segment.symbols.concat();
        let spoken: Vec<usize> = joined
            .split(' ')
            .map(|w| w.chars().filter(|c| c.is_alphabetic()).count())
            .filter(|&n| n > 0)
            .collect();
        let weights: Vec<usize> = if spoken.len() == words.len() {
            spoken
        } else {
            words
                .iter()
                .map(|(_, w)| w.chars().count().max(1))
                .collect()
        };
        let sum: usize = weights.iter().sum::<usize>().max(1);
        let mut acc = 0;
        for ((byte, word), w) in words.iter().zip(weights) {
            events.push(Event {
                kind: EventKind::Word,
                sample: seg_start + (seg_len * acc / sum) as u64,
                char_start: char_offset(text, *byte),
                char_len: word.chars().count(),
            });
            acc += w;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::engine::piper::phonemes::Segment;

    fn segment(text: std::ops::Range<usize>, symbols: &str) -> Segment {
        Segment {
            text,
            symbols: symbols.chars().map(String::from).collect(),
        }
    }

    #[test]
    fn words_share_a_clause_by_their_phonemes() {
        let text = "Hi there, you.";
        let piece = Sentence {
            segments: vec![segment(0..8, "haɪ ðɛɹ, "), segment(10..13, "juː.")],
        };
        let mut events = Vec::new();
        word_events(text, &piece, 100, 1_200, &mut events);
        let got: Vec<(u64, usize, usize)> = events
            .iter()
            .map(|e| (e.sample, e.char_start, e.char_len))
            .collect();
        // 11 symbols without spaces: the first clause has 7 (763 samples), the second 4.
        // "haɪ" has 3 letters of the clause's 6, so "there" starts half-way through it.
        assert_eq!(got, vec![(100, 0, 2), (481, 3, 5), (863, 10, 3)]);
    }

    #[test]
    fn samples_are_clipped_not_normalized() {
        assert_eq!(to_i16(0.5), 16_383);
        assert_eq!(to_i16(-3.0), -i16::MAX);
        assert_eq!(char_offset("née x", 4), 3);
    }
}
