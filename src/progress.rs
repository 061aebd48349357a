//! Progress on stderr: on a terminal, an overall bar (articles done, audio made, time left) and
//! one line per article being rendered; otherwise (or with `--quiet`) plain lines. Either way
//! one line per article finished or failed, in the order the inputs were given.

use std::collections::BTreeMap;
use std::io::IsTerminal;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::Duration;

use indicatif::{MultiProgress, ProgressBar, ProgressDrawTarget, ProgressStyle};

use articast::batch::{Outcome, Progress};
use articast::render::RenderError;

/// How much is shown.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Detail {
    /// Bars, when stderr is a terminal (not `--quiet`).
    pub bars: bool,
    /// A line of timings per article (`--verbose`).
    pub timings: bool,
}

/// The bars of a run on a terminal.
struct Bars {
    multi: MultiProgress,
    overall: Option<ProgressBar>,
    /// The line of the article each renderer is at.
    slots: Vec<Option<ProgressBar>>,
}

/// Draws the progress of a batch and prints its lines; passes on the user's request to stop.
pub struct Reporter {
    bars: Option<Bars>,
    detail: Detail,
    stop: Arc<AtomicBool>,
    /// Lines of finished inputs waiting for an earlier input to finish (by input index).
    pending: BTreeMap<usize, Vec<String>>,
    printed: usize,
    audio_seconds: f64,
}

impl Reporter {
    /// A reporter for `inputs` inputs; bars only when stderr is a terminal and `detail` is
    /// not quiet. `stop` is set on Ctrl-C.
    pub fn new(inputs: usize, detail: Detail, stop: Arc<AtomicBool>) -> Reporter {
        let bars = (detail.bars && std::io::stderr().is_terminal()).then(|| {
            let multi = MultiProgress::with_draw_target(ProgressDrawTarget::stderr());
            let overall = (inputs > 1).then(|| {
                let bar = multi.add(ProgressBar::new(inputs as u64));
                bar.set_style(style(
                    "[{bar:30}] {pos}/{len} articles, {msg} of audio, {eta} left",
                ));
                bar.set_message("0.0 min");
                bar
            });
            Bars {
                multi,
                overall,
                slots: Vec::new(),
            }
        });
        Reporter {
            bars,
            detail,
            stop,
            pending: BTreeMap::new(),
            printed: 0,
            audio_seconds: 0.0,
        }
    }

    fn slot(&mut self, slot: usize) -> Option<&ProgressBar> {
        self.bars
            .as_ref()
            .and_then(|b| b.slots.get(slot))
            .and_then(Option::as_ref)
    }

    fn print(&self, line: &str) {
        match &self.bars {
            Some(bars) => {
                // Printed above the bars; if the terminal went away, stderr is gone too.
                let _ = bars.multi.println(line);
            }
            None => eprintln!("{line}"),
        }
    }

    /// Clears the bars (before the run's last lines).
    pub fn finish(&mut self) {
        if let Some(bars) = self.bars.take() {
            for bar in bars.slots.into_iter().flatten().chain(bars.overall) {
                bar.finish_and_clear();
            }
            let _ = bars.multi.clear();
        }
    }

    /// The lines of one finished input.
    fn lines(&self, outcome: &Outcome) -> Vec<String> {
        let name = outcome.source.display_name();
        match &outcome.result {
            Ok(done) if done.skipped => vec![format!(
                "{name}: kept {} (input and settings unchanged since it was rendered; \
                 --force renders it again)",
                done.files()
            )],
            Ok(done) => {
                let loudness = done.loudness.map(|l| format!("; {}", l.summary()));
                let cached = done.cache.filter(|c| c.hits > 0).map(|c| {
                    format!(
                        "; {} of {} utterances from the cache",
                        c.hits,
                        c.hits + c.misses
                    )
                });
                let mut lines = vec![format!(
                    "{name}: wrote {} ({:.1} s, {} section and {} quotation markers{}{})",
                    done.files(),
                    done.seconds,
                    done.sections,
                    done.quotes,
                    loudness.unwrap_or_default(),
                    cached.unwrap_or_default()
                )];
                for reason in &done.retried {
                    lines.push(format!("note: {name}: retried after: {reason}"));
                }
                if self.detail.timings {
                    lines.push(format!("timings: {}", done.timings.summary()));
                }
                lines
            }
            // The run's last line speaks of the inputs not begun.
            Err(RenderError::Interrupted) if !outcome.started => Vec::new(),
            Err(err) => vec![format!("error: {name}: {err}")],
        }
    }
}

fn style(template: &str) -> ProgressStyle {
    ProgressStyle::with_template(template)
        .unwrap_or_else(|_| ProgressStyle::default_bar())
        .progress_chars("=> ")
}

/// A short name for a bar's line: the end of the input's name.
fn short(name: &str) -> String {
    let count = name.chars().count();
    match count > 32 {
        true => format!("…{}", name.chars().skip(count - 31).collect::<String>()),
        false => name.to_string(),
    }
}

impl Progress for Reporter {
    fn started(&mut self, slot: usize, name: &str, utterances: usize) {
        let Some(bars) = &mut self.bars else {
            return;
        };
        let bar = ProgressBar::new(utterances as u64);
        bar.set_style(style(
            "  {prefix:32} [{bar:20}] {pos}/{len} utterances ({elapsed})",
        ));
        bar.set_prefix(short(name));
        let bar = match &bars.overall {
            Some(overall) => bars.multi.insert_before(overall, bar),
            None => bars.multi.add(bar),
        };
        if bars.slots.len() <= slot {
            bars.slots.resize(slot + 1, None);
        }
        if let Some(old) = bars.slots[slot].replace(bar) {
            old.finish_and_clear();
        }
    }

    fn spoke(&mut self, slot: usize) {
        if let Some(bar) = self.slot(slot) {
            bar.inc(1);
        }
    }

    fn mastering(&mut self, slot: usize) {
        if let Some(bar) = self.slot(slot) {
            // Loudness and writing take a while on long articles: say so, and keep moving.
            bar.set_style(style(
                "  {prefix:32} {spinner} mastering and writing ({elapsed})",
            ));
            bar.enable_steady_tick(Duration::from_millis(120));
        }
    }

    fn warning(&mut self, line: &str) {
        self.print(&format!("warning: {line}"));
    }

    fn finished(&mut self, slot: usize, index: usize, outcome: &Outcome) {
        let bar = self
            .bars
            .as_mut()
            .and_then(|b| b.slots.get_mut(slot)?.take());
        if let Some(bar) = bar {
            bar.finish_and_clear();
        }
        if let Ok(done) = &outcome.result {
            self.audio_seconds += done.seconds;
        }
        if let Some(overall) = self.bars.as_ref().and_then(|b| b.overall.as_ref()) {
            overall.set_message(format!("{:.1} min", self.audio_seconds / 60.0));
            overall.inc(1);
        }
        let lines = self.lines(outcome);
        self.pending.insert(index, lines);
        while let Some(lines) = self.pending.remove(&self.printed) {
            for line in &lines {
                self.print(line);
            }
            self.printed += 1;
        }
    }

    fn cancelled(&self) -> bool {
        self.stop.load(Ordering::SeqCst)
    }
}

/// The flag that the first Ctrl-C (or SIGTERM, SIGHUP) sets, so the run stops at the next
/// utterance and removes its unfinished files; a second Ctrl-C removes the temporary files and
/// leaves at once (exit 130).
pub fn ctrl_c_flag() -> Arc<AtomicBool> {
    let flag = Arc::new(AtomicBool::new(false));
    let seen = Arc::clone(&flag);
    let installed = ctrlc::set_handler(move || {
        if seen.swap(true, Ordering::SeqCst) {
            articast::files::remove_unfinished();
            std::process::exit(130);
        }
    });
    if let Err(err) = installed {
        eprintln!("warning: Ctrl-C will not clean up unfinished files: {err}");
    }
    flag
}

/// Progress that draws nothing and only passes on Ctrl-C (for commands that report at the end).
pub struct Cancel(pub Arc<AtomicBool>);

impl Progress for Cancel {
    fn cancelled(&self) -> bool {
        self.0.load(Ordering::SeqCst)
    }
}
