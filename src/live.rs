//! Live listening: an article read aloud through the platform speech service (the `tts` crate:
//! speech-dispatcher on Linux, AVFoundation on macOS, WinRT on Windows).
//!
//! The service plays audio itself and hands none back, so this mode cannot write files; use
//! `render` for those. Paragraphs are queued one at a time; a watchdog turns a service that never
//! finishes an utterance (no audio sink, a stuck daemon) into an error instead of a hang.

use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::time::{Duration, Instant};

use tts::Tts;

/// Why live listening stopped early.
#[derive(Debug, thiserror::Error)]
pub enum LiveError {
    /// The speech service could not be reached.
    #[error("the speech service is not available: {0}")]
    Unavailable(String),
    /// The service accepted a paragraph but never finished it.
    #[error(
        "no audio output: paragraph {paragraph} did not finish within {seconds} s; is an audio sink \
         configured for the speech service (speech-dispatcher: AudioOutputMethod in speechd.conf)?"
    )]
    Stalled {
        /// 1-based paragraph number.
        paragraph: usize,
        /// The watchdog's limit.
        seconds: u64,
    },
    /// The service failed on a paragraph.
    #[error("the speech service failed on paragraph {paragraph}: {reason}")]
    Failed {
        /// 1-based paragraph number.
        paragraph: usize,
        /// Its error.
        reason: String,
    },
}

/// How long a paragraph may take: twice its length at 150 words a minute, plus ten seconds.
pub fn watchdog(text: &str) -> Duration {
    let words = text.split_whitespace().count() as u64;
    Duration::from_secs(words * 60 * 2 / 150 + 10)
}

/// Speaks `paragraphs` in order. `stop` (Ctrl-C) ends it between or during paragraphs;
/// `progress(done, total)` is called after each paragraph. Returns how many were spoken.
pub fn speak(
    paragraphs: &[String],
    stop: &AtomicBool,
    progress: &mut dyn FnMut(usize, usize),
) -> Result<usize, LiveError> {
    let mut tts = Tts::default().map_err(|e| LiveError::Unavailable(e.to_string()))?;
    let ended = Arc::new(AtomicUsize::new(0));
    let counter = Arc::clone(&ended);
    let callbacks = tts
        .on_utterance_end(Some(Box::new(move |_| {
            counter.fetch_add(1, Ordering::SeqCst);
        })))
        .is_ok();
    for (i, text) in paragraphs.iter().enumerate() {
        let failed = |e: tts::Error| LiveError::Failed {
            paragraph: i + 1,
            reason: e.to_string(),
        };
        let before = ended.load(Ordering::SeqCst);
        tts.speak(text.as_str(), false).map_err(failed)?;
        let limit = watchdog(text);
        let started = Instant::now();
        loop {
            if stop.load(Ordering::SeqCst) {
                let _ = tts.stop();
                return Ok(i);
            }
            let done = if callbacks {
                ended.load(Ordering::SeqCst) > before
            } else {
                !tts.is_speaking().map_err(failed)?
            };
            if done {
                break;
            }
            if started.elapsed() > limit {
                let _ = tts.stop();
                return Err(LiveError::Stalled {
                    paragraph: i + 1,
                    seconds: limit.as_secs(),
                });
            }
            std::thread::sleep(Duration::from_millis(20));
        }
        progress(i + 1, paragraphs.len());
    }
    Ok(paragraphs.len())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_watchdog_grows_with_the_paragraph() {
        assert_eq!(watchdog(""), Duration::from_secs(10));
        assert_eq!(watchdog(&"word ".repeat(150)), Duration::from_secs(130));
    }
}
