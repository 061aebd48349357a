//! A look-ahead true-peak limiter for one mono stream.
//!
//! Peaks are estimated between samples by 4× oversampling (windowed-sinc phases at ¼, ½, ¾, as
//! ITU-R BS.1770-4 Annex 2 measures true peak). The gain each sample needs is held as a sliding
//! minimum over the look-ahead window, released slowly, and smoothed by a moving average over the
//! same window: every value in the average is at most the gain the peak needs, so the peak is
//! always brought under the ceiling, and the gain never jumps.

use std::collections::VecDeque;

/// Taps on each side of an interpolated point.
const HALF_TAPS: usize = 8;
/// Look-ahead (and attack) time.
const LOOKAHEAD_MS: f64 = 2.0;
/// Release time constant.
const RELEASE_MS: f64 = 80.0;
/// Release time constant, seconds (what mastering's loudness estimate assumes).
pub const RELEASE_S: f64 = RELEASE_MS / 1000.0;
/// The ceiling is set this far under the requested one, for what 4× oversampling misses.
const SAFETY_DB: f64 = 0.3;

/// The limiter's state.
pub struct Limiter {
    ceiling: f32,
    phases: [[f32; 2 * HALF_TAPS]; 3],
    /// Largest gain of any phase filter: the window's peak times this bounds the interpolation.
    phase_gain: f32,
    /// The last `2 × HALF_TAPS` samples, stored twice so they are always one slice
    /// (`history[at..at + 2 × HALF_TAPS]`, oldest first).
    history: [f32; 4 * HALF_TAPS],
    at: usize,
    /// Samples of the history loud enough that an interpolated point could pass the ceiling.
    loud: usize,
    previous_peak: f32,
    lookahead: usize,
    minima: VecDeque<(u64, f32)>,
    envelope: f32,
    release: f32,
    /// The last `lookahead` envelope values (a ring) and their sum.
    window: Vec<f32>,
    window_at: usize,
    window_sum: f64,
    delayed: VecDeque<f32>,
    index: u64,
    taken: u64,
    given: u64,
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
        let phases = [0.25f32, 0.5, 0.75].map(phase_filter);
        let phase_gain = phases
            .iter()
            .map(|p| p.iter().map(|c| c.abs()).sum::<f32>())
            .fold(1.0, f32::max);
        Limiter {
            ceiling: ceiling(ceiling_dbtp),
            phases,
            phase_gain,
            history: [0.0; 4 * HALF_TAPS],
            at: 0,
            loud: 0,
            previous_peak: 0.0,
            lookahead,
            minima: VecDeque::new(),
            envelope: 1.0,
            release: (1.0 - (-1.0 / (RELEASE_MS / 1000.0 * rate)).exp()) as f32,
            window: vec![1.0; lookahead],
            window_at: 0,
            window_sum: lookahead as f64,
            delayed: VecDeque::new(),
            index: 0,
            taken: 0,
            given: 0,
        }
    }

    /// Limits `input`, appending to `output` what is ready (the output lags by the look-ahead;
    /// [`Limiter::flush`] returns the rest).
    pub fn process(&mut self, input: &[f32], output: &mut Vec<f32>) {
        for &sample in input {
            self.taken += 1;
            self.push(sample, output);
        }
    }

    /// Everything still held, so the output is exactly as long as the input.
    pub fn flush(&mut self, output: &mut Vec<f32>) {
        // Each push emits at most one sample, so this stops exactly at the input's length.
        while self.given < self.taken {
            self.push(0.0, output);
        }
    }

    fn push(&mut self, sample: f32, output: &mut Vec<f32>) {
        let threshold = self.ceiling / self.phase_gain;
        let leaving = self.history[self.at];
        self.loud -= usize::from(leaving.abs() > threshold);
        self.loud += usize::from(sample.abs() > threshold);
        self.history[self.at] = sample;
        self.history[self.at + 2 * HALF_TAPS] = sample;
        self.at = (self.at + 1) % (2 * HALF_TAPS);
        // The sample at the centre of the history, and the peak up to the next one.
        let centre = self.history[self.at + HALF_TAPS - 1];
        let peak = centre.abs().max(self.between_peak());
        let need = (self.ceiling / peak.max(self.previous_peak).max(1e-9)).min(1.0);
        self.previous_peak = peak;
        self.gain_in(need, centre, output);
    }

    /// The largest interpolated value between the two centre samples of the history.
    fn between_peak(&self) -> f32 {
        // No interpolated point exceeds the loudest sample times the largest filter gain.
        if self.loud == 0 {
            return 0.0;
        }
        let history = &self.history[self.at..self.at + 2 * HALF_TAPS];
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

    /// Takes the gain a sample needs; emits the sample `lookahead - 1` samples back, scaled.
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
        let held = self.minima.front().map_or(1.0, |&(_, g)| g);
        self.envelope = held.min(self.envelope + (1.0 - self.envelope) * self.release);
        let oldest = std::mem::replace(&mut self.window[self.window_at], self.envelope);
        self.window_sum += f64::from(self.envelope) - f64::from(oldest);
        self.window_at += 1;
        if self.window_at == self.lookahead {
            self.window_at = 0;
        }
        self.delayed.push_back(sample);
        // The history's centre lags the input by HALF_TAPS, the gain by `lookahead - 1`.
        if index < HALF_TAPS as u64 {
            self.delayed.pop_back();
            return;
        }
        if self.delayed.len() >= self.lookahead {
            let gain = (self.window_sum / self.lookahead as f64).min(1.0) as f32;
            let out = self.delayed.pop_front().unwrap_or(0.0) * gain;
            output.push(out);
            self.given += 1;
        }
    }
}

/// A windowed-sinc (Hann) interpolator for the point `frac` past the centre sample.
fn phase_filter(frac: f32) -> [f32; 2 * HALF_TAPS] {
    let mut taps = [0.0; 2 * HALF_TAPS];
    for (k, tap) in taps.iter_mut().enumerate() {
        let x = k as f32 - (HALF_TAPS as f32 - 1.0) - frac;
        let sinc = if x == 0.0 {
            1.0
        } else {
            (std::f32::consts::PI * x).sin() / (std::f32::consts::PI * x)
        };
        let w = 0.5 + 0.5 * (std::f32::consts::PI * x / HALF_TAPS as f32).cos();
        *tap = sinc * w;
    }
    let sum: f32 = taps.iter().sum();
    taps.map(|t| t / sum)
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
