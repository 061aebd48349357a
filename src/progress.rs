//! The progress bar: one indicatif bar on stderr, only when stderr is a terminal.

use std::io::IsTerminal;

use indicatif::{ProgressBar, ProgressStyle};

use articast::batch::Observer;

/// Draws a bar per input.
pub struct Bar {
    bar: Option<ProgressBar>,
    enabled: bool,
}

impl Bar {
    /// A bar that draws only if `wanted` and stderr is a terminal.
    pub fn new(wanted: bool) -> Bar {
        Bar {
            bar: None,
            enabled: wanted && std::io::stderr().is_terminal(),
        }
    }
}

impl Observer for Bar {
    fn begin(&mut self, name: &str, utterances: usize) {
        if self.enabled {
            let bar = ProgressBar::new(utterances as u64);
            let style = ProgressStyle::with_template(
                "{prefix} [{bar:30}] {pos}/{len} utterances, {eta} left",
            )
            .unwrap_or_else(|_| ProgressStyle::default_bar());
            bar.set_style(style.progress_chars("=> "));
            bar.set_prefix(name.to_string());
            self.bar = Some(bar);
        }
    }

    fn spoke(&mut self) {
        if let Some(bar) = &self.bar {
            bar.inc(1);
        }
    }

    fn end(&mut self) {
        if let Some(bar) = self.bar.take() {
            bar.finish_and_clear();
        }
    }
}
