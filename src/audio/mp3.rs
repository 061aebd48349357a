//! MP3 (LAME) encoding of a written WAV, for the EPUB talking book, whose readers play MP3 but not
//! WAV. Mono at 64 kbit/s (speech; the second channel of a stereo render is the same signal).

use std::io::Cursor;

use mp3lame_encoder::{Bitrate, Builder, FlushGap, Mode, MonoPcm, Quality};

/// Why a WAV could not be encoded.
#[derive(Debug, thiserror::Error)]
pub enum Mp3Error {
    /// The WAV could not be read back.
    #[error("reading the WAV back: {0}")]
    Read(#[from] hound::Error),
    /// LAME refused the settings (an MPEG sample rate it cannot make from this one).
    #[error("setting up the MP3 encoder: {0}")]
    Setup(String),
    /// LAME failed while encoding.
    #[error("encoding MP3: {0}")]
    Encode(String),
}

/// Frames encoded per call.
const CHUNK: usize = 8192;

/// The MP3 of a WAV file's bytes (16- or 24-bit integer PCM).
pub fn from_wav(wav: &[u8]) -> Result<Vec<u8>, Mp3Error> {
    let mut reader = hound::WavReader::new(Cursor::new(wav))?;
    let spec = reader.spec();
    let channels = usize::from(spec.channels.max(1));
    let shift = u32::from(spec.bits_per_sample.saturating_sub(16));
    let mono: Vec<i16> = reader
        .samples::<i32>()
        .step_by(channels)
        .map(|s| s.map(|v| (v >> shift) as i16))
        .collect::<Result<_, _>>()?;
    let setup = |e: &dyn std::fmt::Display| Mp3Error::Setup(e.to_string());
    let mut builder = Builder::new().ok_or_else(|| setup(&"LAME could not start"))?;
    builder.set_num_channels(1).map_err(|e| setup(&e))?;
    builder
        .set_sample_rate(spec.sample_rate)
        .map_err(|e| setup(&e))?;
    builder.set_brate(Bitrate::Kbps64).map_err(|e| setup(&e))?;
    builder.set_mode(Mode::Mono).map_err(|e| setup(&e))?;
    builder.set_quality(Quality::Good).map_err(|e| setup(&e))?;
    let mut encoder = builder.build().map_err(|e| setup(&e))?;
    let encode = |e: mp3lame_encoder::EncodeError| Mp3Error::Encode(e.to_string());
    let mut out = Vec::with_capacity(mono.len() / 2);
    for chunk in mono.chunks(CHUNK) {
        out.reserve(mp3lame_encoder::max_required_buffer_size(chunk.len()));
        encoder
            .encode_to_vec(MonoPcm(chunk), &mut out)
            .map_err(encode)?;
    }
    out.reserve(7200);
    encoder.flush_to_vec::<FlushGap>(&mut out).map_err(encode)?;
    // LAME left its first frame blank for the LAME tag: the encoder delay and padding, which
    // let decoders drop them, so that times in the MP3 are the WAV's.
    let mut tag = Vec::with_capacity(encoder.lame_tag_size());
    if let Some(n) = encoder.lame_tag_encode_to_vec(&mut tag) {
        if let Some(first) = out.get_mut(..n.get()) {
            first.copy_from_slice(&tag[..n.get()]);
        }
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_second_of_tone_becomes_mpeg_audio_frames() {
        let mut wav = Cursor::new(Vec::new());
        let spec = hound::WavSpec {
            channels: 1,
            sample_rate: 22_050,
            bits_per_sample: 16,
            sample_format: hound::SampleFormat::Int,
        };
        let mut writer = hound::WavWriter::new(&mut wav, spec).unwrap();
        for n in 0..22_050 {
            let v = (f64::from(n) * 0.05).sin() * 8000.0;
            writer.write_sample(v as i16).unwrap();
        }
        writer.finalize().unwrap();
        let mp3 = from_wav(wav.get_ref()).unwrap();
        // An MPEG audio frame starts with 11 set sync bits; 64 kbit/s for 1 s is about 8 kB.
        let sync = mp3
            .windows(2)
            .position(|w| w[0] == 0xFF && w[1] & 0xE0 == 0xE0);
        assert!(sync.is_some());
        assert!((6_000..12_000).contains(&mp3.len()), "{} bytes", mp3.len());
    }
}
