//! The writer seam: where the mastered program leaves as a file.
//!
//! Mastering pushes the finished samples of each output file into an [`AudioWriter`], then
//! calls [`AudioWriter::finish`] with that file's chapters (format-neutral
//! [`Chapter`]s, in the file's own frames), the article's metadata and the loudness measured
//! on exactly what was written. Each container turns those into its own form: the WAV writer
//! into `cue ` + `LIST/adtl`, `LIST/INFO` and `bext`. A new output format is one type that
//! implements this trait.

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
