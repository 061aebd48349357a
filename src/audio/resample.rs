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

    /// Whether samples change rate here (else [`Converter::convert`] only copies them).
    pub fn converts(&self) -> bool {
        self.resampler.is_some()
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

/// Converts one long signal, given in pieces of any size, from one rate to another (the
/// mastered program on its way to an encoder that wants another rate). The output has no
/// leading delay and, once [`finish`](Stream::finish)ed, `ceil(len × to / from)` samples.
pub struct Stream {
    from: u32,
    to: u32,
    resampler: Option<Fft<f32>>,
    /// Input not yet converted (less than one chunk).
    pending: Vec<f32>,
    /// Output samples still to drop (the resampler's delay).
    skip: usize,
    /// Input samples taken, and output samples given.
    taken: u64,
    given: u64,
}

impl Stream {
    /// A stream from `from` Hz to `to` Hz (a copy when they are equal).
    pub fn new(from: u32, to: u32) -> Result<Stream, ResampleError> {
        let converter = Converter::new(from, to)?;
        let skip = converter.resampler.as_ref().map_or(0, |r| r.output_delay());
        Ok(Stream {
            from,
            to,
            resampler: converter.resampler,
            pending: Vec::new(),
            skip,
            taken: 0,
            given: 0,
        })
    }

    /// Converts `samples`, appending what is ready to `out`.
    pub fn push(&mut self, samples: &[f32], out: &mut Vec<f32>) -> Result<(), ResampleError> {
        self.taken += samples.len() as u64;
        if self.resampler.is_none() {
            self.given += samples.len() as u64;
            out.extend_from_slice(samples);
            return Ok(());
        }
        self.pending.extend_from_slice(samples);
        self.drain(out, false)
    }

    /// Converts what is left and ends the output at its exact length.
    pub fn finish(&mut self, out: &mut Vec<f32>) -> Result<(), ResampleError> {
        if self.resampler.is_none() {
            return Ok(());
        }
        let wanted = (u128::from(self.taken) * u128::from(self.to))
            .div_ceil(u128::from(self.from.max(1))) as u64;
        while self.given < wanted {
            self.drain(out, true)?;
        }
        let extra = (self.given - wanted) as usize;
        out.truncate(out.len().saturating_sub(extra));
        self.given = wanted;
        Ok(())
    }

    /// Runs the resampler over every whole chunk pending (and, with `flush`, over a last chunk
    /// padded with silence).
    fn drain(&mut self, out: &mut Vec<f32>, flush: bool) -> Result<(), ResampleError> {
        let Some(resampler) = &mut self.resampler else {
            return Ok(());
        };
        let fail = |reason: String| ResampleError {
            from: self.from,
            to: self.to,
            reason,
        };
        loop {
            let need = resampler.input_frames_next();
            let have = self.pending.len();
            if have < need && !flush {
                return Ok(());
            }
            let take = have.min(need);
            let mut chunk = self.pending[..take].to_vec();
            chunk.resize(need, 0.0);
            self.pending.drain(..take);
            let input = InterleavedSlice::new(&chunk, 1, need).map_err(|e| fail(e.to_string()))?;
            let output = resampler
                .process(&input, None)
                .map_err(|e| fail(e.to_string()))?
                .take_data();
            let dropped = self.skip.min(output.len());
            self.skip -= dropped;
            out.extend_from_slice(&output[dropped..]);
            self.given += (output.len() - dropped) as u64;
            if flush {
                return Ok(());
            }
        }
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
    fn a_stream_in_pieces_matches_the_whole_clip_conversion() {
        let clip = tone(22_050, 440.0, 30_000);
        let whole = Converter::new(22_050, 48_000)
            .unwrap()
            .convert(&clip)
            .unwrap();
        let mut stream = Stream::new(22_050, 48_000).unwrap();
        let mut out = Vec::new();
        for piece in clip.chunks(777) {
            stream.push(piece, &mut out).unwrap();
        }
        stream.finish(&mut out).unwrap();
        assert_eq!(out.len() as u64, (30_000u64 * 48_000).div_ceil(22_050));
        // Same delay (none) and the same signal, sample for sample, away from the ends.
        let worst = out[2_000..60_000]
            .iter()
            .zip(&whole[2_000..60_000])
            .map(|(a, b)| (a - b).abs())
            .fold(0f32, f32::max);
        assert!(worst < 1e-3, "{worst}");
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
