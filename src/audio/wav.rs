//! WAV output: a streaming PCM writer, then our own marker and metadata chunks.
//!
//! The header is written for a length known up front (the program is assembled before it is
//! written), the audio is streamed, and the chunks that follow `data` are appended before the
//! sizes are patched. Layout (RIFF MCI 1991; checked against FFmpeg's wavdec.c, libsndfile's
//! wav.c/wavlike.c and wavinfo):
//!
//! ```text
//! RIFF WAVE | fmt  | data | bext | LIST INFO (INAM, IART, ISFT, ICMT) | cue  | LIST adtl (labl…) | LIST adtl (ltxt…)
//! RF64 WAVE | ds64 | fmt  | data | … the same                    (data past ~4 GiB, EBU Tech 3306)
//! ```
//!
//! - `fmt `: plain PCM for 16 bits, `WAVE_FORMAT_EXTENSIBLE` for 24 bits; 1 or 2 channels.
//! - `bext` v2 (EBU Tech 3285) and `ICMT` carry the loudness figures when they were measured.
//! - `cue `: one 24-byte point per marker, ids from 1, `dwPosition` = `dwSampleOffset` = the
//!   frame index (readers disagree on which field they use), `fccChunk` = `data`.
//! - `LIST/adtl`: every `labl` before any `ltxt`: FFmpeg and libsndfile stop reading labels at
//!   the first other sub-chunk. `ltxt` carries the region length in frames, purpose `rgn `.
//!   The `ltxt`s go into a second `LIST/adtl`: Python wavinfo (4.0.1) reads only the first
//!   `adtl` list and fails on any `ltxt` whose length has a non-zero third byte (it takes that
//!   byte for a code page), i.e. on every region longer than 65,535 frames. FFmpeg and
//!   libsndfile still find every label in the first list.
//! - Every chunk body of odd size is followed by one zero pad byte, counted by the parent.
//! - Texts are UTF-8 with a NUL; sub-chunks stay below 2,048 bytes (libsndfile drops the whole
//!   LIST otherwise).

use std::io::{Seek, SeekFrom, Write};

use super::Pcm;
use crate::chapters::Chapter;
use crate::script::MarkKind;

/// Longest text we put into one `ltxt` or INFO sub-chunk, in bytes (NUL excluded).
const MAX_TEXT_BYTES: usize = 1_500;
/// Longest label, in bytes (FFmpeg copies 511, libsndfile 255 with its NUL).
const MAX_LABEL_BYTES: usize = 254;

/// One marker in the WAV.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Cue {
    /// Frame where it starts.
    pub start_frame: u64,
    /// Length of the marked region in frames (written as an `ltxt` region), if any.
    pub length: Option<u64>,
    /// Short label (`labl`).
    pub label: String,
    /// Longer text for the region (`ltxt` text), if any.
    pub note: Option<String>,
}

/// File-level metadata (`LIST/INFO`).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Info {
    /// `INAM`: title.
    pub title: Option<String>,
    /// `IART`: artist (the byline).
    pub artist: Option<String>,
    /// `ISFT`: the software that wrote the file.
    pub software: Option<String>,
}

/// Errors of the WAV writer.
#[derive(Debug, thiserror::Error)]
pub enum WavError {
    /// Writing failed.
    #[error(transparent)]
    Io(#[from] std::io::Error),
    /// Measuring the written audio failed.
    #[error(transparent)]
    Meter(#[from] super::loudness::MeterError),
    /// A RIFF file would pass 4 GiB, or a marker lies past 2^32 frames (cue points are 32-bit:
    /// split the program with `--max-part-duration`).
    #[error("the audio is too long for a WAV file ({0})")]
    TooLong(&'static str),
    /// An encoder (MP3, AAC, Opus) or its container failed.
    #[error("{format}: {message}")]
    Encode {
        /// The format being written (`MP3`, `M4B`, `Opus`).
        format: &'static str,
        /// What went wrong.
        message: String,
    },
}

/// Sample layout of a WAV file.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Format {
    /// Frames per second.
    pub sample_rate: u32,
    /// 1 (mono) or 2 (the same signal on both channels).
    pub channels: u16,
    /// 16 or 24 bits per sample (integer PCM).
    pub bits: u16,
}

impl Format {
    /// 16-bit mono at `sample_rate`.
    pub fn mono16(sample_rate: u32) -> Format {
        Format {
            sample_rate,
            channels: 1,
            bits: 16,
        }
    }

    /// Bytes per frame.
    pub fn block_align(&self) -> u16 {
        self.channels * (self.bits / 8)
    }

    /// The `fmt ` body: plain PCM (16 bytes) for 16 bits, `WAVE_FORMAT_EXTENSIBLE` (40 bytes)
    /// for 24 bits, as Microsoft asks for samples wider than 16 bits.
    fn fmt_body(&self) -> Vec<u8> {
        let extensible = self.bits > 16;
        let tag: u16 = if extensible { 0xFFFE } else { 1 };
        let mut body = Vec::with_capacity(40);
        body.extend_from_slice(&tag.to_le_bytes());
        body.extend_from_slice(&self.channels.to_le_bytes());
        body.extend_from_slice(&self.sample_rate.to_le_bytes());
        let byte_rate = self.sample_rate * u32::from(self.block_align());
        body.extend_from_slice(&byte_rate.to_le_bytes());
        body.extend_from_slice(&self.block_align().to_le_bytes());
        body.extend_from_slice(&self.bits.to_le_bytes());
        if extensible {
            let mask: u32 = if self.channels == 2 { 0x3 } else { 0x4 };
            body.extend_from_slice(&22u16.to_le_bytes()); // cbSize
            body.extend_from_slice(&self.bits.to_le_bytes()); // wValidBitsPerSample
            body.extend_from_slice(&mask.to_le_bytes()); // dwChannelMask: FL|FR, or FC
            // KSDATAFORMAT_SUBTYPE_PCM {00000001-0000-0010-8000-00aa00389b71}
            body.extend_from_slice(&[
                1, 0, 0, 0, 0, 0, 0x10, 0, 0x80, 0, 0, 0xaa, 0, 0x38, 0x9b, 0x71,
            ]);
        }
        body
    }
}

/// Loudness figures of a finished program (EBU R 128), written into `bext` and `LIST/INFO`.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Loudness {
    /// Integrated loudness, LUFS.
    pub integrated: f64,
    /// Loudness range, LU.
    pub range: f64,
    /// Highest true peak, dBTP.
    pub true_peak: f64,
    /// Highest momentary loudness (400 ms), LUFS.
    pub max_momentary: f64,
    /// Highest short-term loudness (3 s), LUFS.
    pub max_short_term: f64,
}

impl Loudness {
    /// One line for reports: `-16.0 LUFS, -1.2 dBTP, LRA 3.1 LU`.
    pub fn summary(&self) -> String {
        format!(
            "{:.1} LUFS, {:.1} dBTP, LRA {:.1} LU",
            self.integrated, self.true_peak, self.range
        )
    }
}

/// Data chunks past this size make the file RF64: the RIFF size field is 32 bits, and the
/// chunks after `data` (markers, texts) need room too.
const RF64_DATA_BYTES: u64 = u32::MAX as u64 - 64 * 1024 * 1024;

/// Streams PCM into a WAV file whose length is known up front, then appends the marker chunks.
///
/// The header is written for `frames` frames; past about 4 GiB of audio it is an RF64 header
/// (EBU Tech 3306: `RF64` magic, a `ds64` chunk with 64-bit sizes, 32-bit size fields set to
/// `0xFFFFFFFF`). Sizes are patched in [`WavWriter::finish`], so a different number of frames
/// still gives a correct file, except that a RIFF header cannot grow past 4 GiB.
pub struct WavWriter<W: Write + Seek> {
    out: W,
    format: Format,
    start: u64,
    rf64: bool,
    frames: u64,
    buffer: Vec<u8>,
}

impl<W: Write + Seek> WavWriter<W> {
    /// Writes the header for `frames` frames of `format`.
    pub fn new(mut out: W, format: Format, frames: u64) -> Result<Self, WavError> {
        let start = out.stream_position()?;
        let data_bytes = frames.saturating_mul(u64::from(format.block_align()));
        let rf64 = data_bytes > RF64_DATA_BYTES;
        let mut head = Vec::with_capacity(96);
        head.extend_from_slice(if rf64 { b"RF64" } else { b"RIFF" });
        head.extend_from_slice(&u32::MAX.to_le_bytes()); // patched in finish
        head.extend_from_slice(b"WAVE");
        if rf64 {
            // riffSize, dataSize, sampleCount (u64 each), table length 0: patched in finish.
            chunk(&mut head, b"ds64", &[0; 28]);
        }
        chunk(&mut head, b"fmt ", &format.fmt_body());
        head.extend_from_slice(b"data");
        head.extend_from_slice(&u32::MAX.to_le_bytes());
        out.write_all(&head)?;
        Ok(WavWriter {
            out,
            format,
            start,
            rf64,
            frames: 0,
            buffer: Vec::with_capacity(1 << 16),
        })
    }

    /// Whether the header is RF64.
    pub fn is_rf64(&self) -> bool {
        self.rf64
    }

    /// Appends mono samples in [-1, 1] (clipped beyond), one frame each, on every channel.
    pub fn write_mono(&mut self, samples: &[f32]) -> Result<(), WavError> {
        let channels = usize::from(self.format.channels);
        let width = usize::from(self.format.bits / 8);
        // Every frame's bytes, then each sample's at its place (a loop the compiler vectorizes).
        self.buffer.clear();
        self.buffer.resize(samples.len() * channels * width, 0);
        let frame_bytes = channels * width;
        if width == 2 && channels == 1 {
            // The common case, with the frame's size known to the compiler.
            for (frame, &s) in self.buffer.chunks_exact_mut(2).zip(samples) {
                frame.copy_from_slice(&(quantize(s, 32_768.0) as i16).to_le_bytes());
            }
        } else if width == 3 {
            for (frame, &s) in self.buffer.chunks_exact_mut(frame_bytes).zip(samples) {
                let bytes = quantize(s, 8_388_608.0).to_le_bytes();
                frame
                    .chunks_exact_mut(3)
                    .for_each(|c| c.copy_from_slice(&bytes[..3]));
            }
        } else {
            for (frame, &s) in self.buffer.chunks_exact_mut(frame_bytes).zip(samples) {
                let bytes = (quantize(s, 32_768.0) as i16).to_le_bytes();
                frame
                    .chunks_exact_mut(2)
                    .for_each(|c| c.copy_from_slice(&bytes));
            }
        }
        self.out.write_all(&self.buffer)?;
        self.frames += samples.len() as u64;
        Ok(())
    }

    /// Appends 16-bit mono samples as they are (16-bit mono files only take them unchanged).
    pub fn write_i16(&mut self, samples: &[i16]) -> Result<(), WavError> {
        if self.format.bits == 16 && self.format.channels == 1 {
            self.buffer.clear();
            for &s in samples {
                self.buffer.extend_from_slice(&s.to_le_bytes());
            }
            self.out.write_all(&self.buffer)?;
            self.frames += samples.len() as u64;
            Ok(())
        } else {
            let floats: Vec<f32> = samples.iter().map(|&s| f32::from(s) / 32_768.0).collect();
            self.write_mono(&floats)
        }
    }

    /// Appends `frames` frames of digital silence.
    pub fn write_silence(&mut self, frames: u64) -> Result<(), WavError> {
        static ZEROS: [u8; 1 << 16] = [0; 1 << 16];
        let mut left = frames * u64::from(self.format.block_align());
        while left > 0 {
            let n = left.min(ZEROS.len() as u64) as usize;
            self.out.write_all(&ZEROS[..n])?;
            left -= n as u64;
        }
        self.frames += frames;
        Ok(())
    }

    /// Frames written so far.
    pub fn frames(&self) -> u64 {
        self.frames
    }

    /// Ends `data` (with its pad byte), appends `bext` (when there are loudness figures),
    /// `LIST/INFO`, `cue ` and `LIST/adtl`, and patches every size. Returns the sink.
    pub fn finish(
        mut self,
        cues: &[Cue],
        info: &Info,
        loudness: Option<&Loudness>,
    ) -> Result<W, WavError> {
        let data_bytes = self.frames * u64::from(self.format.block_align());
        if data_bytes % 2 == 1 {
            self.out.write_all(&[0])?;
        }
        if !self.rf64 && data_bytes > RF64_DATA_BYTES {
            return Err(WavError::TooLong("more audio than the header announced"));
        }
        let mut tail = Vec::new();
        if let Some(loudness) = loudness {
            chunk(&mut tail, b"bext", &bext_body(loudness, info));
        }
        tail.extend_from_slice(&trailing_chunks(cues, info, loudness)?);
        self.out.write_all(&tail)?;
        let end = self.out.stream_position()?;
        let riff_size = end - self.start - 8;
        let data_at = self.start + if self.rf64 { 12 + 36 } else { 12 };
        let data_at = data_at + 8 + self.format.fmt_body().len() as u64;
        if self.rf64 {
            let mut ds64 = Vec::with_capacity(28);
            ds64.extend_from_slice(&riff_size.to_le_bytes());
            ds64.extend_from_slice(&data_bytes.to_le_bytes());
            ds64.extend_from_slice(&self.frames.to_le_bytes());
            self.out.seek(SeekFrom::Start(self.start + 20))?;
            self.out.write_all(&ds64)?;
        } else {
            let riff =
                u32::try_from(riff_size).map_err(|_| WavError::TooLong("file over 4 GiB"))?;
            self.out.seek(SeekFrom::Start(self.start + 4))?;
            self.out.write_all(&riff.to_le_bytes())?;
            self.out.seek(SeekFrom::Start(data_at + 4))?;
            self.out.write_all(&(data_bytes as u32).to_le_bytes())?;
        }
        self.out.seek(SeekFrom::Start(end))?;
        self.out.flush()?;
        Ok(self.out)
    }
}

impl<W: Write + Seek> super::writer::AudioWriter for WavWriter<W> {
    fn write(&mut self, samples: &[f32]) -> Result<(), WavError> {
        self.write_mono(samples)
    }

    fn finish(
        self: Box<Self>,
        chapters: &[Chapter],
        info: &Info,
        loudness: &Loudness,
    ) -> Result<(), WavError> {
        WavWriter::finish(*self, &cues(chapters), info, Some(loudness)).map(drop)
    }
}

/// The cue points of a chapter list: a region per chapter (an `ltxt` of its length), with the
/// full text as the note of quotations and paragraphs.
///
/// No two cue points share a frame: FFmpeg ends each chapter where the next one (by start)
/// begins and gives a chapter whose follower starts at the same frame the file's end. Where
/// marks start together (a paragraph that opens with a quotation; a section and its first
/// paragraph) the later one in the list moves one frame on, so the enclosing mark shows in
/// ffprobe as ending where the enclosed one begins, and the enclosed one runs on as it should.
/// Its `ltxt` length shrinks by the same frame, so it still ends where the mark ends.
///
/// Cue points and region lengths are 32-bit: a mark that starts past [`LAST_CUE_FRAME`] (some
/// 54 hours at 22,050 Hz) has no cue point, and a region is cut where the frames a cue point can
/// name end. The sidecars still hold every mark.
pub fn cues(chapters: &[Chapter]) -> Vec<Cue> {
    let mut order: Vec<usize> = (0..chapters.len()).collect();
    order.sort_by_key(|&i| (chapters[i].start_frame, i));
    let mut starts = vec![0u64; chapters.len()];
    let mut last: Option<u64> = None;
    for i in order {
        let start = match last {
            Some(previous) if chapters[i].start_frame <= previous => previous + 1,
            _ => chapters[i].start_frame,
        };
        starts[i] = start;
        last = Some(start);
    }
    chapters
        .iter()
        .zip(starts)
        .filter(|&(_, start)| start <= LAST_CUE_FRAME)
        .map(|(c, start)| Cue {
            start_frame: start,
            length: Some(
                c.end_frame
                    .saturating_sub(start)
                    .min(LAST_CUE_FRAME - start),
            ),
            label: c.title.clone(),
            note: (c.kind != MarkKind::Section).then(|| c.note.clone()),
        })
        .collect()
}

/// The last frame a cue point (or the end of a region) can name: the fields are 32-bit.
pub const LAST_CUE_FRAME: u64 = u32::MAX as u64;

/// One sample, little-endian, rounded and clipped to the integer range.
/// `sample` × `full_scale`, rounded half away from zero and clamped to the integer range
/// (`f32::round` without its library call: the sum is exact in `f64` and the cast truncates).
fn quantize(sample: f32, full_scale: f64) -> i32 {
    let x = (f64::from(sample) * full_scale).clamp(-full_scale, full_scale - 1.0);
    (x + 0.5f64.copysign(x)) as i32
}

/// Writes `pcm` as a 16-bit mono WAV with markers and metadata.
pub fn write<W: Write + Seek>(
    out: &mut W,
    pcm: &Pcm,
    cues: &[Cue],
    info: &Info,
) -> Result<(), WavError> {
    let mut writer = WavWriter::new(&mut *out, Format::mono16(pcm.sample_rate), pcm.frames())?;
    writer.write_i16(&pcm.samples)?;
    writer.finish(cues, info, None)?;
    Ok(())
}

/// `bext` version 2 (EBU Tech 3285): description, originator, and the loudness fields as
/// hundredths (EBU R 128 figures of the finished file).
fn bext_body(loudness: &Loudness, info: &Info) -> Vec<u8> {
    let mut body = Vec::with_capacity(602);
    let mut text = |value: &str, len: usize| {
        let ascii: Vec<u8> = value.bytes().filter(u8::is_ascii).take(len).collect();
        body.extend_from_slice(&ascii);
        body.extend(std::iter::repeat_n(0, len - ascii.len()));
    };
    text(&loudness_comment(loudness), 256); // Description
    text(info.software.as_deref().unwrap_or("articast"), 32); // Originator
    text("", 32); // OriginatorReference
    text("", 10); // OriginationDate
    text("", 8); // OriginationTime
    body.extend_from_slice(&[0; 8]); // TimeReference
    body.extend_from_slice(&2u16.to_le_bytes()); // Version
    body.extend_from_slice(&[0; 64]); // UMID
    for value in [
        loudness.integrated,
        loudness.range,
        loudness.true_peak,
        loudness.max_momentary,
        loudness.max_short_term,
    ] {
        body.extend_from_slice(&hundredths(value).to_le_bytes());
    }
    body.extend_from_slice(&[0; 180]); // Reserved
    body
}

/// A bext loudness field: the value × 100, or 0x7FFF when unknown (silence gives -inf).
fn hundredths(value: f64) -> i16 {
    if value.is_finite() {
        (value * 100.0).round().clamp(-32_768.0, 32_766.0) as i16
    } else {
        0x7FFF
    }
}

fn loudness_comment(loudness: &Loudness) -> String {
    format!("EBU R 128: {}", loudness.summary())
}

/// The chunks that follow `data`: `LIST/INFO`, `cue ` and `LIST/adtl` (the last two only when
/// there are cues).
pub fn metadata_chunks(cues: &[Cue], info: &Info) -> Result<Vec<u8>, WavError> {
    trailing_chunks(cues, info, None)
}

/// [`metadata_chunks`], with the loudness figures as an `ICMT` comment in `LIST/INFO`.
fn trailing_chunks(
    cues: &[Cue],
    info: &Info,
    loudness: Option<&Loudness>,
) -> Result<Vec<u8>, WavError> {
    let mut out = Vec::new();
    let info_list = info_list(info, loudness);
    if info_list.len() > 4 {
        chunk(&mut out, b"LIST", &info_list);
    }
    if !cues.is_empty() {
        chunk(&mut out, b"cue ", &cue_body(cues)?);
        chunk(&mut out, b"LIST", &label_list(cues));
        let regions = region_list(cues)?;
        if regions.len() > 4 {
            chunk(&mut out, b"LIST", &regions);
        }
    }
    Ok(out)
}

/// Appends one chunk: id, little-endian size, body, and a pad byte if the size is odd.
fn chunk(out: &mut Vec<u8>, id: &[u8; 4], body: &[u8]) {
    out.extend_from_slice(id);
    out.extend_from_slice(&(body.len() as u32).to_le_bytes());
    out.extend_from_slice(body);
    if body.len() % 2 == 1 {
        out.push(0);
    }
}

fn frame(value: u64) -> Result<u32, WavError> {
    u32::try_from(value).map_err(|_| WavError::TooLong("marker past 2^32 frames"))
}

fn cue_body(cues: &[Cue]) -> Result<Vec<u8>, WavError> {
    let mut body = Vec::with_capacity(4 + 24 * cues.len());
    body.extend_from_slice(&(cues.len() as u32).to_le_bytes());
    for (id, cue) in (1u32..).zip(cues) {
        let position = frame(cue.start_frame)?;
        body.extend_from_slice(&id.to_le_bytes());
        body.extend_from_slice(&position.to_le_bytes()); // dwPosition
        body.extend_from_slice(b"data"); // fccChunk
        body.extend_from_slice(&0u32.to_le_bytes()); // dwChunkStart
        body.extend_from_slice(&0u32.to_le_bytes()); // dwBlockStart
        body.extend_from_slice(&position.to_le_bytes()); // dwSampleOffset
    }
    Ok(body)
}

fn label_list(cues: &[Cue]) -> Vec<u8> {
    let mut list = b"adtl".to_vec();
    for (id, cue) in (1u32..).zip(cues) {
        let mut body = id.to_le_bytes().to_vec();
        body.extend_from_slice(truncate(&cue.label, MAX_LABEL_BYTES).as_bytes());
        body.push(0);
        chunk(&mut list, b"labl", &body);
    }
    list
}

fn region_list(cues: &[Cue]) -> Result<Vec<u8>, WavError> {
    let mut list = b"adtl".to_vec();
    for (id, cue) in (1u32..).zip(cues) {
        let Some(length) = cue.length else { continue };
        let mut body = id.to_le_bytes().to_vec();
        body.extend_from_slice(&frame(length)?.to_le_bytes());
        body.extend_from_slice(b"rgn ");
        body.extend_from_slice(&[0; 8]); // country, language, dialect, code page
        if let Some(note) = &cue.note {
            body.extend_from_slice(truncate(note, MAX_TEXT_BYTES).as_bytes());
            body.push(0);
        }
        chunk(&mut list, b"ltxt", &body);
    }
    Ok(list)
}

fn info_list(info: &Info, loudness: Option<&Loudness>) -> Vec<u8> {
    let mut list = b"INFO".to_vec();
    let comment = loudness.map(loudness_comment);
    for (id, value) in [
        (b"INAM", &info.title),
        (b"IART", &info.artist),
        (b"ISFT", &info.software),
        (b"ICMT", &comment),
    ] {
        if let Some(value) = value {
            let mut body = truncate(value, MAX_TEXT_BYTES).as_bytes().to_vec();
            body.push(0);
            chunk(&mut list, id, &body);
        }
    }
    list
}

/// The longest prefix of `text` that fits `max` bytes, cut at a character boundary, without NULs.
fn truncate(text: &str, max: usize) -> String {
    let clean = text.replace('\0', " ");
    let mut end = clean.len().min(max);
    while !clean.is_char_boundary(end) {
        end -= 1;
    }
    clean[..end].to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn quantizing_rounds_half_away_from_zero_and_clamps_as_rounding_the_float_does() {
        let mut values = vec![0.0f32, -0.0, 1.0, -1.0, 1.5, -1.5, f32::NAN, f32::INFINITY];
        values.extend((-70_000..70_000).map(|i| i as f32 * 0.5 / 32_768.0));
        values.extend((0..10_000).map(|i| ((i as f32) * 0.737).sin() * 1.01));
        values.extend([0.499_999_97 / 32_768.0, -0.499_999_97 / 32_768.0]);
        for x in values {
            let rounded = (x * 32_768.0).round().clamp(-32_768.0, 32_767.0) as i32;
            assert_eq!(quantize(x, 32_768.0), rounded, "{x}");
            let rounded = (x * 8_388_608.0).round().clamp(-8_388_608.0, 8_388_607.0) as i32;
            assert_eq!(quantize(x, 8_388_608.0), rounded, "{x}");
        }
    }
    use std::io::Cursor;

    /// Top-level chunks after the RIFF header: (id, body).
    fn chunks(bytes: &[u8]) -> Vec<([u8; 4], Vec<u8>)> {
        let mut out = Vec::new();
        let mut at = 12;
        while at + 8 <= bytes.len() {
            let id: [u8; 4] = bytes[at..at + 4].try_into().unwrap();
            let size = u32::from_le_bytes(bytes[at + 4..at + 8].try_into().unwrap()) as usize;
            out.push((id, bytes[at + 8..at + 8 + size].to_vec()));
            at += 8 + size + size % 2;
        }
        assert_eq!(
            at,
            bytes.len(),
            "chunks must end exactly at the end of the file"
        );
        out
    }

    fn sub_chunks(list: &[u8]) -> Vec<([u8; 4], Vec<u8>)> {
        let mut fake = b"RIFF\0\0\0\0WAVE".to_vec();
        fake.extend_from_slice(list);
        chunks(&fake)
    }

    fn sample_pcm(frames: usize) -> Pcm {
        Pcm {
            sample_rate: 8_000,
            samples: (0..frames).map(|i| (i % 100) as i16).collect(),
        }
    }

    fn cues() -> Vec<Cue> {
        vec![
            Cue {
                start_frame: 0,
                length: Some(4_000),
                label: "Intro".into(),
                note: None,
            },
            Cue {
                start_frame: 4_000,
                length: Some(1_000),
                label: "Quotes".into(),
                note: Some("Über all".into()),
            },
        ]
    }

    fn written(pcm: &Pcm, cues: &[Cue], info: &Info) -> Vec<u8> {
        let mut cursor = Cursor::new(Vec::new());
        write(&mut cursor, pcm, cues, info).unwrap();
        cursor.into_inner()
    }

    #[test]
    fn samples_and_spec_survive_a_round_trip_through_hound() {
        let pcm = sample_pcm(8_000);
        let bytes = written(&pcm, &cues(), &Info::default());
        let mut reader = hound::WavReader::new(Cursor::new(bytes)).unwrap();
        assert_eq!(reader.spec().sample_rate, 8_000);
        let back: Vec<i16> = reader.samples::<i16>().map(Result::unwrap).collect();
        assert_eq!(back, pcm.samples);
    }

    #[test]
    fn riff_size_counts_every_chunk() {
        let bytes = written(&sample_pcm(8_000), &cues(), &Info::default());
        let riff = u32::from_le_bytes(bytes[4..8].try_into().unwrap()) as usize;
        assert_eq!(riff, bytes.len() - 8);
        let ids: Vec<[u8; 4]> = chunks(&bytes).into_iter().map(|(id, _)| id).collect();
        assert_eq!(ids, vec![*b"fmt ", *b"data", *b"cue ", *b"LIST", *b"LIST"]);
    }

    /// An untitled mark.
    fn chapter(kind: MarkKind, start_frame: u64, end_frame: u64) -> Chapter {
        Chapter {
            kind,
            start_frame,
            end_frame,
            title: String::new(),
            note: String::new(),
        }
    }

    #[test]
    fn marks_that_start_together_get_distinct_cue_points_and_keep_their_ends() {
        // A section, its first paragraph and the quotation that opens it, all at frame 100.
        let chapters = [
            chapter(MarkKind::Section, 100, 9_000),
            chapter(MarkKind::Paragraph, 100, 4_000),
            chapter(MarkKind::Quote, 100, 2_000),
            chapter(MarkKind::Paragraph, 4_000, 9_000),
        ];
        let cues = super::cues(&chapters);
        let starts: Vec<u64> = cues.iter().map(|c| c.start_frame).collect();
        assert_eq!(starts, vec![100, 101, 102, 4_000]);
        let ends: Vec<u64> = cues
            .iter()
            .map(|c| c.start_frame + c.length.unwrap())
            .collect();
        assert_eq!(ends, vec![9_000, 4_000, 2_000, 9_000]);
    }

    #[test]
    fn marks_past_the_32_bit_frames_get_no_cue_point_and_regions_stop_there() {
        // Seven billion frames: a hundred hours at 22,050 Hz.
        let end = 7_000_000_000;
        let chapters = [
            chapter(MarkKind::Section, 0, end),
            chapter(MarkKind::Section, 3_000_000_000, 5_000_000_000),
            chapter(MarkKind::Section, 5_000_000_000, end),
        ];
        let cues = super::cues(&chapters);
        let spans: Vec<(u64, u64)> = cues
            .iter()
            .map(|c| (c.start_frame, c.length.unwrap()))
            .collect();
        assert_eq!(
            spans,
            vec![
                (0, LAST_CUE_FRAME),
                (3_000_000_000, LAST_CUE_FRAME - 3_000_000_000)
            ]
        );
        // What is left is written.
        let mut body = Vec::new();
        body.extend(cue_body(&cues).unwrap());
        body.extend(region_list(&cues).unwrap());
        assert_eq!(body.len(), 4 + 24 * 2 + 4 + 2 * (8 + 20));
    }

    #[test]
    fn cue_points_carry_the_frame_in_both_position_fields() {
        let bytes = written(&sample_pcm(8_000), &cues(), &Info::default());
        let (_, cue) = chunks(&bytes)
            .into_iter()
            .find(|(id, _)| id == b"cue ")
            .unwrap();
        assert_eq!(cue.len(), 4 + 24 * 2);
        assert_eq!(&cue[0..4], &2u32.to_le_bytes());
        let second = &cue[28..52];
        assert_eq!(&second[0..4], &2u32.to_le_bytes());
        assert_eq!(&second[4..8], &4_000u32.to_le_bytes());
        assert_eq!(&second[8..12], b"data");
        assert_eq!(&second[20..24], &4_000u32.to_le_bytes());
    }

    #[test]
    fn odd_label_is_padded_and_every_labl_comes_before_any_ltxt() {
        let bytes = written(&sample_pcm(8_000), &cues(), &Info::default());
        let lists: Vec<Vec<u8>> = chunks(&bytes)
            .into_iter()
            .filter(|(id, _)| id == b"LIST")
            .map(|(_, b)| b)
            .collect();
        assert_eq!(lists.len(), 2);
        assert!(
            lists
                .iter()
                .all(|l| &l[0..4] == b"adtl" && l.len() % 2 == 0)
        );
        let labels = sub_chunks(&lists[0][4..]);
        let regions = sub_chunks(&lists[1][4..]);
        assert!(labels.iter().all(|(id, _)| id == b"labl") && labels.len() == 2);
        assert!(regions.iter().all(|(id, _)| id == b"ltxt") && regions.len() == 2);
        // "Quotes\0" after the id is 11 bytes: an odd size, so one pad byte follows.
        assert_eq!(labels[1].1.len(), 11);
        assert_eq!(&labels[1].1[4..], b"Quotes\0");
        let ltxt = &regions[1].1;
        assert_eq!(&ltxt[4..8], &1_000u32.to_le_bytes());
        assert_eq!(&ltxt[8..12], b"rgn ");
        assert_eq!(&ltxt[20..], "Über all\0".as_bytes());
    }

    #[test]
    fn info_list_holds_title_artist_and_software() {
        let info = Info {
            title: Some("Title".into()),
            artist: Some("Ann".into()),
            software: Some("articast 0.1".into()),
        };
        let bytes = written(&sample_pcm(10), &[], &info);
        let found = chunks(&bytes);
        let (_, list) = found.iter().find(|(id, _)| id == b"LIST").unwrap();
        assert_eq!(&list[0..4], b"INFO");
        let subs = sub_chunks(&list[4..]);
        assert_eq!(subs[0], (*b"INAM", b"Title\0".to_vec()));
        assert_eq!(subs[1], (*b"IART", b"Ann\0".to_vec()));
        assert_eq!(subs[2], (*b"ISFT", b"articast 0.1\0".to_vec()));
        assert!(found.iter().all(|(id, _)| id != b"cue "));
    }

    #[test]
    fn odd_frame_count_pads_data_and_hound_still_reads_it() {
        let pcm = Pcm {
            sample_rate: 8_000,
            samples: vec![1, 2, 3],
        };
        let bytes = written(&pcm, &cues()[..1], &Info::default());
        assert_eq!(bytes.len() % 2, 0);
        let reader = hound::WavReader::new(Cursor::new(bytes)).unwrap();
        assert_eq!(reader.duration(), 3);
    }

    #[test]
    fn long_texts_are_cut_at_a_character_boundary() {
        let text = "é".repeat(2_000);
        let cut = truncate(&text, MAX_TEXT_BYTES);
        assert_eq!(cut.len(), MAX_TEXT_BYTES);
        assert!(truncate(&text, 3).len() == 2);
    }

    fn figures() -> Loudness {
        Loudness {
            integrated: -16.04,
            range: 3.2,
            true_peak: -1.27,
            max_momentary: -12.5,
            max_short_term: f64::NEG_INFINITY,
        }
    }

    #[test]
    fn stereo_24_bit_survives_a_round_trip_through_hound() {
        let format = Format {
            sample_rate: 48_000,
            channels: 2,
            bits: 24,
        };
        let samples = [0.5f32, -0.25, 0.0, 1.5];
        let mut writer = WavWriter::new(Cursor::new(Vec::new()), format, 4).unwrap();
        writer.write_mono(&samples).unwrap();
        let bytes = writer
            .finish(&cues()[..1], &Info::default(), None)
            .unwrap()
            .into_inner();
        let mut reader = hound::WavReader::new(Cursor::new(bytes)).unwrap();
        let spec = reader.spec();
        assert_eq!(
            (spec.channels, spec.bits_per_sample, spec.sample_rate),
            (2, 24, 48_000)
        );
        let back: Vec<i32> = reader.samples::<i32>().map(Result::unwrap).collect();
        assert_eq!(
            back,
            vec![
                4_194_304, 4_194_304, -2_097_152, -2_097_152, 0, 0, 8_388_607, 8_388_607
            ]
        );
    }

    #[test]
    fn odd_24_bit_mono_data_is_padded_and_cues_still_follow() {
        let format = Format {
            sample_rate: 8_000,
            channels: 1,
            bits: 24,
        };
        let mut writer = WavWriter::new(Cursor::new(Vec::new()), format, 3).unwrap();
        writer.write_mono(&[0.1, 0.2, 0.3]).unwrap();
        let bytes = writer
            .finish(&cues(), &Info::default(), None)
            .unwrap()
            .into_inner();
        let ids: Vec<[u8; 4]> = chunks(&bytes).into_iter().map(|(id, _)| id).collect();
        assert_eq!(ids, vec![*b"fmt ", *b"data", *b"cue ", *b"LIST", *b"LIST"]);
        assert_eq!(
            hound::WavReader::new(Cursor::new(bytes))
                .unwrap()
                .duration(),
            3
        );
    }

    #[test]
    fn loudness_figures_go_into_bext_v2_and_an_info_comment() {
        let mut writer = WavWriter::new(Cursor::new(Vec::new()), Format::mono16(8_000), 2).unwrap();
        writer.write_mono(&[0.1, 0.2]).unwrap();
        let bytes = writer
            .finish(&[], &Info::default(), Some(&figures()))
            .unwrap()
            .into_inner();
        let found = chunks(&bytes);
        let (_, bext) = found.iter().find(|(id, _)| id == b"bext").unwrap();
        assert_eq!(bext.len(), 602);
        assert!(bext.starts_with(b"EBU R 128: -16.0 LUFS, -1.3 dBTP, LRA 3.2 LU\0"));
        let field = |at: usize| i16::from_le_bytes([bext[at], bext[at + 1]]);
        assert_eq!(field(346), 2); // version
        assert_eq!(
            [field(412), field(414), field(416), field(418), field(420)],
            [-1_604, 320, -127, -1_250, 0x7FFF]
        );
        let (_, list) = found.iter().find(|(id, _)| id == b"LIST").unwrap();
        let subs = sub_chunks(&list[4..]);
        assert_eq!(subs.last().unwrap().0, *b"ICMT");
    }

    /// A sink that keeps the first 4 KiB and whatever is written past `keep_from`, and only
    /// counts the rest: enough to check the header and trailing chunks of a huge file.
    struct Sparse {
        pos: u64,
        len: u64,
        head: Vec<u8>,
        keep_from: u64,
        tail: Vec<u8>,
    }

    impl Write for Sparse {
        fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
            for (i, &b) in buf.iter().enumerate() {
                let at = self.pos + i as u64;
                if at < self.head.len() as u64 {
                    self.head[at as usize] = b;
                } else if at >= self.keep_from {
                    let t = (at - self.keep_from) as usize;
                    if self.tail.len() <= t {
                        self.tail.resize(t + 1, 0);
                    }
                    self.tail[t] = b;
                } else {
                    // Counted only; callers never write across both ends in one buffer.
                    break;
                }
            }
            self.pos += buf.len() as u64;
            self.len = self.len.max(self.pos);
            Ok(buf.len())
        }
        fn flush(&mut self) -> std::io::Result<()> {
            Ok(())
        }
    }

    impl Seek for Sparse {
        fn seek(&mut self, to: SeekFrom) -> std::io::Result<u64> {
            self.pos = match to {
                SeekFrom::Start(p) => p,
                SeekFrom::End(d) => self.len.saturating_add_signed(d),
                SeekFrom::Current(d) => self.pos.saturating_add_signed(d),
            };
            Ok(self.pos)
        }
    }

    fn u32_at(bytes: &[u8], at: usize) -> u32 {
        u32::from_le_bytes(bytes[at..at + 4].try_into().unwrap())
    }

    fn u64_at(bytes: &[u8], at: usize) -> u64 {
        u64::from_le_bytes(bytes[at..at + 8].try_into().unwrap())
    }

    #[test]
    fn a_day_of_audio_is_written_as_rf64_with_64_bit_sizes() {
        let format = Format {
            sample_rate: 48_000,
            channels: 1,
            bits: 16,
        };
        let frames = 24 * 3_600 * 48_000u64;
        let header = 12 + 36 + 24 + 8;
        let sink = Sparse {
            pos: 0,
            len: 0,
            head: vec![0; 4_096],
            keep_from: header + frames * 2,
            tail: Vec::new(),
        };
        let mut writer = WavWriter::new(sink, format, frames).unwrap();
        assert!(writer.is_rf64());
        writer.write_silence(frames).unwrap();
        let late = Cue {
            start_frame: 23 * 3_600 * 48_000,
            length: Some(48_000),
            label: "Late".into(),
            note: None,
        };
        let sink = writer.finish(&[late], &Info::default(), None).unwrap();
        let head = &sink.head;
        assert_eq!(&head[0..4], b"RF64");
        assert_eq!(u32_at(head, 4), u32::MAX);
        assert_eq!(&head[8..16], b"WAVEds64");
        assert_eq!(u64_at(head, 20), sink.len - 8); // riffSize
        assert_eq!(u64_at(head, 28), frames * 2); // dataSize
        assert_eq!(u64_at(head, 36), frames); // sampleCount
        assert_eq!(&head[48..52], b"fmt ");
        assert_eq!(&head[72..76], b"data");
        assert_eq!(u32_at(head, 76), u32::MAX);
        // The trailing chunks sit right after the data, with the cue at its 64-bit-safe frame.
        assert_eq!(&sink.tail[0..4], b"cue ");
        assert_eq!(u32_at(&sink.tail, 8 + 4 + 4), 23 * 3_600 * 48_000);
    }

    #[test]
    fn a_short_program_stays_riff() {
        let writer =
            WavWriter::new(Cursor::new(Vec::new()), Format::mono16(48_000), 48_000).unwrap();
        assert!(!writer.is_rf64());
        let bytes = writer
            .finish(&[], &Info::default(), None)
            .unwrap()
            .into_inner();
        assert_eq!(&bytes[0..4], b"RIFF");
    }

    #[test]
    fn more_audio_than_announced_past_4_gib_is_an_error_not_a_broken_file() {
        let sink = Sparse {
            pos: 0,
            len: 0,
            head: vec![0; 4_096],
            keep_from: u64::MAX,
            tail: Vec::new(),
        };
        let mut writer = WavWriter::new(sink, Format::mono16(48_000), 10).unwrap();
        writer.write_silence(RF64_DATA_BYTES / 2 + 1).unwrap();
        assert!(matches!(
            writer.finish(&[], &Info::default(), None),
            Err(WavError::TooLong(_))
        ));
    }
}
