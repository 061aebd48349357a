//! Opus in Ogg (RFC 7845): the `--audio opus` writer, through libopus (the `opus` crate) and the
//! `ogg` crate.
//!
//! Opus runs at 48 kHz, so the mastered program is resampled ([`resample::Stream`]) and encoded
//! in 20 ms packets. The stream is `OpusHead | OpusTags | audio pages`:
//! - `OpusHead` gives the pre-skip: the encoder's look-ahead, which decoders drop, so the first
//!   decoded sample is the program's first.
//! - The granule position of a page is the 48 kHz sample count, pre-skip included, at the end
//!   of its last packet; the last page's is `pre-skip + length`, less than its packets hold,
//!   which tells decoders to drop the padding of the last packet. Duration and chapter times are
//!   then exact.
//! - `OpusTags` are Vorbis comments: the metadata, the chapters in the form FFmpeg and VLC read
//!   (`CHAPTER001=00:00:00.000`, `CHAPTER001NAME=…`), and `R128_TRACK_GAIN` (Q7.8 dB to bring
//!   the track to the -23 LUFS of EBU R 128; the output gain in the header stays 0, so the file
//!   plays at the mastered loudness).
//!
//! The packets are kept in memory until the end (about 6 kB a second), since the comment
//! header, which goes first, holds the chapters and the loudness.

use std::io::Write;
use std::sync::Arc;

use base64::Engine as _;
use base64::engine::general_purpose::STANDARD as BASE64;
use ogg::writing::{PacketWriteEndInfo, PacketWriter};

use super::format::Encoding;
use super::metadata::Metadata;
use super::resample;
use super::wav::{Info, Loudness, WavError};
use super::writer::AudioWriter;
use crate::chapters::Chapter;

/// Opus's rate: every granule position counts 48 kHz samples.
pub const RATE: u32 = 48_000;
/// Samples per packet (20 ms).
const FRAME: usize = 960;
/// Largest packet libopus is asked to fill (RFC 6716: 1275 bytes per frame).
const MAX_PACKET: usize = 1_500;
/// The logical stream's serial number: fixed, so that a render is byte-identical.
const SERIAL: u32 = 0x6172_7463; // "artc"

fn encode_error(e: impl std::fmt::Display) -> WavError {
    WavError::Encode {
        format: "Opus",
        message: e.to_string(),
    }
}

/// The `--audio opus` writer.
pub struct OpusWriter<W: Write> {
    out: W,
    encoder: opus::Encoder,
    resampler: resample::Stream,
    stereo: bool,
    pre_skip: u16,
    meta: Arc<Metadata>,
    /// Program samples at the program's rate, for the exact length at the end.
    program_rate: u32,
    /// 48 kHz samples waiting for a whole packet.
    pending: Vec<f32>,
    /// 48 kHz samples resampled so far.
    samples: u64,
    /// The encoded packets, in order.
    packets: Vec<Vec<u8>>,
    scratch: Vec<f32>,
}

impl<W: Write> OpusWriter<W> {
    /// A writer of `channels` (1, or 2 with the same signal on both) from a program at
    /// `sample_rate`.
    pub fn new(
        out: W,
        sample_rate: u32,
        channels: u16,
        encoding: &Encoding,
        meta: Arc<Metadata>,
    ) -> Result<Self, WavError> {
        let stereo = channels > 1;
        let layout = if stereo {
            opus::Channels::Stereo
        } else {
            opus::Channels::Mono
        };
        let mut encoder =
            opus::Encoder::new(RATE, layout, opus::Application::Audio).map_err(encode_error)?;
        let bits = encoding.opus_bitrate(channels) as i32 * 1000;
        encoder
            .set_bitrate(opus::Bitrate::Bits(bits))
            .map_err(encode_error)?;
        encoder.set_vbr(encoding.vbr).map_err(encode_error)?;
        let pre_skip =
            u16::try_from(encoder.get_lookahead().map_err(encode_error)?).map_err(encode_error)?;
        let resampler = resample::Stream::new(sample_rate, RATE).map_err(encode_error)?;
        Ok(OpusWriter {
            out,
            encoder,
            resampler,
            stereo,
            pre_skip,
            meta,
            program_rate: sample_rate,
            pending: Vec::new(),
            samples: 0,
            packets: Vec::new(),
            scratch: Vec::new(),
        })
    }

    /// Encodes every whole packet pending (with `last`, the rest padded with silence).
    fn encode_pending(&mut self, last: bool) -> Result<(), WavError> {
        let mut at = 0;
        let mut buffer = vec![0u8; MAX_PACKET];
        while self.pending.len() - at >= FRAME || (last && at < self.pending.len()) {
            let end = (at + FRAME).min(self.pending.len());
            let mut frame = self.pending[at..end].to_vec();
            frame.resize(FRAME, 0.0);
            if self.stereo {
                frame = frame.iter().flat_map(|&s| [s, s]).collect();
            }
            let n = self
                .encoder
                .encode_float(&frame, &mut buffer)
                .map_err(encode_error)?;
            self.packets.push(buffer[..n].to_vec());
            at = end;
        }
        self.pending.drain(..at);
        Ok(())
    }
}

impl<W: Write> AudioWriter for OpusWriter<W> {
    fn write(&mut self, samples: &[f32]) -> Result<(), WavError> {
        self.scratch.clear();
        self.resampler
            .push(samples, &mut self.scratch)
            .map_err(encode_error)?;
        self.samples += self.scratch.len() as u64;
        self.pending.extend_from_slice(&self.scratch);
        self.encode_pending(false)
    }

    fn finish(
        mut self: Box<Self>,
        chapters: &[Chapter],
        _: &Info,
        loudness: &Loudness,
    ) -> Result<(), WavError> {
        self.scratch.clear();
        self.resampler
            .finish(&mut self.scratch)
            .map_err(encode_error)?;
        self.samples += self.scratch.len() as u64;
        let tail = std::mem::take(&mut self.scratch);
        self.pending.extend_from_slice(&tail);
        // The encoder holds back its look-ahead: feed that much silence so the end comes out.
        self.pending
            .extend(std::iter::repeat_n(0.0, usize::from(self.pre_skip)));
        self.encode_pending(true)?;
        let channels = if self.stereo { 2 } else { 1 };
        let head = opus_head(channels, self.pre_skip, self.program_rate);
        let tags = opus_tags(&comments(
            chapters,
            self.program_rate,
            &self.meta,
            Some(loudness),
        ));
        let granules = granules(self.packets.len(), self.pre_skip, self.samples);
        let mut writer = PacketWriter::new(&mut self.out);
        writer
            .write_packet(head, SERIAL, PacketWriteEndInfo::EndPage, 0)
            .map_err(encode_error)?;
        writer
            .write_packet(tags, SERIAL, PacketWriteEndInfo::EndPage, 0)
            .map_err(encode_error)?;
        let count = self.packets.len();
        for (i, (packet, granule)) in self.packets.drain(..).zip(granules).enumerate() {
            let end = match i + 1 == count {
                true => PacketWriteEndInfo::EndStream,
                // About one second of audio per page.
                false if (i + 1) % 50 == 0 => PacketWriteEndInfo::EndPage,
                false => PacketWriteEndInfo::NormalPacket,
            };
            writer
                .write_packet(packet, SERIAL, end, granule)
                .map_err(encode_error)?;
        }
        if count == 0 {
            writer
                .write_packet(Vec::new(), SERIAL, PacketWriteEndInfo::EndStream, 0)
                .map_err(encode_error)?;
        }
        self.out.flush()?;
        Ok(())
    }
}

/// The granule position after each of `packets` 20 ms packets of a stream with `pre_skip` and
/// `samples` 48 kHz samples of audio: a packet's end, the last one clipped to
/// `pre_skip + samples` (end trimming).
pub fn granules(packets: usize, pre_skip: u16, samples: u64) -> Vec<u64> {
    let end = u64::from(pre_skip) + samples;
    (1..=packets as u64)
        .map(|k| match k == packets as u64 {
            true => end,
            false => (k * FRAME as u64).min(end),
        })
        .collect()
}

/// The identification header (RFC 7845 §5.1).
fn opus_head(channels: u8, pre_skip: u16, input_rate: u32) -> Vec<u8> {
    let mut head = Vec::with_capacity(19);
    head.extend_from_slice(b"OpusHead");
    head.push(1); // version
    head.push(channels);
    head.extend_from_slice(&pre_skip.to_le_bytes());
    head.extend_from_slice(&input_rate.to_le_bytes());
    head.extend_from_slice(&0i16.to_le_bytes()); // output gain
    head.push(0); // channel mapping family 0: mono or stereo
    head
}

/// The comment header (RFC 7845 §5.2) holding `comments`.
fn opus_tags(comments: &[String]) -> Vec<u8> {
    let vendor = format!(
        "articast {} (libopus {})",
        env!("CARGO_PKG_VERSION"),
        opus::version()
    );
    let mut tags = Vec::new();
    tags.extend_from_slice(b"OpusTags");
    let mut field = |bytes: &[u8]| {
        tags.extend_from_slice(&(bytes.len() as u32).to_le_bytes());
        tags.extend_from_slice(bytes);
    };
    field(vendor.as_bytes());
    let mut body = Vec::new();
    body.extend_from_slice(&(comments.len() as u32).to_le_bytes());
    for comment in comments {
        body.extend_from_slice(&(comment.len() as u32).to_le_bytes());
        body.extend_from_slice(comment.as_bytes());
    }
    tags.extend_from_slice(&body);
    tags
}

/// `HH:MM:SS.mmm` of a frame.
fn timestamp(frame: u64, sample_rate: u32) -> String {
    let ms = crate::chapters::millis(frame, sample_rate);
    format!(
        "{:02}:{:02}:{:02}.{:03}",
        ms / 3_600_000,
        ms / 60_000 % 60,
        ms / 1000 % 60,
        ms % 1000
    )
}

/// The Vorbis comments of an episode: metadata, loudness and chapters.
pub fn comments(
    chapters: &[Chapter],
    sample_rate: u32,
    meta: &Metadata,
    loudness: Option<&Loudness>,
) -> Vec<String> {
    // Values are one line: a newline would end the field for some readers.
    let one_line = |v: &str| v.split_whitespace().collect::<Vec<_>>().join(" ");
    let mut out = Vec::new();
    let fields = [
        ("TITLE", meta.title.as_deref()),
        ("ARTIST", meta.artist.as_deref()),
        ("ALBUM", meta.album.as_deref()),
        ("DESCRIPTION", meta.comment.as_deref()),
        ("LANGUAGE", meta.language.as_deref()),
        ("GENRE", Some(meta.genre_or_default())),
    ];
    for (key, value) in fields {
        if let Some(value) = value {
            out.push(format!("{key}={}", one_line(value)));
        }
    }
    if let Some(date) = meta.iso_date() {
        out.push(format!("DATE={date}"));
    }
    if let Some(loudness) = loudness {
        let q78 = ((-23.0 - loudness.integrated) * 256.0).round();
        let gain = q78.clamp(f64::from(i16::MIN), f64::from(i16::MAX)) as i16;
        out.push(format!("R128_TRACK_GAIN={gain}"));
    }
    for (i, chapter) in chapters.iter().enumerate() {
        let n = i + 1;
        out.push(format!(
            "CHAPTER{n:03}={}",
            timestamp(chapter.start_frame, sample_rate)
        ));
        out.push(format!(
            "CHAPTER{n:03}NAME={}",
            one_line(chapter.plain_title())
        ));
    }
    // Cover art as a FLAC picture block (METADATA_BLOCK_PICTURE, base64), as Opus files carry it.
    if let Some(cover) = &meta.cover {
        out.push(format!(
            "METADATA_BLOCK_PICTURE={}",
            BASE64.encode(picture_block(cover.mime_type, &cover.data))
        ));
    }
    out
}

/// A FLAC `PICTURE` block of a front cover.
fn picture_block(mime_type: &str, data: &[u8]) -> Vec<u8> {
    let mut block = Vec::with_capacity(data.len() + 64);
    let u32be = |v: usize, block: &mut Vec<u8>| {
        block.extend_from_slice(&(v as u32).to_be_bytes());
    };
    u32be(3, &mut block); // front cover
    u32be(mime_type.len(), &mut block);
    block.extend_from_slice(mime_type.as_bytes());
    u32be(0, &mut block); // description
    for _ in 0..4 {
        u32be(0, &mut block); // width, height, depth, colours: unknown
    }
    u32be(data.len(), &mut block);
    block.extend_from_slice(data);
    block
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::script::MarkKind;

    #[test]
    fn the_last_granule_trims_the_padding_of_the_last_packet() {
        // 312 samples of pre-skip, 2000 of audio: 3 packets (2880 samples) decoded, 2312 kept.
        assert_eq!(granules(3, 312, 2_000), vec![960, 1_920, 2_312]);
        assert_eq!(granules(1, 312, 100), vec![412]);
        assert!(granules(0, 312, 0).is_empty());
    }

    #[test]
    fn chapters_are_vorbis_comments_with_millisecond_times_and_plain_titles() {
        let chapters = [
            Chapter {
                kind: MarkKind::Section,
                start_frame: 0,
                end_frame: 100,
                title: "Section: Intro".into(),
                note: String::new(),
            },
            Chapter {
                kind: MarkKind::Quote,
                start_frame: 22_050 * 3725 + 11,
                end_frame: 22_050 * 3726,
                title: "Quote: Ivan – “Go”".into(),
                note: String::new(),
            },
        ];
        let meta = Metadata {
            title: Some("T\nU".into()),
            date: Some("April 21, 2015".into()),
            ..Metadata::default()
        };
        let loudness = Loudness {
            integrated: -16.0,
            range: 0.0,
            true_peak: -1.0,
            max_momentary: -10.0,
            max_short_term: -12.0,
        };
        let c = comments(&chapters, 22_050, &meta, Some(&loudness));
        for expected in [
            "TITLE=T U",
            "DATE=2015-04-21",
            "R128_TRACK_GAIN=-1792",
            "CHAPTER001=00:00:00.000",
            "CHAPTER001NAME=Intro",
            "CHAPTER002=01:02:05.000",
            "CHAPTER002NAME=Ivan – “Go”",
        ] {
            assert!(c.iter().any(|x| x == expected), "{expected} in {c:?}");
        }
    }

    #[test]
    fn headers_follow_rfc_7845() {
        let head = opus_head(1, 312, 22_050);
        assert_eq!(&head[..8], b"OpusHead");
        assert_eq!(head.len(), 19);
        assert_eq!(u16::from_le_bytes([head[10], head[11]]), 312);
        let tags = opus_tags(&["A=b".to_string()]);
        assert!(tags.starts_with(b"OpusTags"));
        assert!(tags.ends_with(&[1, 0, 0, 0, 3, 0, 0, 0, b'A', b'=', b'b']));
    }
}
