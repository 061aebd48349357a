//! The audio formats a render writes (`--audio wav,mp3,m4b,opus`), and their encoder settings.
//!
//! Every format is written from the same mastered samples by its own [`AudioWriter`]
//! (`super::AudioWriter`), with the same chapters and metadata: WAV (`cue `/`adtl` markers),
//! MP3 (LAME, ID3v2.4 `CHAP`/`CTOC`), M4B (AAC through ffmpeg, QuickTime chapter track and Nero
//! `chpl`) and Opus in Ogg (Vorbis-comment `CHAPTERnnn`).

use std::io::{Seek, Write};
use std::path::PathBuf;
use std::sync::Arc;

use serde::Serialize;

use super::metadata::Metadata;
use super::wav::{self, WavError};
use super::writer::{AudioWriter, FanOut};

/// One audio format.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum AudioFormat {
    /// PCM WAV (RF64 past 4 GiB) with `cue ` markers.
    Wav,
    /// MPEG-1/2 Layer III with ID3v2.4 chapters.
    Mp3,
    /// AAC in an MPEG-4 audiobook file with chapters.
    M4b,
    /// Opus in Ogg with Vorbis-comment chapters.
    Opus,
}

impl AudioFormat {
    /// The names front ends give each format, with a line of help.
    pub const NAMES: [(&'static str, &'static str, AudioFormat); 4] = [
        (
            "wav",
            "<stem>.wav: PCM with cue markers (editors, FFmpeg)",
            AudioFormat::Wav,
        ),
        (
            "mp3",
            "<stem>.mp3: MP3 with ID3 chapters (podcast apps)",
            AudioFormat::Mp3,
        ),
        (
            "m4b",
            "<stem>.m4b: AAC with MP4 chapters (audiobook apps; needs ffmpeg)",
            AudioFormat::M4b,
        ),
        (
            "opus",
            "<stem>.opus: Opus in Ogg with Vorbis-comment chapters",
            AudioFormat::Opus,
        ),
    ];

    /// The file extension, without the dot.
    pub fn extension(self) -> &'static str {
        match self {
            AudioFormat::Wav => "wav",
            AudioFormat::Mp3 => "mp3",
            AudioFormat::M4b => "m4b",
            AudioFormat::Opus => "opus",
        }
    }

    /// The format's MIME type (for feeds and EPUBs).
    pub fn media_type(self) -> &'static str {
        match self {
            AudioFormat::Wav => "audio/wav",
            AudioFormat::Mp3 => "audio/mpeg",
            AudioFormat::M4b => "audio/mp4",
            AudioFormat::Opus => "audio/ogg",
        }
    }

    /// Whether the codec loses information, so that its decoded peaks can overshoot the
    /// mastered ones.
    pub fn is_lossy(self) -> bool {
        self != AudioFormat::Wav
    }

    /// Each format once, in the order they are written (WAV, MP3, M4B, Opus); WAV alone when
    /// the list is empty.
    pub fn normalize(formats: &[AudioFormat]) -> Vec<AudioFormat> {
        let mut out = formats.to_vec();
        out.sort();
        out.dedup();
        if out.is_empty() {
            out.push(AudioFormat::Wav);
        }
        out
    }
}

/// How much lower than the true-peak ceiling the limiter aims when a lossy format is written:
/// a speech codec at podcast bit rates overshoots the peaks of what it was given by up to about
/// 1 dB (measured on the decoded MP3, AAC and Opus), so the decoded files stay under the
/// ceiling too. Loudness is unchanged: only the limiter works a little harder.
pub const LOSSY_HEADROOM_DB: f64 = 1.0;

/// Encoder settings of the lossy formats.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Encoding {
    /// Bit rate in kb/s (the average one with `vbr`); `None` takes the podcast defaults:
    /// 64 kb/s mono, 128 kb/s stereo for MP3 and AAC, 48 / 96 kb/s for Opus.
    pub bitrate_kbps: Option<u32>,
    /// Variable bit rate (MP3: LAME's VBR at the quality that averages about the bit rate;
    /// Opus: unconstrained VBR). Constant bit rate otherwise.
    pub vbr: bool,
}

impl Encoding {
    /// The MP3 and AAC bit rate for a channel count, kb/s.
    pub fn bitrate(&self, channels: u16) -> u32 {
        self.bitrate_kbps
            .unwrap_or(if channels > 1 { 128 } else { 64 })
    }

    /// The Opus bit rate for a channel count, kb/s (Opus is transparent for speech at less).
    pub fn opus_bitrate(&self, channels: u16) -> u32 {
        self.bitrate_kbps
            .unwrap_or(if channels > 1 { 96 } else { 48 })
    }
}

/// Why a format cannot be written by this articast on this machine.
#[derive(Debug, thiserror::Error)]
pub enum FormatError {
    /// The format's encoder was left out of the build.
    #[error("--audio {format}: this articast was built without the `{feature}` feature")]
    NotBuilt {
        /// The format's name.
        format: &'static str,
        /// The cargo feature that brings it.
        feature: &'static str,
    },
    /// M4B needs the ffmpeg program, which is not on `PATH`.
    #[error("{}", super::m4b::NO_FFMPEG)]
    NoFfmpeg,
}

/// Everything the writers of one render share: the PCM layout, encoder settings, the tags, and
/// the ffmpeg program when M4B is written. Built once per renderer (after [`check`]).
#[derive(Debug, Clone)]
pub struct Output {
    /// The formats, each once, in order.
    pub formats: Vec<AudioFormat>,
    /// The WAV's layout (its rate and channels are every format's input).
    pub pcm: wav::Format,
    /// Bit rates.
    pub encoding: Encoding,
    /// The episode's tags.
    pub meta: Arc<Metadata>,
    /// The ffmpeg program (M4B).
    pub ffmpeg: Option<PathBuf>,
}

/// Checks that every format of `formats` can be written here; returns the ffmpeg program when
/// one of them needs it.
pub fn check(formats: &[AudioFormat]) -> Result<Option<PathBuf>, FormatError> {
    for &format in formats {
        match format {
            #[cfg(not(feature = "mp3"))]
            AudioFormat::Mp3 => {
                return Err(FormatError::NotBuilt {
                    format: "mp3",
                    feature: "mp3",
                });
            }
            #[cfg(not(feature = "opus"))]
            AudioFormat::Opus => {
                return Err(FormatError::NotBuilt {
                    format: "opus",
                    feature: "opus",
                });
            }
            _ => {}
        }
    }
    match formats.contains(&AudioFormat::M4b) {
        true => super::m4b::find_ffmpeg()
            .map(Some)
            .ok_or(FormatError::NoFfmpeg),
        false => Ok(None),
    }
}

impl Output {
    /// The writer of one part of `frames` frames in every format, from one writer per file
    /// (`outs`, in the order of [`Output::formats`]).
    pub fn writer<'a, W: Write + Seek + 'a>(
        &self,
        outs: Vec<W>,
        frames: u64,
    ) -> Result<Box<dyn AudioWriter + 'a>, WavError> {
        let mut writers = Vec::with_capacity(outs.len());
        for (&format, out) in self.formats.iter().zip(outs) {
            writers.push(self.one(format, out, frames)?);
        }
        Ok(match writers.len() {
            1 => writers.remove(0),
            _ => Box::new(FanOut(writers)),
        })
    }

    fn one<'a, W: Write + Seek + 'a>(
        &self,
        format: AudioFormat,
        out: W,
        frames: u64,
    ) -> Result<Box<dyn AudioWriter + 'a>, WavError> {
        let (rate, channels) = (self.pcm.sample_rate, self.pcm.channels);
        let meta = Arc::clone(&self.meta);
        Ok(match format {
            AudioFormat::Wav => Box::new(wav::WavWriter::new(out, self.pcm, frames)?),
            #[cfg(feature = "mp3")]
            AudioFormat::Mp3 => Box::new(super::mp3::Mp3Writer::new(
                out,
                rate,
                channels,
                &self.encoding,
                meta,
            )?),
            #[cfg(feature = "opus")]
            AudioFormat::Opus => Box::new(super::opus::OpusWriter::new(
                out,
                rate,
                channels,
                &self.encoding,
                meta,
            )?),
            AudioFormat::M4b => {
                let ffmpeg = self.ffmpeg.clone().ok_or(WavError::Encode {
                    format: "M4B",
                    message: super::m4b::NO_FFMPEG.to_string(),
                })?;
                Box::new(super::m4b::M4bWriter::new(
                    out,
                    ffmpeg,
                    rate,
                    channels,
                    &self.encoding,
                    meta,
                )?)
            }
            #[allow(unreachable_patterns)]
            other => {
                let _ = (rate, channels, meta);
                return Err(WavError::Encode {
                    format: other.extension(),
                    message: "not built into this articast".to_string(),
                });
            }
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn formats_are_written_once_each_in_a_fixed_order() {
        use AudioFormat::*;
        assert_eq!(
            AudioFormat::normalize(&[Opus, Mp3, Opus, Wav]),
            vec![Wav, Mp3, Opus]
        );
        assert_eq!(AudioFormat::normalize(&[]), vec![Wav]);
    }

    #[test]
    fn podcast_defaults_are_64_kbps_mono_and_stereo_when_asked() {
        let encoding = Encoding::default();
        assert_eq!(encoding.bitrate(1), 64);
        assert_eq!(encoding.bitrate(2), 128);
        let asked = Encoding {
            bitrate_kbps: Some(96),
            vbr: true,
        };
        assert_eq!(asked.bitrate(1), 96);
        assert_eq!(asked.opus_bitrate(2), 96);
    }
}
