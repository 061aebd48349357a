//! The program's loudness gathered while it is assembled, so that mastering needs no pass of
//! its own to find the program gain.
//!
//! The program runs once through BS.1770's K-weighting filter as it is assembled, and each
//! filtered sample's energy is counted for the voice role speaking (in a pause, for the role
//! that spoke last: the filter's tail is its), in 100 ms steps, with the role's highest sample
//! in each step. Roles never speak at once, so the program's energy in a step with role gains
//! `g` is `Σ g² · energy` (exact but for the few milliseconds of filter tail at a change of
//! role), and the gated integrated loudness follows for any set of gains: 400 ms blocks are four
//! consecutive steps, overlapping by three, as the ebur128 crate forms them. (The crate
//! measures whole signals; it does not give a signal's energy split by who made it. The unit
//! tests hold this module to the crate's figures.)
//!
//! The limiter is the one non-linear stage. Its effect on loudness is estimated from the peaks
//! of each step ([`Timeline::limited`]); the written audio is measured as it is written, so the
//! reported loudness is always the real one.

use std::collections::HashMap;

use super::loudness::{ABSOLUTE_GATE, KWeighting, Meter, MeterError, RELATIVE_GATE, to_loudness};
use crate::script::Role;

/// One role's steps.
#[derive(Default)]
struct Track {
    /// Energy (BS.1770 mean square, dual mono) of each step.
    energy: Vec<f64>,
    /// Highest absolute sample of the role in each step.
    peak: Vec<f32>,
    /// Sum of squares of the current step.
    sum: f64,
    step_peak: f32,
}

/// One role's own level: its speech alone, end to end, as a meter of it would read.
struct Level(Meter);

/// Per-role loudness steps along a program's timeline.
pub struct Timeline {
    sample_rate: u32,
    step: usize,
    filled: usize,
    steps: usize,
    filter: KWeighting,
    /// The role the filter's output is counted for.
    current: Option<Role>,
    /// Silent samples fed since the last sound (the filter is at rest after [`Self::settle`]).
    quiet: usize,
    settle: usize,
    tracks: HashMap<Role, Track>,
    levels: HashMap<Role, Level>,
    /// The squares of the filtered samples of the speech being added.
    squares: Vec<f64>,
}

impl Timeline {
    /// An empty timeline at `sample_rate`.
    pub fn new(sample_rate: u32) -> Result<Timeline, MeterError> {
        if !(8_000..=384_000).contains(&sample_rate) {
            return Err(MeterError::new(format!(
                "cannot measure loudness at {sample_rate} Hz"
            )));
        }
        let step = (sample_rate as usize / 10).max(1);
        Ok(Timeline {
            sample_rate,
            step,
            filled: 0,
            steps: 0,
            filter: KWeighting::new(f64::from(sample_rate)),
            current: None,
            quiet: 0,
            // 100 ms: the high-pass's tail has fallen by far more than 100 dB.
            settle: step,
            tracks: HashMap::new(),
            levels: HashMap::new(),
            squares: Vec::new(),
        })
    }

    /// Adds `samples` of `role`'s speech at the end of the timeline.
    pub fn speech(&mut self, role: Role, samples: &[f32]) -> Result<(), MeterError> {
        let steps = self.steps;
        self.tracks.entry(role).or_insert_with(|| Track {
            energy: vec![0.0; steps],
            peak: vec![0.0; steps],
            ..Track::default()
        });
        if !self.levels.contains_key(&role) {
            self.levels
                .insert(role, Level(Meter::integrated(self.sample_rate)?));
        }
        self.current = Some(role);
        let mut all = std::mem::take(&mut self.squares);
        all.clear();
        self.filter.squares(samples, &mut all);
        let mut rest = samples;
        let mut squares = &all[..];
        while !rest.is_empty() {
            let n = rest.len().min(self.step - self.filled);
            let (chunk, after) = rest.split_at(n);
            let (chunk_squares, squares_after) = squares.split_at(n);
            let sum = super::loudness::sum(chunk_squares);
            let peak = chunk.iter().fold(0.0f32, |peak, &x| peak.max(x.abs()));
            squares = squares_after;
            self.quiet = match chunk.iter().rposition(|&x| x != 0.0) {
                Some(last) => n - 1 - last,
                None => self.quiet + n,
            };
            if let Some(track) = self.tracks.get_mut(&role) {
                track.sum += sum;
                track.step_peak = track.step_peak.max(peak);
            }
            self.count(n);
            rest = after;
        }
        if let Some(Level(meter)) = self.levels.get_mut(&role) {
            meter.add_squares(&all);
        }
        self.squares = all;
        Ok(())
    }

    /// Each role's own level (LUFS; `-inf` for one too short or quiet to measure): its speech
    /// alone, without the pauses, as the program's filter weighted it.
    pub fn role_levels(&self) -> Result<HashMap<Role, f64>, MeterError> {
        self.levels
            .iter()
            .map(|(role, Level(meter))| Ok((*role, meter.loudness()?)))
            .collect()
    }

    /// Adds `frames` of silence at the end of the timeline.
    pub fn silence(&mut self, frames: u64) -> Result<(), MeterError> {
        let mut left = frames;
        // The filter's tail, counted for the role that spoke last.
        while left > 0 && self.quiet < self.settle {
            let y = self.filter.next(0.0);
            if let Some(track) = self.current.and_then(|r| self.tracks.get_mut(&r)) {
                track.sum += y * y;
            }
            self.quiet += 1;
            self.count(1);
            left -= 1;
        }
        if self.quiet >= self.settle {
            // At rest: exactly so, whatever rounding left in the state.
            self.filter.reset();
        }
        while left > 0 {
            let n = left.min((self.step - self.filled) as u64) as usize;
            self.quiet += n;
            self.count(n);
            left -= n as u64;
        }
        Ok(())
    }

    /// Counts `n` frames (at most to the end of the step) into the current step.
    fn count(&mut self, n: usize) {
        self.filled += n;
        if self.filled < self.step {
            return;
        }
        let scale = 2.0 / self.step as f64; // dual mono: the one channel counts twice
        for track in self.tracks.values_mut() {
            track.energy.push(track.sum * scale);
            track.peak.push(track.step_peak);
            track.sum = 0.0;
            track.step_peak = 0.0;
        }
        self.filled = 0;
        self.steps += 1;
    }

    /// Integrated loudness (LUFS; `-inf` for silence) of the program with each role's gain in
    /// dB (a role not in `gains` keeps its level) and `gain_db` on the whole.
    pub fn integrated(&self, gains: &HashMap<Role, f64>, gain_db: f64) -> f64 {
        gated(&self.steps_at(gains, gain_db, None))
    }

    /// Integrated loudness as [`integrated`](Timeline::integrated), once a limiter holding
    /// peaks at `ceiling` (linear) with release time constant `release_s` has acted: in each
    /// step whose peak would pass the ceiling, the limiter's gain falls to the ratio that holds
    /// it and recovers over the release, taking that share of the step's energy (an estimate:
    /// the limiter sees true peaks and may act more than once in a step).
    pub fn limited(
        &self,
        gains: &HashMap<Role, f64>,
        gain_db: f64,
        ceiling: f32,
        release_s: f64,
    ) -> f64 {
        let step_s = self.step as f64 / f64::from(self.sample_rate);
        gated(&self.steps_at(gains, gain_db, Some((ceiling, release_s / step_s))))
    }

    /// Each step's energy with the gains applied, reduced where the limiter acts.
    fn steps_at(
        &self,
        gains: &HashMap<Role, f64>,
        gain_db: f64,
        limiter: Option<(f32, f64)>,
    ) -> Vec<f64> {
        let mut energy = vec![0.0; self.steps];
        let mut peak = vec![0.0f32; self.steps];
        // In a fixed order, so the sums are the same at every run.
        let mut roles: Vec<_> = self.tracks.iter().collect();
        roles.sort_by_key(|(role, _)| **role);
        for (role, track) in roles {
            let db = gains.get(role).copied().unwrap_or(0.0) + gain_db;
            let power = 10f64.powf(db / 10.0);
            let amplitude = 10f64.powf(db / 20.0) as f32;
            for (i, (e, p)) in track.energy.iter().zip(&track.peak).enumerate() {
                energy[i] += e * power;
                peak[i] = peak[i].max(p * amplitude);
            }
        }
        if let Some((ceiling, release_steps)) = limiter {
            for (e, &p) in energy.iter_mut().zip(&peak) {
                if p > ceiling {
                    // Gain 1 - d·exp(-t/τ) after a cut of depth d: the energy it removes is
                    // ∫ 1 - (1 - d·e^(-t/τ))² dt = τ (2d - d²/2), as a share of one step.
                    let depth = 1.0 - f64::from(ceiling / p);
                    let share = release_steps * (2.0 * depth - depth * depth / 2.0);
                    *e *= 1.0 - share.min(1.0);
                }
            }
        }
        energy
    }
}

/// BS.1770 gated loudness of a timeline of 100 ms step energies.
fn gated(steps: &[f64]) -> f64 {
    let blocks: Vec<f64> = steps
        .windows(4)
        .map(|w| w.iter().sum::<f64>() / 4.0)
        .filter(|&e| to_loudness(e) >= ABSOLUTE_GATE)
        .collect();
    if blocks.is_empty() {
        return f64::NEG_INFINITY;
    }
    let mean = blocks.iter().sum::<f64>() / blocks.len() as f64;
    let threshold = to_loudness(mean) - RELATIVE_GATE;
    let (sum, count) = blocks
        .iter()
        .filter(|&&e| to_loudness(e) >= threshold)
        .fold((0.0, 0usize), |(s, c), e| (s + e, c + 1));
    match count {
        0 => f64::NEG_INFINITY,
        _ => to_loudness(sum / count as f64),
    }
}

#[cfg(test)]
mod tests {
    use super::super::loudness::Meter;
    use super::*;

    /// A voice-like test signal: a tone whose level swells and fades, with gaps.
    fn phrase(rate: u32, seconds: f32, amplitude: f32, pitch: f32) -> Vec<f32> {
        let n = (rate as f32 * seconds) as usize;
        (0..n)
            .map(|i| {
                let t = i as f32 / rate as f32;
                let swell = (std::f32::consts::PI * t / seconds).sin();
                amplitude * swell * (std::f32::consts::TAU * pitch * t).sin()
            })
            .collect()
    }

    /// A program of alternating roles with pauses, as (role, samples or silence).
    fn program(rate: u32) -> Vec<(Option<Role>, Vec<f32>)> {
        let pause = |s: f32| (None, vec![0.0; (rate as f32 * s) as usize]);
        vec![
            (Some(Role::Heading), phrase(rate, 1.3, 0.3, 300.0)),
            pause(0.6),
            (Some(Role::Narrator), phrase(rate, 4.1, 0.2, 180.0)),
            pause(0.25),
            (Some(Role::Quote), phrase(rate, 2.2, 0.5, 240.0)),
            pause(0.33),
            (Some(Role::Narrator), phrase(rate, 6.7, 0.25, 200.0)),
            pause(0.05),
            (Some(Role::Quote), phrase(rate, 0.7, 0.4, 260.0)),
            pause(1.0),
            (Some(Role::Narrator), phrase(rate, 3.0, 0.1, 150.0)),
        ]
    }

    fn measured(rate: u32, gains: &HashMap<Role, f64>, gain_db: f64) -> (Timeline, f64) {
        let mut timeline = Timeline::new(rate).unwrap();
        let mut meter = Meter::integrated(rate).unwrap();
        for (role, samples) in program(rate) {
            match role {
                Some(role) => {
                    timeline.speech(role, &samples).unwrap();
                    let g = 10f32.powf((gains.get(&role).unwrap_or(&0.0) + gain_db) as f32 / 20.0);
                    let scaled: Vec<f32> = samples.iter().map(|s| s * g).collect();
                    meter.add(&scaled).unwrap();
                }
                None => {
                    timeline.silence(samples.len() as u64).unwrap();
                    meter.add(&samples).unwrap();
                }
            }
        }
        (timeline, meter.loudness().unwrap())
    }

    #[test]
    fn the_program_loudness_for_any_gains_matches_a_meter_run_over_the_gained_audio() {
        for rate in [16_000, 22_050, 48_000] {
            for gains in [
                HashMap::new(),
                HashMap::from([(Role::Quote, -4.0), (Role::Heading, 3.5)]),
                HashMap::from([(Role::Narrator, 6.0), (Role::Quote, -9.0)]),
            ] {
                for gain_db in [0.0, -7.5, 4.0] {
                    let (timeline, truth) = measured(rate, &gains, gain_db);
                    let ours = timeline.integrated(&gains, gain_db);
                    // The meter keeps its blocks in 0.1 LU bins.
                    assert!(
                        (ours - truth).abs() < 0.06,
                        "{rate} Hz, {gains:?}, {gain_db} dB: {ours} against {truth}"
                    );
                }
            }
        }
    }

    #[test]
    fn silence_has_no_loudness_and_no_limiter_acts_on_it() {
        let mut timeline = Timeline::new(22_050).unwrap();
        timeline.silence(22_050 * 3).unwrap();
        assert_eq!(timeline.integrated(&HashMap::new(), 0.0), f64::NEG_INFINITY);
        timeline.speech(Role::Narrator, &[0.0; 22_050]).unwrap();
        assert_eq!(
            timeline.limited(&HashMap::new(), 10.0, 0.5, 0.08),
            f64::NEG_INFINITY
        );
    }

    #[test]
    fn the_limiter_estimate_takes_loudness_only_when_peaks_pass_the_ceiling() {
        let (timeline, _) = measured(22_050, &HashMap::new(), 0.0);
        let free = timeline.integrated(&HashMap::new(), 0.0);
        // The loudest role peaks at 0.5: a ceiling above it leaves the level alone.
        assert_eq!(timeline.limited(&HashMap::new(), 0.0, 0.6, 0.08), free);
        let limited = timeline.limited(&HashMap::new(), 0.0, 0.3, 0.08);
        assert!(limited < free, "{limited} against {free}");
        let harder = timeline.limited(&HashMap::new(), 0.0, 0.15, 0.08);
        assert!(harder < limited, "{harder} against {limited}");
    }

    #[test]
    fn a_bad_rate_is_refused_before_anything_is_measured() {
        assert!(Timeline::new(0).is_err());
    }
}
