//! Stage 8 — batch: render many inputs, each to its own files; one failure does not stop the run.
//!
//! Several renderers work at once, each taking the next input not yet taken; the outcomes come
//! back in the inputs' order. Every renderer makes the same files from the same input, so the
//! output does not depend on how many there are.

use std::sync::Mutex;
use std::sync::atomic::{AtomicUsize, Ordering};

use serde_json::json;

use crate::input::Source;
use crate::input::expand::Input;
use crate::render::{Observer, RenderError, Rendered, Renderer};

/// What happened to one input.
#[derive(Debug)]
pub struct Outcome {
    /// The input.
    pub source: Source,
    /// Its files, or why there are none.
    pub result: Result<Rendered, RenderError>,
    /// Whether its render began (an input not begun when the run was interrupted is not).
    pub started: bool,
}

impl Outcome {
    /// `ok`, `skipped` (kept from an earlier run), `interrupted` or `failed`: the report's
    /// status.
    pub fn status(&self) -> &'static str {
        match &self.result {
            Ok(done) if done.skipped => "skipped",
            Ok(_) => "ok",
            Err(RenderError::Interrupted) => "interrupted",
            Err(_) => "failed",
        }
    }
}

/// How a batch treats the outputs of earlier runs.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Options {
    /// Render every input, even one whose files an earlier run made from the same input and
    /// settings (`--force`); otherwise those are kept and reported as skipped.
    pub force: bool,
}

/// Receives the progress of a batch. Each renderer at work has a slot (0, 1, …), so a front
/// end can draw one line per article being rendered. Calls come from the renderers' threads,
/// one at a time.
pub trait Progress: Send {
    /// The renderer in `slot` starts an input with this many utterances to speak.
    fn started(&mut self, _slot: usize, _name: &str, _utterances: usize) {}
    /// The renderer in `slot` spoke one utterance.
    fn spoke(&mut self, _slot: usize) {}
    /// The renderer in `slot` spoke every utterance, and masters and writes the files.
    fn mastering(&mut self, _slot: usize) {}
    /// A warning that does not stop the render (one line).
    fn warning(&mut self, _line: &str) {}
    /// Input `index` (into the inputs given) is finished, rendered in `slot`.
    fn finished(&mut self, _slot: usize, _index: usize, _outcome: &Outcome) {}
    /// Whether the user asked to stop (Ctrl-C, SIGTERM): no new input starts, and the ones
    /// under way stop at their next utterance and leave no file.
    fn cancelled(&self) -> bool {
        false
    }
}

/// A [`Progress`] that ignores everything.
pub struct Quiet;
impl Progress for Quiet {}

/// Renders every input, with as many at once as there are renderers. An input whose files an
/// earlier run made from the same input and settings is kept (unless `options.force`). Two
/// inputs with the same output name are never written over each other: the later one (in the
/// inputs' order) fails with [`RenderError::DuplicateOutput`] ([`crate::input::expand`] gives
/// inputs distinct names to begin with). After a cancellation the inputs not finished are
/// [`RenderError::Interrupted`].
pub fn render_all(
    inputs: &[Input],
    renderers: &mut [Renderer],
    options: Options,
    progress: &mut dyn Progress,
) -> Vec<Outcome> {
    let mut taken = std::collections::HashSet::new();
    let duplicate: Vec<bool> = inputs
        .iter()
        .map(|i| !taken.insert(i.name.clone()))
        .collect();
    let next = AtomicUsize::new(0);
    let results: Mutex<Vec<Option<Outcome>>> = Mutex::new(inputs.iter().map(|_| None).collect());
    let shared = Mutex::new(progress);
    std::thread::scope(|scope| {
        for (slot, renderer) in renderers.iter_mut().enumerate() {
            let (next, results, shared, duplicate) = (&next, &results, &shared, &duplicate);
            scope.spawn(move || {
                let mut observer = Slot {
                    shared,
                    slot,
                    next,
                    inputs: inputs.len(),
                };
                loop {
                    let i = next.fetch_add(1, Ordering::SeqCst);
                    let Some(input) = inputs.get(i) else {
                        break;
                    };
                    let started = !observer.cancelled();
                    let result = if !started {
                        Err(RenderError::Interrupted)
                    } else if duplicate[i] {
                        Err(RenderError::DuplicateOutput(
                            renderer.output_path(&input.name),
                        ))
                    } else if let Some(kept) = (!options.force)
                        .then(|| renderer.unchanged(&input.source, &input.name))
                        .flatten()
                    {
                        Ok(kept)
                    } else {
                        renderer.render_named(&input.source, &input.name, &mut observer)
                    };
                    let outcome = Outcome {
                        source: input.source.clone(),
                        result,
                        started,
                    };
                    if let Ok(mut progress) = shared.lock() {
                        progress.finished(slot, i, &outcome);
                    }
                    if let Ok(mut results) = results.lock() {
                        results[i] = Some(outcome);
                    }
                }
            });
        }
    });
    let results = results.into_inner().unwrap_or_else(|e| e.into_inner());
    inputs
        .iter()
        .zip(results)
        .map(|(input, outcome)| {
            outcome.unwrap_or_else(|| Outcome {
                source: input.source.clone(),
                result: Err(RenderError::Interrupted),
                started: false,
            })
        })
        .collect()
}

/// The observer of the renderer in one slot: passes its reports on to the run's progress.
struct Slot<'a, 'p> {
    shared: &'a Mutex<&'p mut dyn Progress>,
    slot: usize,
    /// The next input to be taken, and how many there are.
    next: &'a AtomicUsize,
    inputs: usize,
}

impl Slot<'_, '_> {
    fn with(&self, f: impl FnOnce(&mut dyn Progress)) {
        if let Ok(mut progress) = self.shared.lock() {
            f(&mut **progress);
        }
    }
}

impl Observer for Slot<'_, '_> {
    fn begin(&mut self, name: &str, utterances: usize) {
        self.with(|p| p.started(self.slot, name, utterances));
    }
    fn spoke(&mut self) {
        self.with(|p| p.spoke(self.slot));
    }
    fn mastering(&mut self) {
        self.with(|p| p.mastering(self.slot));
    }
    fn warning(&mut self, line: &str) {
        self.with(|p| p.warning(line));
    }
    fn cancelled(&self) -> bool {
        self.shared.lock().map(|p| p.cancelled()).unwrap_or(true)
    }
    fn more_to_come(&self) -> bool {
        self.next.load(Ordering::SeqCst) < self.inputs
    }
}

/// The exit code of a run: 130 when it was interrupted, else the worst of its failures (2 for
/// inputs that cannot be read or hold no article, 1 for the others), else 0.
pub fn exit_code(outcomes: &[Outcome]) -> u8 {
    let codes = outcomes.iter().filter_map(|o| o.result.as_ref().err());
    match codes.clone().any(|e| matches!(e, RenderError::Interrupted)) {
        true => 130,
        false => codes.map(RenderError::exit_code).max().unwrap_or(0),
    }
}

/// The report of a run (`--report FILE`): one entry per input, in the order given, and a
/// summary. Operators read it to find what failed and why, and what the cache saved.
pub fn report(
    inputs: &[Input],
    outcomes: &[Outcome],
    wall: std::time::Duration,
) -> serde_json::Value {
    let articles: Vec<serde_json::Value> = inputs
        .iter()
        .zip(outcomes)
        .map(|(input, outcome)| entry(input, outcome))
        .collect();
    let count = |status| outcomes.iter().filter(|o| o.status() == status).count();
    let sum = |key: &str| -> f64 { articles.iter().filter_map(|a| a[key].as_f64()).sum() };
    let total = |key: &str| -> u64 { articles.iter().filter_map(|a| a[key].as_u64()).sum() };
    let synthesis = sum("synthesis_seconds");
    let audio = sum("audio_seconds");
    json!({
        "articles": articles,
        "summary": {
            "articast": env!("CARGO_PKG_VERSION"),
            "articles": inputs.len(),
            "ok": count("ok"),
            "skipped": count("skipped"),
            "failed": count("failed"),
            "interrupted": count("interrupted"),
            "audio_seconds": audio,
            "synthesis_seconds": synthesis,
            "rtf": rtf(synthesis, audio),
            "cache_hits": total("cache_hits"),
            "cache_misses": total("cache_misses"),
            "cache_corrupt": total("cache_corrupt"),
            "wall_seconds": wall.as_secs_f64(),
            "exit_code": exit_code(outcomes),
        },
    })
}

/// Seconds of synthesis per second of audio (the real-time factor; below 1 is faster than
/// real time).
fn rtf(synthesis: f64, audio: f64) -> Option<f64> {
    (audio > 0.0).then(|| synthesis / audio)
}

/// One article's entry of the report.
fn entry(input: &Input, outcome: &Outcome) -> serde_json::Value {
    let mut entry = json!({
        "input": outcome.source.display_name(),
        "name": input.name.to_string_lossy(),
        "status": outcome.status(),
        "outputs": [],
        "error": null,
        "audio_seconds": null,
        "synthesis_seconds": null,
        "rtf": null,
        "cache_hits": null,
        "cache_misses": null,
        "markers": null,
        "dropped": null,
    });
    if let Some(note) = &input.renamed {
        entry["renamed"] = json!(note);
    }
    match &outcome.result {
        Ok(done) => {
            let outputs: Vec<String> = done
                .audio
                .iter()
                .chain(&done.playlist)
                .chain(&done.sidecars)
                .map(|p| p.display().to_string())
                .collect();
            entry["outputs"] = json!(outputs);
            entry["audio_seconds"] = json!(done.seconds);
            entry["markers"] = json!(done.sections + done.quotes);
            entry["dropped"] = json!(done.dropped);
            entry["retried"] = json!(done.retried);
            if !done.skipped {
                let synthesis = done.timings.synthesis.as_secs_f64();
                entry["synthesis_seconds"] = json!(synthesis);
                entry["rtf"] = json!(rtf(synthesis, done.seconds));
                entry["render_seconds"] = json!(done.timings.total.as_secs_f64());
                entry["cache_hits"] = json!(done.cache.map_or(0, |c| c.hits));
                entry["cache_misses"] = json!(done.cache.map_or(0, |c| c.misses));
                entry["cache_corrupt"] = json!(done.cache.map_or(0, |c| c.corrupt));
            }
            if let Some(l) = &done.loudness {
                entry["loudness"] = json!({
                    "integrated_lufs": l.integrated,
                    "true_peak_dbtp": l.true_peak,
                    "range_lu": l.range,
                });
            }
        }
        Err(err) => {
            entry["error"] = json!(err.to_string());
            entry["exit_code"] = json!(err.exit_code());
        }
    }
    entry
}

/// The inputs of shard `index` of `count` (1-based): those whose output name hashes to it, so a
/// cluster's machines share a list and each renders its own part, the same part on every run.
pub fn shard(inputs: Vec<Input>, index: usize, count: usize) -> Vec<Input> {
    inputs
        .into_iter()
        .filter(|input| {
            let hash = blake3::hash(input.name.to_string_lossy().as_bytes());
            let mut head = [0u8; 8];
            head.copy_from_slice(&hash.as_bytes()[..8]);
            (u64::from_le_bytes(head) % count.max(1) as u64) as usize + 1 == index
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::path::PathBuf;

    fn inputs(n: usize) -> Vec<Input> {
        (0..n)
            .map(|i| Input {
                source: Source::File(PathBuf::from(format!("a{i}.txt"))),
                name: PathBuf::from(format!("a{i}")),
                renamed: None,
            })
            .collect()
    }

    #[test]
    fn shards_split_the_inputs_into_disjoint_parts_that_cover_them() {
        let all = inputs(200);
        let parts: Vec<Vec<Input>> = (1..=3).map(|k| shard(all.clone(), k, 3)).collect();
        assert_eq!(parts.iter().map(Vec::len).sum::<usize>(), 200);
        assert!(parts.iter().all(|p| p.len() > 40), "roughly even");
        let mut names: Vec<PathBuf> = parts.concat().into_iter().map(|i| i.name).collect();
        names.sort();
        names.dedup();
        assert_eq!(names.len(), 200);
        assert_eq!(
            shard(all.clone(), 2, 3),
            parts[1],
            "the same part every time"
        );
    }

    #[test]
    fn the_report_lists_failures_with_their_reason_and_exit_code() {
        let inputs = inputs(1);
        let outcomes = vec![Outcome {
            source: inputs[0].source.clone(),
            result: Err(RenderError::Article(crate::article::ArticleError::Empty)),
            started: true,
        }];
        let report = report(&inputs, &outcomes, std::time::Duration::from_secs(1));
        assert_eq!(report["summary"]["failed"], 1);
        assert_eq!(report["summary"]["exit_code"], 2);
        assert_eq!(report["articles"][0]["status"], "failed");
        assert_eq!(report["articles"][0]["exit_code"], 2);
        assert!(
            report["articles"][0]["error"]
                .as_str()
                .unwrap()
                .contains("empty")
        );
    }
}
