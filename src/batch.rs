//! Stage 8 — batch: render many inputs, each to its own files; one failure does not stop the run.

use std::collections::HashSet;

use crate::input::Source;
use crate::render::{Observer, RenderError, Rendered, Renderer};

/// What happened to one input.
#[derive(Debug)]
pub struct Outcome {
    /// The input.
    pub source: Source,
    /// Its files, or why there are none.
    pub result: Result<Rendered, RenderError>,
}

/// Renders every source in order with one renderer. Two inputs with the same output name are
/// never written over each other: the later one fails with [`RenderError::DuplicateOutput`].
pub fn render_all(
    sources: &[Source],
    renderer: &mut Renderer,
    observer: &mut dyn Observer,
) -> Vec<Outcome> {
    let mut taken = HashSet::new();
    sources
        .iter()
        .map(|source| {
            let wav_path = renderer.output_path(source);
            let result = if observer.cancelled() {
                Err(RenderError::Interrupted)
            } else if taken.insert(wav_path.clone()) {
                renderer.render(source, observer)
            } else {
                Err(RenderError::DuplicateOutput(wav_path))
            };
            observer.end();
            Outcome {
                source: source.clone(),
                result,
            }
        })
        .collect()
}
