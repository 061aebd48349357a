//! Exact joins: the engine's own leading and trailing silence cut away by level, and short
//! fades at the cuts.
//!
//! Engines pad each utterance with silence of their own (espeak-ng: tens of milliseconds), which
//! would lengthen every pause of the script. [`audible`] finds the first and last samples above
//! [`THRESHOLD_DBFS`] and keeps up to [`MARGIN_MS`] below the threshold on each side, so soft
//! consonants that start under the threshold are not clipped. The caller shortens the following
//! pause by the kept margins, so the gap the listener hears (from the last audible sample to the
//! next) is the script's pause.

use std::ops::Range;

/// Level below which a sample counts as engine silence.
pub const THRESHOLD_DBFS: f32 = -50.0;
/// Sub-threshold audio kept before the first and after the last audible sample.
pub const MARGIN_MS: u32 = 10;
/// Length of the fade at each cut.
pub const FADE_MS: u32 = 3;

/// The kept part of one utterance, in samples of its audio.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Kept {
    /// Samples kept (margins included); empty when nothing is audible.
    pub range: Range<usize>,
    /// Kept samples before the first audible one.
    pub lead: usize,
    /// Kept samples after the last audible one.
    pub tail: usize,
}

/// Where the audible part of `samples` is, with its margins.
pub fn audible(samples: &[f32], sample_rate: u32) -> Kept {
    let threshold = 10f32.powf(THRESHOLD_DBFS / 20.0);
    let loud = |s: &f32| s.abs() > threshold;
    let Some(first) = samples.iter().position(loud) else {
        return Kept {
            range: 0..0,
            lead: 0,
            tail: 0,
        };
    };
    let last = samples.iter().rposition(loud).unwrap_or(first);
    let margin = frames_of(MARGIN_MS, sample_rate);
    let lead = first.min(margin);
    let tail = (samples.len() - 1 - last).min(margin);
    Kept {
        range: first - lead..last + 1 + tail,
        lead,
        tail,
    }
}

/// The first audible sample at or after `from` and before `until`, or `from` when there is
/// none: where a word the engine announced at `from` is first heard.
///
/// Engines announce a word where its phonemes begin, and that can be the start of the pause
/// in front of it (espeak-ng puts a clause pause before the word after a comma), so captions
/// timed by the event would appear a few hundred milliseconds before the word is heard.
pub fn onset(samples: &[f32], from: usize, until: usize) -> usize {
    let threshold = 10f32.powf(THRESHOLD_DBFS / 20.0);
    let until = until.min(samples.len());
    samples
        .get(from..until)
        .and_then(|s| s.iter().position(|s| s.abs() > threshold))
        .map_or(from, |i| from + i)
}

/// Fades the first and last [`FADE_MS`] of `samples` in and out (raised cosine), so a cut
/// through sound does not click.
pub fn fade_edges(samples: &mut [f32], sample_rate: u32) {
    let n = frames_of(FADE_MS, sample_rate).min(samples.len() / 2);
    let len = samples.len();
    for i in 0..n {
        let gain = 0.5 - 0.5 * (std::f32::consts::PI * (i as f32 + 0.5) / n as f32).cos();
        samples[i] *= gain;
        samples[len - 1 - i] *= gain;
    }
}

/// Milliseconds as a whole number of frames (rounded to nearest).
pub fn frames_of(ms: u32, sample_rate: u32) -> usize {
    ((u64::from(ms) * u64::from(sample_rate) + 500) / 1000) as usize
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn engine_silence_is_cut_and_a_margin_of_it_is_kept() {
        let mut samples = vec![0.0; 1_000];
        samples.extend(vec![0.5; 500]);
        samples.extend(vec![0.0; 2_000]);
        let kept = audible(&samples, 1_000);
        assert_eq!(kept.range, 990..1_510);
        assert_eq!((kept.lead, kept.tail), (10, 10));
    }

    #[test]
    fn a_soft_onset_above_the_threshold_is_kept() {
        let mut samples = vec![0.0; 100];
        samples.push(0.004); // -48 dBFS: a soft consonant
        samples.extend(vec![0.5; 10]);
        let kept = audible(&samples, 1_000);
        assert_eq!(kept.range.start, 90);
        assert_eq!(kept.lead, 10);
    }

    #[test]
    fn speech_that_starts_at_once_keeps_no_margin() {
        let kept = audible(&[0.5, 0.5, 0.0], 1_000);
        assert_eq!(kept.range, 0..3);
        assert_eq!((kept.lead, kept.tail), (0, 1));
    }

    #[test]
    fn silence_keeps_nothing() {
        assert!(audible(&[0.0, 0.001, -0.001], 8_000).range.is_empty());
    }

    #[test]
    fn a_word_announced_in_a_pause_is_heard_where_the_sound_begins() {
        let mut samples = vec![0.0; 300];
        samples[120..].fill(0.3);
        assert_eq!(onset(&samples, 50, 200), 120);
        assert_eq!(onset(&samples, 150, 200), 150);
    }

    #[test]
    fn an_onset_is_not_looked_for_past_the_next_word() {
        let mut samples = vec![0.0; 300];
        samples[250..].fill(0.3);
        assert_eq!(onset(&samples, 50, 200), 50);
        assert_eq!(onset(&samples, 50, 1_000), 250);
        assert_eq!(onset(&samples, 400, 500), 400);
    }

    #[test]
    fn fades_start_and_end_near_zero() {
        let mut samples = vec![1.0; 1_000];
        fade_edges(&mut samples, 10_000);
        assert!(samples[0] < 0.05 && samples[999] < 0.05);
        assert!(samples[15] > 0.5 && samples[500] == 1.0);
    }
}
