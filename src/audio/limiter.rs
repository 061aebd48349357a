//! A look-ahead true-peak limiter for one mono stream.
//!
//! Peaks are estimated between samples by 4× oversampling (windowed-sinc phases at ¼, ½, ¾, as
//! ITU-R BS.1770-4 Annex 2 measures true peak). The gain each sample needs is held as a sliding
//! minimum over the look-ahead window, released slowly, and smoothed by a moving average over the
//! same window: every value in the average is at most the gain the peak needs, so the peak is
//! always brought under the ceiling, and the gain never jumps.
//!
//! It runs once over every sample of a program, so its state lives in fixed rings (no
//! allocation per sample) and the interpolation runs only where a sample near the centre is
//! loud enough for an interpolated point to pass the ceiling.

use super::loudness::phase_filter;

/// Taps on each side of an interpolated point.
const HALF_TAPS: usize = 8;
const TAPS: usize = 2 * HALF_TAPS;
/// Look-ahead (and attack) time.
const LOOKAHEAD_MS: f64 = 2.0;
/// Release time constant.
const RELEASE_MS: f64 = 80.0;
/// Release time constant, seconds (what mastering's loudness estimate assumes).
pub const RELEASE_S: f64 = RELEASE_MS / 1000.0;
/// How close to 1 the released gain must come to be 1 (a ten-thousandth of a dB).
const SNAP: f64 = 1e-5;
/// The ceiling is set this far under the requested one, for what 4× oversampling misses.
const SAFETY_DB: f64 = 0.3;

/// The limiter's state.
pub struct Limiter {
    ceiling: f32,
    /// Samples under this cannot bring an interpolated point over the ceiling (the ceiling
    /// over the largest gain of any phase filter).
    threshold: f32,
    phases: [[f32; TAPS]; 3],
    /// The last [`TAPS`] samples, stored twice so they are always one slice
    /// (`history[at..at + TAPS]`, oldest first).
    history: [f32; 2 * TAPS],
    at: usize,
    /// Samples of the history over `threshold`.
    loud: usize,
    previous_peak: f32,
    lookahead: usize,
    /// The sliding minimum of the gains needed over the look-ahead: (sample index, gain),
    /// gains rising from front to back.
    minima: Ring<(u64, f32)>,
    /// The released gain (in `f64`: in `f32` the release stalls a rounding step short of 1).
    envelope: f64,
    release: f64,
    /// The last `lookahead` envelope values (a ring) and their sum.
    window: Vec<f32>,
    window_at: usize,
    window_sum: f64,
    /// Samples waiting for their gain: the last `lookahead - 1` centres.
    delayed: Ring<f32>,
    index: u64,
    taken: u64,
    given: u64,
    /// Envelope values of exactly 1 in a row (the window is all ones after `lookahead`).
    ones: usize,
    /// At rest: no loud sample in the history, the envelope and the whole window at 1, so
    /// quiet samples only pass through, delayed ([`Limiter::quiet_run`]). Most of a program is.
    resting: bool,
    /// Room for [`Limiter::quiet_run`].
    stream: Vec<f32>,
}

/// The linear level a limiter for `ceiling_dbtp` holds peaks to.
pub fn ceiling(ceiling_dbtp: f64) -> f32 {
    10f64.powf((ceiling_dbtp - SAFETY_DB) / 20.0) as f32
}

impl Limiter {
    /// A limiter holding true peaks at or below `ceiling_dbtp`.
    pub fn new(sample_rate: u32, ceiling_dbtp: f64) -> Limiter {
        let rate = f64::from(sample_rate.max(1));
        let lookahead = ((LOOKAHEAD_MS / 1000.0 * rate).round() as usize).max(1);
        let phases = [0.25f32, 0.5, 0.75].map(phase_filter::<TAPS>);
        let phase_gain = phases
            .iter()
            .map(|p| p.iter().map(|c| c.abs()).sum::<f32>())
            .fold(1.0, f32::max);
        let ceiling = ceiling(ceiling_dbtp);
        Limiter {
            ceiling,
            threshold: ceiling / phase_gain,
            phases,
            history: [0.0; 2 * TAPS],
            at: 0,
            loud: 0,
            previous_peak: 0.0,
            lookahead,
            minima: Ring::new(lookahead + 1),
            envelope: 1.0,
            release: 1.0 - (-1.0 / (RELEASE_MS / 1000.0 * rate)).exp(),
            window: vec![1.0; lookahead],
            window_at: 0,
            window_sum: lookahead as f64,
            delayed: Ring::new(lookahead),
            index: 0,
            taken: 0,
            given: 0,
            ones: 0,
            resting: false,
            stream: Vec::new(),
        }
    }

    /// Limits `input`, appending to `output` what is ready (the output lags by the look-ahead;
    /// [`Limiter::flush`] returns the rest).
    pub fn process(&mut self, input: &[f32], output: &mut Vec<f32>) {
        output.reserve(input.len());
        let mut rest = input;
        while let Some((&sample, after)) = rest.split_first() {
            if self.quiet() {
                let quiet = rest
                    .iter()
                    .position(|s| s.abs() > self.threshold)
                    .unwrap_or(rest.len());
                if quiet > 0 {
                    self.taken += quiet as u64;
                    self.quiet_run(&rest[..quiet], output);
                    rest = &rest[quiet..];
                    continue;
                }
            }
            self.resting = false;
            self.taken += 1;
            self.push(sample, output);
            rest = after;
        }
    }

    /// Whether a quiet sample now needs no gain of its own: nothing loud in the history or just
    /// before it, and no lower gain held in the look-ahead (the release may still be going on).
    fn quiet(&self) -> bool {
        self.resting
            || (self.loud == 0
                && self.previous_peak <= self.ceiling
                && self.index >= HALF_TAPS as u64
                && self.minima.len() == 1
                && self.minima.front().is_some_and(|&(_, g)| g == 1.0))
    }

    /// [`Limiter::push`] over a run of quiet samples when [`Limiter::quiet`]: every gain needed
    /// is 1, so only the release goes on (nothing at all at rest). The output is the head of the
    /// stream of the delay line, the history's samples not yet at its centre, and the run.
    fn quiet_run(&mut self, run: &[f32], output: &mut Vec<f32>) {
        let mut stream = std::mem::take(&mut self.stream);
        stream.clear();
        while let Some(x) = self.delayed.pop_front() {
            stream.push(x);
        }
        let waiting = stream.len();
        let oldest_first: [f32; TAPS] = self.history[self.at..self.at + TAPS]
            .try_into()
            .unwrap_or([0.0; TAPS]);
        stream.extend_from_slice(&oldest_first[HALF_TAPS..]);
        stream.extend_from_slice(run);
        let steps = run.len();
        // One sample out per step once the delay line is full: from step `first` on.
        let emitted = (waiting + steps).saturating_sub(self.lookahead - 1);
        let first = steps - emitted;
        if self.resting {
            output.extend_from_slice(&stream[..emitted]);
            self.window_at = (self.window_at + steps) % self.lookahead;
        } else {
            for step in 0..steps {
                // `gain_in` with a held gain of 1.
                self.release_towards(1.0);
                if step >= first {
                    let gain = (self.window_sum / self.lookahead as f64).min(1.0) as f32;
                    output.push(stream[step - first] * gain);
                }
                if self.ones >= self.lookahead {
                    self.window_sum = self.lookahead as f64;
                    self.resting = true;
                }
            }
        }
        for &x in &stream[emitted..waiting + steps] {
            self.delayed.push_back(x);
        }
        self.previous_peak = stream[waiting + steps - 1].abs();
        // The history: the last TAPS inputs, oldest first, twice.
        let kept = TAPS.saturating_sub(steps);
        let mut latest = [0.0f32; TAPS];
        latest[..kept].copy_from_slice(&oldest_first[TAPS - kept..]);
        latest[kept..].copy_from_slice(&run[steps - (TAPS - kept)..]);
        self.history[..TAPS].copy_from_slice(&latest);
        self.history[TAPS..].copy_from_slice(&latest);
        self.at = 0;
        self.index += steps as u64;
        self.given += emitted as u64;
        self.minima.pop_back();
        self.minima.push_back((self.index - 1, 1.0));
        self.stream = stream;
    }

    /// Everything still held, so the output is exactly as long as the input.
    pub fn flush(&mut self, output: &mut Vec<f32>) {
        // Each step emits at most one sample, so this stops exactly at the input's length.
        while self.given < self.taken {
            if self.quiet() {
                let zeros = vec![0.0; (self.taken - self.given) as usize];
                self.quiet_run(&zeros, output);
            } else {
                self.push(0.0, output);
            }
        }
    }

    #[inline]
    fn push(&mut self, sample: f32, output: &mut Vec<f32>) {
        let leaving = self.history[self.at];
        self.loud -= usize::from(leaving.abs() > self.threshold);
        self.loud += usize::from(sample.abs() > self.threshold);
        self.history[self.at] = sample;
        self.history[self.at + TAPS] = sample;
        self.at = (self.at + 1) % TAPS;
        // The sample at the centre of the history, and the peak up to the next one.
        let centre = self.history[self.at + HALF_TAPS - 1];
        let peak = if self.loud == 0 {
            centre.abs()
        } else {
            centre.abs().max(self.between_peak())
        };
        let need = (self.ceiling / peak.max(self.previous_peak).max(1e-9)).min(1.0);
        self.previous_peak = peak;
        self.gain_in(need, centre, output);
    }

    /// The largest interpolated value between the two centre samples of the history.
    fn between_peak(&self) -> f32 {
        let history: &[f32; TAPS] = self.history[self.at..self.at + TAPS]
            .try_into()
            .unwrap_or(&[0.0; TAPS]);
        self.phases
            .iter()
            .map(|taps| {
                taps.iter()
                    .zip(history)
                    .map(|(t, s)| t * s)
                    .sum::<f32>()
                    .abs()
            })
            .fold(0.0, f32::max)
    }

    /// One step of the envelope: down to the `held` gain at once, else released towards 1;
    /// into the smoothing window.
    #[inline]
    fn release_towards(&mut self, held: f64) {
        self.envelope = held.min(self.envelope + (1.0 - self.envelope) * self.release);
        // Within a ten-thousandth of a dB of 1 the release is over.
        if held == 1.0 && self.envelope > 1.0 - SNAP {
            self.envelope = 1.0;
        }
        self.ones = if self.envelope == 1.0 {
            self.ones + 1
        } else {
            0
        };
        let envelope = self.envelope as f32;
        let oldest = std::mem::replace(&mut self.window[self.window_at], envelope);
        self.window_sum += f64::from(envelope) - f64::from(oldest);
        self.window_at += 1;
        if self.window_at == self.lookahead {
            self.window_at = 0;
        }
    }

    /// Takes the gain a sample needs; emits the sample `lookahead - 1` samples back, scaled.
    #[inline]
    fn gain_in(&mut self, need: f32, sample: f32, output: &mut Vec<f32>) {
        let index = self.index;
        self.index += 1;
        while self.minima.back().is_some_and(|&(_, g)| g >= need) {
            self.minima.pop_back();
        }
        self.minima.push_back((index, need));
        while self
            .minima
            .front()
            .is_some_and(|&(i, _)| i + (self.lookahead as u64) <= index)
        {
            self.minima.pop_front();
        }
        let held = f64::from(self.minima.front().map_or(1.0, |&(_, g)| g));
        self.release_towards(held);
        // The history's centre lags the input by HALF_TAPS, the gain by `lookahead - 1`.
        if index < HALF_TAPS as u64 {
            return;
        }
        self.delayed.push_back(sample);
        if self.delayed.len() >= self.lookahead {
            let gain = (self.window_sum / self.lookahead as f64).min(1.0) as f32;
            let out = self.delayed.pop_front().unwrap_or(0.0) * gain;
            output.push(out);
            self.given += 1;
        }
        if self.loud == 0 && self.ones >= self.lookahead && held == 1.0 && self.minima.len() == 1 {
            // Every value in the window is 1: its sum is exact again.
            self.window_sum = self.lookahead as f64;
            self.resting = true;
        }
    }
}

/// A queue of at most `capacity` items in a fixed ring.
struct Ring<T: Copy + Default> {
    items: Vec<T>,
    mask: usize,
    head: usize,
    len: usize,
}

impl<T: Copy + Default> Ring<T> {
    fn new(capacity: usize) -> Ring<T> {
        let size = capacity.max(1).next_power_of_two();
        Ring {
            items: vec![T::default(); size],
            mask: size - 1,
            head: 0,
            len: 0,
        }
    }

    fn len(&self) -> usize {
        self.len
    }

    fn front(&self) -> Option<&T> {
        (self.len > 0).then(|| &self.items[self.head])
    }

    fn back(&self) -> Option<&T> {
        (self.len > 0).then(|| &self.items[(self.head + self.len - 1) & self.mask])
    }

    /// Adds at the back; a full ring drops its front (the callers never fill theirs).
    fn push_back(&mut self, item: T) {
        if self.len == self.items.len() {
            self.pop_front();
        }
        self.items[(self.head + self.len) & self.mask] = item;
        self.len += 1;
    }

    fn pop_back(&mut self) -> Option<T> {
        (self.len > 0).then(|| {
            self.len -= 1;
            self.items[(self.head + self.len) & self.mask]
        })
    }

    fn pop_front(&mut self) -> Option<T> {
        (self.len > 0).then(|| {
            let item = self.items[self.head];
            self.head = (self.head + 1) & self.mask;
            self.len -= 1;
            item
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn limited(input: &[f32], rate: u32, ceiling: f64) -> Vec<f32> {
        let mut limiter = Limiter::new(rate, ceiling);
        let mut out = Vec::new();
        limiter.process(input, &mut out);
        limiter.flush(&mut out);
        out
    }

    fn true_peak_dbtp(samples: &[f32], rate: u32) -> f64 {
        let mut meter = ebur128::EbuR128::new(1, rate, ebur128::Mode::TRUE_PEAK).unwrap();
        meter.add_frames_f32(samples).unwrap();
        20.0 * meter.true_peak(0).unwrap().log10()
    }

    #[test]
    fn a_ring_is_a_queue_at_both_ends() {
        let mut ring = Ring::new(3);
        for i in 1..=3 {
            ring.push_back(i);
        }
        assert_eq!(
            (ring.len(), ring.front(), ring.back()),
            (3, Some(&1), Some(&3))
        );
        assert_eq!(ring.pop_front(), Some(1));
        ring.push_back(4);
        ring.push_back(5);
        assert_eq!(ring.pop_back(), Some(5));
        assert_eq!(
            std::iter::from_fn(|| ring.pop_front()).collect::<Vec<_>>(),
            [2, 3, 4]
        );
        assert_eq!((ring.pop_back(), ring.front()), (None, None));
    }

    #[test]
    fn the_output_is_the_same_in_any_pieces() {
        // Speech-like: quiet stretches (the limiter rests) and loud bursts (it acts).
        let rate = 22_050;
        let input: Vec<f32> = (0..rate * 3)
            .map(|i| {
                let t = i as f32 / rate as f32;
                let burst = if (t * 2.0).fract() < 0.3 { 1.6 } else { 0.2 };
                burst * (std::f32::consts::TAU * 330.0 * t).sin()
            })
            .collect();
        let whole = limited(&input, rate, -1.0);
        for size in [1, 7, 100, 4_096] {
            let mut limiter = Limiter::new(rate, -1.0);
            let mut out = Vec::new();
            for piece in input.chunks(size) {
                limiter.process(piece, &mut out);
            }
            limiter.flush(&mut out);
            assert_eq!(out, whole, "pieces of {size}");
        }
        assert!(true_peak_dbtp(&whole, rate) <= -1.0);
    }

    #[test]
    fn output_is_as_long_as_input_and_in_time() {
        let input: Vec<f32> = (0..1_000).map(|i| (i as f32 / 1_000.0) * 0.1).collect();
        let out = limited(&input, 8_000, -1.0);
        assert_eq!(out.len(), input.len());
        assert!(out.iter().zip(&input).all(|(a, b)| a == b));
    }

    #[test]
    fn loud_tone_is_held_under_the_ceiling_in_true_peak() {
        let rate = 22_050;
        // A tone near a quarter of the rate has inter-sample peaks well above its samples.
        let input: Vec<f32> = (0..rate)
            .map(|i| 1.4 * (std::f32::consts::TAU * 5_400.0 * i as f32 / rate as f32 + 0.7).sin())
            .collect();
        let out = limited(&input, rate, -1.0);
        assert!(
            true_peak_dbtp(&out, rate) <= -1.0,
            "{}",
            true_peak_dbtp(&out, rate)
        );
    }

    #[test]
    fn a_single_spike_is_limited_without_touching_distant_audio() {
        let mut input = vec![0.1f32; 4_000];
        input[2_000] = 1.0;
        let out = limited(&input, 8_000, -1.0);
        assert!(out[2_000] <= 10f32.powf(-1.0 / 20.0));
        assert!((out[100] - 0.1).abs() < 1e-6);
        assert!((out[3_999] - 0.1).abs() < 1e-3);
    }
}
