//! Bounded retries for engines whose faults may be transient: a program killed or stopped at
//! its timeout, a worker process lost. A failed utterance is asked for again, up to
//! [`ATTEMPTS`] times in all; each failure that was retried is recorded with its reason, so the
//! render can report it. A fault that persists still fails the render, with the last reason.

use std::sync::{Arc, Mutex};

use super::{Engine, EngineError, EngineInfo, Speech, Voice};

/// Tries per utterance, the first included.
pub const ATTEMPTS: usize = 3;

/// The failures that were retried, shared by every engine of a renderer.
#[derive(Debug, Default)]
pub struct Retries(Mutex<Vec<String>>);

impl Retries {
    /// How many failures have been retried so far.
    pub fn count(&self) -> usize {
        self.0.lock().map_or(0, |r| r.len())
    }

    /// The reasons of the failures retried since `from` (a [`count`](Retries::count)).
    pub fn since(&self, from: usize) -> Vec<String> {
        self.0
            .lock()
            .map(|r| r.get(from..).unwrap_or_default().to_vec())
            .unwrap_or_default()
    }

    fn record(&self, reason: String) {
        if let Ok(mut r) = self.0.lock() {
            r.push(reason);
        }
    }
}

/// An engine whose failed utterances are asked for again.
pub struct Retrying {
    inner: Box<dyn Engine>,
    retries: Arc<Retries>,
}

impl Retrying {
    /// Wraps `inner`, recording retried failures in `retries`.
    pub fn new(inner: Box<dyn Engine>, retries: Arc<Retries>) -> Retrying {
        Retrying { inner, retries }
    }
}

impl Engine for Retrying {
    fn info(&self) -> EngineInfo {
        self.inner.info()
    }

    fn synthesize(&mut self, text: &str, voice: &Voice) -> Result<Speech, EngineError> {
        let mut attempt = 1;
        loop {
            match self.inner.synthesize(text, voice) {
                Err(e @ EngineError::Synthesis { .. }) if attempt < ATTEMPTS => {
                    self.retries.record(e.to_string());
                    attempt += 1;
                }
                other => return other,
            }
        }
    }

    fn check_voice(&mut self, voice: &Voice) -> Result<(), EngineError> {
        self.inner.check_voice(voice)
    }

    fn begin(&mut self) -> Result<(), EngineError> {
        self.inner.begin()
    }

    fn end(&mut self) {
        self.inner.end();
    }

    fn prefetch(&mut self, upcoming: &[(&str, &Voice)]) {
        self.inner.prefetch(upcoming);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Fails its first `failures` calls, then speaks one sample.
    struct Flaky {
        failures: usize,
        calls: usize,
    }

    impl Engine for Flaky {
        fn info(&self) -> EngineInfo {
            super::super::fake::FakeEngine.info()
        }

        fn synthesize(&mut self, text: &str, _voice: &Voice) -> Result<Speech, EngineError> {
            self.calls += 1;
            if self.calls <= self.failures {
                return Err(EngineError::Synthesis {
                    engine: "flaky".into(),
                    utterance: text.into(),
                    reason: format!("fault {}", self.calls),
                });
            }
            Ok(Speech {
                sample_rate: 8_000,
                samples: vec![1],
                events: Vec::new(),
            })
        }
    }

    fn flaky(failures: usize) -> (Retrying, Arc<Retries>) {
        let retries = Arc::new(Retries::default());
        let engine = Flaky { failures, calls: 0 };
        (
            Retrying::new(Box::new(engine), Arc::clone(&retries)),
            retries,
        )
    }

    #[test]
    fn a_transient_fault_is_retried_and_recorded() {
        let (mut engine, retries) = flaky(2);
        let speech = engine.synthesize("Hello.", &Voice::default()).unwrap();
        assert_eq!(speech.samples, vec![1]);
        assert_eq!(retries.count(), 2);
        let reasons = retries.since(1);
        assert_eq!(reasons.len(), 1);
        assert!(reasons[0].contains("fault 2"), "{reasons:?}");
    }

    #[test]
    fn a_lasting_fault_fails_after_the_last_attempt_with_its_reason() {
        let (mut engine, retries) = flaky(ATTEMPTS);
        let error = engine
            .synthesize("Hello.", &Voice::default())
            .unwrap_err()
            .to_string();
        assert!(error.contains(&format!("fault {ATTEMPTS}")), "{error}");
        assert_eq!(retries.count(), ATTEMPTS - 1);
    }
}
