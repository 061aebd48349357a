//! The progress bar: one indicatif bar on stderr, only when stderr is a terminal.

use std::io::IsTerminal;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};

use indicatif::{ProgressBar, ProgressStyle};

use articast::render::Observer;

/// Draws a bar per input, and passes on the user's request to stop.
pub struct Bar {
    bar: Option<ProgressBar>,
    enabled: bool,
    stop: Arc<AtomicBool>,
}

impl Bar {
    /// A bar that draws only if `wanted` and stderr is a terminal; `stop` is set on Ctrl-C.
    pub fn new(wanted: bool, stop: Arc<AtomicBool>) -> Bar {
        Bar {
            bar: None,
            enabled: wanted && std::io::stderr().is_terminal(),
            stop,
        }
    }
}

/// The flag that the first Ctrl-C sets, so the run stops at the next utterance and removes its
/// unfinished files; a second Ctrl-C removes the temporary files and leaves at once (exit 130).
pub fn ctrl_c_flag() -> Arc<AtomicBool> {
    let flag = Arc::new(AtomicBool::new(false));
    let seen = Arc::clone(&flag);
    let installed = ctrlc::set_handler(move || {
        if seen.swap(true, Ordering::SeqCst) {
            articast::render::remove_unfinished();
            std::process::exit(130);
        }
    });
    if let Err(err) = installed {
        eprintln!("warning: Ctrl-C will not clean up unfinished files: {err}");
    }
    flag
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

    fn cancelled(&self) -> bool {
        self.stop.load(Ordering::SeqCst)
    }
}
