//! Loudness (EBU R 128 / ITU-R BS.1770) with the ebur128 crate.
//!
//! Programs are mono until written; a mono program is measured as dual mono
//! (`Channel::DualMono`), which is how podcast platforms measure a mono file and what a 2-channel
//! copy of it measures.

use ebur128::{Channel, EbuR128, Mode};

use super::wav::Loudness;

/// Why a loudness meter failed.
#[derive(Debug, thiserror::Error)]
#[error("loudness meter: {0}")]
pub struct MeterError(String);

impl MeterError {
    /// A meter failure for `reason`.
    pub fn new(reason: String) -> MeterError {
        MeterError(reason)
    }
}

impl From<ebur128::Error> for MeterError {
    fn from(e: ebur128::Error) -> Self {
        MeterError(e.to_string())
    }
}

/// A loudness meter over one mono stream. Gating blocks are kept as histograms
/// (`Mode::HISTOGRAM`, 0.1 LU bins, as FFmpeg does), so its memory does not grow with the
/// program's length.
pub struct Meter {
    inner: EbuR128,
    /// Frames per 100 ms: the momentary maximum is read at this step, the short-term one every
    /// ten steps (each read sums the whole 400 ms or 3 s window, so reading the 3 s window
    /// every 100 ms would cost more than the rest of the meter; 1 s is EBU Tech 3342's hop).
    step: usize,
    filled: usize,
    steps: u32,
    max_momentary: f64,
    max_short_term: f64,
    tracks_maxima: bool,
}

impl Meter {
    /// Integrated loudness only (the cheapest meter).
    pub fn integrated(sample_rate: u32) -> Result<Meter, MeterError> {
        Meter::new(sample_rate, Mode::I | Mode::HISTOGRAM, false)
    }

    /// Everything a report needs: integrated, range, true peak, momentary and short-term maxima.
    pub fn full(sample_rate: u32) -> Result<Meter, MeterError> {
        Meter::new(
            sample_rate,
            Mode::I | Mode::LRA | Mode::TRUE_PEAK | Mode::HISTOGRAM,
            true,
        )
    }

    fn new(sample_rate: u32, mode: Mode, tracks_maxima: bool) -> Result<Meter, MeterError> {
        let mut inner = EbuR128::new(1, sample_rate, mode)?;
        inner.set_channel(0, Channel::DualMono)?;
        Ok(Meter {
            inner,
            step: (sample_rate as usize / 10).max(1),
            filled: 0,
            steps: 0,
            max_momentary: f64::NEG_INFINITY,
            max_short_term: f64::NEG_INFINITY,
            tracks_maxima,
        })
    }

    /// Adds mono samples.
    pub fn add(&mut self, mut samples: &[f32]) -> Result<(), MeterError> {
        if !self.tracks_maxima {
            return Ok(self.inner.add_frames_f32(samples)?);
        }
        while !samples.is_empty() {
            let n = samples.len().min(self.step - self.filled);
            self.inner.add_frames_f32(&samples[..n])?;
            self.filled += n;
            samples = &samples[n..];
            if self.filled == self.step {
                self.filled = 0;
                self.steps += 1;
                self.max_momentary = self.max_momentary.max(self.inner.loudness_momentary()?);
                if self.steps % 10 == 0 {
                    let short_term = self.inner.loudness_shortterm()?;
                    self.max_short_term = self.max_short_term.max(short_term);
                }
            }
        }
        Ok(())
    }

    /// Integrated loudness in LUFS (`-inf` for silence).
    pub fn loudness(&self) -> Result<f64, MeterError> {
        Ok(self.inner.loudness_global()?)
    }

    /// The figures of a [`Meter::full`] meter.
    pub fn figures(&self) -> Result<Loudness, MeterError> {
        let peak = self.inner.true_peak(0)?;
        Ok(Loudness {
            integrated: self.inner.loudness_global()?,
            range: self.inner.loudness_range()?,
            true_peak: 20.0 * peak.log10(),
            max_momentary: self.max_momentary,
            max_short_term: self.max_short_term,
        })
    }
}

/// The gain in dB that moves `measured` LUFS to `target`; none for silence.
pub fn gain_to(target: f64, measured: f64) -> f64 {
    if measured.is_finite() {
        target - measured
    } else {
        0.0
    }
}

/// A gain in dB as a factor.
pub fn factor(db: f64) -> f32 {
    10f64.powf(db / 20.0) as f32
}

#[cfg(test)]
mod tests {
    use super::*;

    fn tone(rate: u32, amplitude: f32, seconds: f32) -> Vec<f32> {
        (0..(rate as f32 * seconds) as usize)
            .map(|i| amplitude * (std::f32::consts::TAU * 1_000.0 * i as f32 / rate as f32).sin())
            .collect()
    }

    #[test]
    fn a_full_scale_1k_sine_in_mono_reads_as_dual_mono() {
        // BS.1770: a 0 dBFS 1 kHz sine on one channel reads -3.01 LKFS; dual mono adds 3 dB.
        let mut meter = Meter::full(48_000).unwrap();
        meter.add(&tone(48_000, 1.0, 5.0)).unwrap();
        let figures = meter.figures().unwrap();
        assert!((figures.integrated - 0.0).abs() < 0.1, "{figures:?}");
        assert!(figures.true_peak.abs() < 0.1);
        assert!((figures.max_momentary - figures.integrated).abs() < 0.2);
    }

    #[test]
    fn gain_moves_the_measure_to_the_target() {
        let mut meter = Meter::integrated(22_050).unwrap();
        meter.add(&tone(22_050, 0.1, 5.0)).unwrap();
        let gain = gain_to(-16.0, meter.loudness().unwrap());
        let louder: Vec<f32> = tone(22_050, 0.1, 5.0)
            .iter()
            .map(|s| s * factor(gain))
            .collect();
        let mut again = Meter::integrated(22_050).unwrap();
        again.add(&louder).unwrap();
        // Histogram mode keeps gating blocks in 0.1 LU bins.
        assert!((again.loudness().unwrap() + 16.0).abs() <= 0.1);
    }

    #[test]
    fn silence_needs_no_gain() {
        let mut meter = Meter::integrated(8_000).unwrap();
        meter.add(&[0.0; 8_000]).unwrap();
        assert_eq!(gain_to(-16.0, meter.loudness().unwrap()), 0.0);
    }
}
