//! The writer seam: where the mastered program leaves as a file.
//!
//! Mastering pushes the finished samples of each output file into an [`AudioWriter`], then
//! calls [`AudioWriter::finish`] with that file's chapters (format-neutral
//! [`Chapter`]s, in the file's own frames), the article's metadata and the loudness measured
//! on exactly what was written. Each container turns those into its own form: the WAV writer
//! into `cue ` + `LIST/adtl`, `LIST/INFO` and `bext`; the MP3 writer into ID3 `CHAP`/`CTOC`
//! frames; the M4B writer into an MP4 chapter track; the Opus writer into `CHAPTERnnn`
//! comments. A new output format is one type that implements this trait and one
//! [`AudioFormat`](super::format::AudioFormat) variant; a part written in several formats goes
//! to a [`FanOut`].

use crate::chapters::Chapter;

use super::wav::{Info, Loudness, WavError};

/// A file being written from mastered mono samples.
///
/// # For implementors
/// - [`write`](AudioWriter::write) receives samples in [-1, 1] at the program's rate, in
///   order; the writer encodes them (channels, bits, codec) as its format wants.
/// - [`finish`](AudioWriter::finish) is called once, after the last sample, and must leave a
///   complete file; an error there means the file is not usable (the caller removes it).
pub trait AudioWriter {
    /// Appends mastered samples.
    fn write(&mut self, samples: &[f32]) -> Result<(), WavError>;
    /// Ends the file with its chapters, metadata and loudness.
    fn finish(
        self: Box<Self>,
        chapters: &[Chapter],
        info: &Info,
        loudness: &Loudness,
    ) -> Result<(), WavError>;
}

/// One part's audio written to several files at once (`--audio wav,mp3`): each writer gets
/// every sample and the same chapters, metadata and loudness.
pub struct FanOut<'a>(pub Vec<Box<dyn AudioWriter + 'a>>);

impl AudioWriter for FanOut<'_> {
    fn write(&mut self, samples: &[f32]) -> Result<(), WavError> {
        self.0.iter_mut().try_for_each(|w| w.write(samples))
    }

    fn finish(
        self: Box<Self>,
        chapters: &[Chapter],
        info: &Info,
        loudness: &Loudness,
    ) -> Result<(), WavError> {
        self.0
            .into_iter()
            .try_for_each(|w| w.finish(chapters, info, loudness))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::cell::RefCell;
    use std::rc::Rc;

    /// Records what it was given.
    struct Probe(Rc<RefCell<(usize, usize)>>);

    impl AudioWriter for Probe {
        fn write(&mut self, samples: &[f32]) -> Result<(), WavError> {
            self.0.borrow_mut().0 += samples.len();
            Ok(())
        }
        fn finish(
            self: Box<Self>,
            chapters: &[Chapter],
            _: &Info,
            _: &Loudness,
        ) -> Result<(), WavError> {
            self.0.borrow_mut().1 += chapters.len() + 1;
            Ok(())
        }
    }

    #[test]
    fn a_fan_out_gives_every_writer_every_sample_and_the_chapters() {
        let seen: Vec<_> = (0..3).map(|_| Rc::new(RefCell::new((0, 0)))).collect();
        let writers = seen
            .iter()
            .map(|s| Box::new(Probe(Rc::clone(s))) as Box<dyn AudioWriter>)
            .collect();
        let mut fan = Box::new(FanOut(writers));
        fan.write(&[0.0; 10]).unwrap();
        fan.write(&[0.0; 5]).unwrap();
        let loudness = Loudness {
            integrated: -16.0,
            range: 0.0,
            true_peak: -1.0,
            max_momentary: -10.0,
            max_short_term: -12.0,
        };
        fan.finish(&[], &Info::default(), &loudness).unwrap();
        assert!(seen.iter().all(|s| *s.borrow() == (15, 1)));
    }
}
