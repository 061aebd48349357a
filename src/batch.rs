//! Stage 8 — batch: render many inputs, each to its own files; one failure does not stop the run.
//!
//! Several renderers work at once, each taking the next input not yet taken; the outcomes come
//! back in the inputs' order. Every renderer makes the same files from the same input, so the
//! output does not depend on how many there are.

use std::sync::Mutex;
use std::sync::atomic::{AtomicUsize, Ordering};

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
}

/// Renders every input, with as many at once as there are renderers. Two inputs with the
/// same output name are never written over each other: the later one (in the inputs' order)
/// fails with [`RenderError::DuplicateOutput`] ([`crate::input::expand`] gives inputs distinct
/// names to begin with).
pub fn render_all(
    inputs: &[Input],
    renderers: &mut [Renderer],
    observer: &mut dyn Observer,
) -> Vec<Outcome> {
    let mut taken = std::collections::HashSet::new();
    let duplicate: Vec<bool> = inputs
        .iter()
        .map(|i| !taken.insert(i.name.clone()))
        .collect();
    let next = AtomicUsize::new(0);
    let results: Mutex<Vec<Option<Result<Rendered, RenderError>>>> =
        Mutex::new(inputs.iter().map(|_| None).collect());
    let shared = Shared(Mutex::new(observer));
    std::thread::scope(|scope| {
        for renderer in renderers.iter_mut() {
            let (next, results, shared, duplicate) = (&next, &results, &shared, &duplicate);
            scope.spawn(move || {
                let mut observer = shared;
                loop {
                    let i = next.fetch_add(1, Ordering::SeqCst);
                    let Some(input) = inputs.get(i) else {
                        break;
                    };
                    let result = if observer.cancelled() {
                        Err(RenderError::Interrupted)
                    } else if duplicate[i] {
                        Err(RenderError::DuplicateOutput(
                            renderer.output_path(&input.name),
                        ))
                    } else {
                        renderer.render_named(&input.source, &input.name, &mut observer)
                    };
                    observer.end();
                    if let Ok(mut results) = results.lock() {
                        results[i] = Some(result);
                    }
                }
            });
        }
    });
    let results = results.into_inner().unwrap_or_else(|e| e.into_inner());
    inputs
        .iter()
        .zip(results)
        .map(|(input, result)| Outcome {
            source: input.source.clone(),
            result: result.unwrap_or(Err(RenderError::Interrupted)),
        })
        .collect()
}

/// The run's observer, shared by the renderers working at once.
struct Shared<'a>(Mutex<&'a mut dyn Observer>);

impl Observer for &Shared<'_> {
    fn begin(&mut self, name: &str, utterances: usize) {
        if let Ok(mut o) = self.0.lock() {
            o.begin(name, utterances);
        }
    }
    fn spoke(&mut self) {
        if let Ok(mut o) = self.0.lock() {
            o.spoke();
        }
    }
    fn end(&mut self) {
        if let Ok(mut o) = self.0.lock() {
            o.end();
        }
    }
    fn cancelled(&self) -> bool {
        self.0.lock().map(|o| o.cancelled()).unwrap_or(true)
    }
}

/// The report of a run (`--report FILE`): one entry per input, in the order given, and totals.
/// Operators read it to find what failed and why, and what the cache saved.
pub fn report(
    inputs: &[Input],
    outcomes: &[Outcome],
    wall: std::time::Duration,
) -> serde_json::Value {
    use serde_json::json;
    let entries: Vec<serde_json::Value> = inputs
        .iter()
        .zip(outcomes)
        .map(|(input, outcome)| {
            let mut entry = json!({
                "input": outcome.source.display_name(),
                "name": input.name.to_string_lossy(),
            });
            if let Some(note) = &input.renamed {
                entry["renamed"] = json!(note);
            }
            match &outcome.result {
                Ok(done) => {
                    let files: Vec<String> = done
                        .parts
                        .iter()
                        .chain(&done.playlist)
                        .chain(&done.sidecars)
                        .map(|p| p.display().to_string())
                        .collect();
                    entry["status"] = json!("rendered");
                    entry["files"] = json!(files);
                    entry["seconds"] = json!(done.seconds);
                    entry["sections"] = json!(done.sections);
                    entry["quotes"] = json!(done.quotes);
                    if let Some(l) = &done.loudness {
                        entry["loudness"] = json!({
                            "integrated_lufs": l.integrated,
                            "true_peak_dbtp": l.true_peak,
                            "range_lu": l.range,
                        });
                    }
                    if let Some(c) = &done.cache {
                        entry["cache"] = json!({"hits": c.hits, "misses": c.misses});
                    }
                    entry["retried"] = json!(done.retried);
                    let t = &done.timings;
                    entry["timings_seconds"] = json!({
                        "text": t.text.as_secs_f64(),
                        "synthesis": t.synthesis.as_secs_f64(),
                        "assembly": t.assembly.as_secs_f64(),
                        "mastering": t.mastering.as_secs_f64(),
                        "total": t.total.as_secs_f64(),
                    });
                }
                Err(err) => {
                    entry["status"] = json!("failed");
                    entry["error"] = json!(err.to_string());
                    entry["exit_code"] = json!(err.exit_code());
                }
            }
            entry
        })
        .collect();
    let rendered = outcomes.iter().filter(|o| o.result.is_ok()).count();
    let audio: f64 = outcomes
        .iter()
        .filter_map(|o| o.result.as_ref().ok())
        .map(|r| r.seconds)
        .sum();
    json!({
        "articast": env!("CARGO_PKG_VERSION"),
        "inputs": inputs.len(),
        "rendered": rendered,
        "failed": inputs.len() - rendered,
        "audio_seconds": audio,
        "wall_seconds": wall.as_secs_f64(),
        "articles": entries,
    })
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
        }];
        let report = report(&inputs, &outcomes, std::time::Duration::from_secs(1));
        assert_eq!(report["failed"], 1);
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
