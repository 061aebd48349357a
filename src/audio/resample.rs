//! Sample-rate conversion with rubato, one utterance (a whole clip) at a time.

use rubato::audioadapter_buffers::direct::InterleavedSlice;
use rubato::{Fft, FixedSync, Resampler};

/// Why a clip could not be resampled.
#[derive(Debug, thiserror::Error)]
#[error("cannot resample {from} Hz to {to} Hz: {reason}")]
pub struct ResampleError {
    /// Rate of the input.
    pub from: u32,
    /// Rate wanted.
    pub to: u32,
    /// rubato's message.
    pub reason: String,
}

/// Converts clips from one rate to another; keeps the rubato resampler between clips.
pub struct Converter {
    from: u32,
    to: u32,
    resampler: Option<Fft<f32>>,
}

impl Converter {
    /// A converter from `from` Hz to `to` Hz (a copy when they are equal).
    pub fn new(from: u32, to: u32) -> Result<Converter, ResampleError> {
        let resampler = if from == to {
            None
        } else {
            let fft = Fft::<f32>::new(from as usize, to as usize, 1_024, 1, FixedSync::Input)
                .map_err(|e| ResampleError {
                    from,
                    to,
                    reason: e.to_string(),
                })?;
            Some(fft)
        };
        Ok(Converter {
            from,
            to,
            resampler,
        })
    }

    /// The input rate.
    pub fn from_rate(&self) -> u32 {
        self.from
    }

    /// Resamples a whole mono clip; the result starts where the clip starts (rubato's delay is
    /// removed) and has `len × to / from` samples.
    pub fn convert(&mut self, clip: &[f32]) -> Result<Vec<f32>, ResampleError> {
        let Some(resampler) = &mut self.resampler else {
            return Ok(clip.to_vec());
        };
        if clip.is_empty() {
            return Ok(Vec::new());
        }
        let fail = |reason: String| ResampleError {
            from: self.from,
            to: self.to,
            reason,
        };
        let input = InterleavedSlice::new(clip, 1, clip.len()).map_err(|e| fail(e.to_string()))?;
        let output = resampler
            .process_all(&input, clip.len(), None)
            .map_err(|e| fail(e.to_string()))?;
        Ok(output.take_data())
    }

    /// A position in the input, in frames of the output.
    pub fn position(&self, input_frame: u64) -> u64 {
        (u128::from(input_frame) * u128::from(self.to) / u128::from(self.from.max(1))) as u64
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn tone(rate: u32, freq: f32, len: usize) -> Vec<f32> {
        (0..len)
            .map(|i| 0.5 * (std::f32::consts::TAU * freq * i as f32 / rate as f32).sin())
            .collect()
    }

    #[test]
    fn a_tone_keeps_its_length_and_level_at_another_rate() {
        let mut converter = Converter::new(22_050, 48_000).unwrap();
        let out = converter.convert(&tone(22_050, 440.0, 22_050)).unwrap();
        assert!((out.len() as i64 - 48_000).abs() <= 2, "{}", out.len());
        let peak = out[1_000..47_000].iter().fold(0f32, |m, s| m.max(s.abs()));
        assert!((peak - 0.5).abs() < 0.01, "{peak}");
    }

    #[test]
    fn the_same_rate_is_a_copy() {
        let mut converter = Converter::new(16_000, 16_000).unwrap();
        assert_eq!(converter.convert(&[0.1, 0.2]).unwrap(), vec![0.1, 0.2]);
    }

    #[test]
    fn positions_scale_with_the_rates() {
        let converter = Converter::new(16_000, 48_000).unwrap();
        assert_eq!(converter.position(1_000), 3_000);
    }
}
