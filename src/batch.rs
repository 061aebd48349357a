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
