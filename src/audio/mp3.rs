//! MP3 through LAME (built from source by `mp3lame-sys`): the `--audio mp3` writer, with ID3v2.4
//! tags and chapters, and the encoding of a written WAV for the EPUB talking book, whose readers
//! play MP3 but not WAV.
//!
//! The file is `ID3v2.4 tag | LAME/Xing frame | audio frames`. The tag carries the episode's
//! metadata (`TIT2`, `TPE1`, `TALB`, `TDRC`, `COMM`, `TLAN`, `TCON`, `TLEN`, `APIC`) and its
//! chapters as the ID3v2 Chapter Frame Addendum (id3.org/id3v2-chapters-1.0) describes: one
//! `CHAP` per chapter with its `TIT2`, and a top-level, ordered `CTOC` that lists the sections;
//! the quotations of a section are listed by a nested `CTOC` after it (sub-chapters), and a
//! table of more than 255 entries is split into nested tables of at most 255. The LAME tag in
//! the first frame gives the encoder delay and padding, so decoders drop them and a chapter's
//! millisecond is the WAV's.

use std::io::{Cursor, Write};
use std::sync::Arc;

use id3::TagLike;
use id3::frame::{self, Content, Frame, PictureType, TableOfContents};
use mp3lame_encoder::{
    Bitrate, Builder, DualPcm, Encoder, FlushGap, Mode, MonoPcm, Quality, VbrMode,
};

use super::format::Encoding;
use super::metadata::Metadata;
use super::wav::{Info, Loudness, WavError};
use super::writer::AudioWriter;
use crate::chapters::{Chapter, millis};

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
    patch_lame_tag(&encoder, &mut out);
    Ok(out)
}

/// Writes the LAME tag into the first frame, which LAME left blank for it: the encoder delay
/// and padding, which let decoders drop them, so that times in the MP3 are the WAV's.
fn patch_lame_tag(encoder: &Encoder, audio: &mut [u8]) {
    let mut tag = Vec::with_capacity(encoder.lame_tag_size());
    if let Some(n) = encoder.lame_tag_encode_to_vec(&mut tag)
        && let Some(first) = audio.get_mut(..n.get())
    {
        first.copy_from_slice(&tag[..n.get()]);
    }
}

/// The nearest bit rate LAME offers, kb/s.
fn lame_bitrate(kbps: u32) -> Bitrate {
    use Bitrate::*;
    const ALL: [(u32, Bitrate); 16] = [
        (8, Kbps8),
        (16, Kbps16),
        (24, Kbps24),
        (32, Kbps32),
        (40, Kbps40),
        (48, Kbps48),
        (64, Kbps64),
        (80, Kbps80),
        (96, Kbps96),
        (112, Kbps112),
        (128, Kbps128),
        (160, Kbps160),
        (192, Kbps192),
        (224, Kbps224),
        (256, Kbps256),
        (320, Kbps320),
    ];
    ALL.iter()
        .min_by_key(|(k, _)| k.abs_diff(kbps))
        .map_or(Kbps64, |(_, b)| *b)
}

/// LAME's VBR quality (`-V`) whose average is about `kbps` for speech (V9 near 48 kb/s mono,
/// V0 near 256 kb/s stereo).
fn vbr_quality(kbps: u32) -> Quality {
    use Quality::*;
    match kbps {
        0..=48 => Worst,
        49..=64 => SecondWorst,
        65..=80 => Ok,
        81..=96 => Decent,
        97..=112 => Good,
        113..=128 => Nice,
        129..=160 => VeryNice,
        161..=192 => NearBest,
        193..=224 => SecondBest,
        _ => Best,
    }
}

fn encode_error(e: impl std::fmt::Display) -> WavError {
    WavError::Encode {
        format: "MP3",
        message: e.to_string(),
    }
}

/// The `--audio mp3` writer: encodes the mastered samples as they come, then writes the ID3 tag
/// and the audio (kept in memory until then: the tag, which goes first, holds the chapters and
/// the first frame is patched with the LAME tag once the length is known).
pub struct Mp3Writer<W: Write> {
    out: W,
    encoder: Encoder,
    stereo: bool,
    sample_rate: u32,
    meta: Arc<Metadata>,
    audio: Vec<u8>,
}

impl<W: Write> Mp3Writer<W> {
    /// A writer of `channels` (1, or 2 with the same signal on both) at the program's rate.
    pub fn new(
        out: W,
        sample_rate: u32,
        channels: u16,
        encoding: &Encoding,
        meta: Arc<Metadata>,
    ) -> Result<Self, WavError> {
        let stereo = channels > 1;
        let mut builder = Builder::new().ok_or_else(|| encode_error("LAME could not start"))?;
        builder
            .set_num_channels(if stereo { 2 } else { 1 })
            .map_err(encode_error)?;
        builder.set_sample_rate(sample_rate).map_err(encode_error)?;
        builder
            .set_mode(if stereo {
                Mode::JointStereo
            } else {
                Mode::Mono
            })
            .map_err(encode_error)?;
        let kbps = encoding.bitrate(channels);
        builder
            .set_brate(lame_bitrate(kbps))
            .map_err(encode_error)?;
        if encoding.vbr {
            builder.set_vbr_mode(VbrMode::Mtrh).map_err(encode_error)?;
            builder
                .set_vbr_quality(vbr_quality(kbps))
                .map_err(encode_error)?;
        }
        builder.set_quality(Quality::Good).map_err(encode_error)?;
        builder.set_to_write_vbr_tag(true).map_err(encode_error)?;
        Ok(Mp3Writer {
            out,
            encoder: builder.build().map_err(encode_error)?,
            stereo,
            sample_rate,
            meta,
            audio: Vec::new(),
        })
    }
}

impl<W: Write> AudioWriter for Mp3Writer<W> {
    fn write(&mut self, samples: &[f32]) -> Result<(), WavError> {
        for chunk in samples.chunks(CHUNK) {
            self.audio
                .reserve(mp3lame_encoder::max_required_buffer_size(chunk.len()));
            let done = match self.stereo {
                true => self.encoder.encode_to_vec(
                    DualPcm {
                        left: chunk,
                        right: chunk,
                    },
                    &mut self.audio,
                ),
                false => self.encoder.encode_to_vec(MonoPcm(chunk), &mut self.audio),
            };
            done.map_err(encode_error)?;
        }
        Ok(())
    }

    fn finish(
        mut self: Box<Self>,
        chapters: &[Chapter],
        _: &Info,
        loudness: &Loudness,
    ) -> Result<(), WavError> {
        self.audio.reserve(7200);
        self.encoder
            .flush_to_vec::<FlushGap>(&mut self.audio)
            .map_err(encode_error)?;
        patch_lame_tag(&self.encoder, &mut self.audio);
        let tag = id3_tag(chapters, self.sample_rate, &self.meta, Some(loudness));
        let mut head = Vec::new();
        tag.write_to(&mut head, id3::Version::Id3v24)
            .map_err(encode_error)?;
        self.out.write_all(&head)?;
        self.out.write_all(&self.audio)?;
        self.out.flush()?;
        Ok(())
    }
}

/// Most entries one `CTOC` lists (its entry count is one byte).
const MAX_TOC_ENTRIES: usize = 255;

/// The ID3v2.4 tag of an episode: its metadata and chapters (times in ms of the program,
/// whose rate is `sample_rate`).
pub fn id3_tag(
    chapters: &[Chapter],
    sample_rate: u32,
    meta: &Metadata,
    loudness: Option<&Loudness>,
) -> id3::Tag {
    let mut tag = id3::Tag::new();
    if let Some(title) = &meta.title {
        tag.set_title(title.as_str());
    }
    if let Some(artist) = &meta.artist {
        tag.set_artist(artist.as_str());
    }
    if let Some(album) = &meta.album {
        tag.set_album(album.as_str());
    }
    if let Some(date) = meta
        .iso_date()
        .and_then(|d| d.parse::<id3::Timestamp>().ok())
    {
        tag.set_date_recorded(date);
    }
    tag.set_genre(meta.genre_or_default());
    let language = meta.language_639_2();
    if let Some(language) = &language {
        tag.set_text("TLAN", language.as_str());
    }
    if let Some(comment) = &meta.comment {
        tag.add_frame(frame::Comment {
            lang: language.clone().unwrap_or_else(|| "XXX".to_string()),
            description: String::new(),
            text: comment.clone(),
        });
    }
    if let Some(cover) = &meta.cover {
        tag.add_frame(frame::Picture {
            mime_type: cover.mime_type.to_string(),
            picture_type: PictureType::CoverFront,
            description: "Cover".to_string(),
            data: cover.data.clone(),
        });
    }
    if let Some(loudness) = loudness {
        // ReplayGain 2 (reference -18 LUFS) as players that level tracks read it.
        tag.add_frame(frame::ExtendedText {
            description: "REPLAYGAIN_TRACK_GAIN".to_string(),
            value: format!("{:.2} dB", -18.0 - loudness.integrated),
        });
    }
    tag.set_text(
        "TSSE",
        format!(
            "articast {} (LAME {})",
            env!("CARGO_PKG_VERSION"),
            mp3lame_encoder::mp3lame_version()
        ),
    );
    if let Some(last) = chapters.iter().map(|c| c.end_frame).max() {
        tag.set_duration(ms(last, sample_rate));
    }
    for (i, chapter) in chapters.iter().enumerate() {
        tag.add_frame(frame::Chapter {
            element_id: chap_id(i),
            start_time: ms(chapter.start_frame, sample_rate),
            end_time: ms(chapter.end_frame, sample_rate),
            start_offset: u32::MAX,
            end_offset: u32::MAX,
            frames: vec![Frame::text("TIT2", chapter.plain_title())],
        });
    }
    for toc in tables_of_contents(chapters, meta.title.as_deref()) {
        tag.add_frame(Frame::with_content("CTOC", Content::TableOfContents(toc)));
    }
    tag
}

/// Milliseconds at `frame`, as a CHAP time (saturating past 49 days).
fn ms(frame: u64, sample_rate: u32) -> u32 {
    u32::try_from(millis(frame, sample_rate)).unwrap_or(u32::MAX)
}

fn chap_id(i: usize) -> String {
    format!("chp{i}")
}

/// The `CTOC` frames of a chapter list: the top-level table lists the sections in order (and
/// any chapter before the first section); after each section with quotations or paragraphs
/// inside, a nested table of those (titled by the section). Tables past 255 entries are split.
pub fn tables_of_contents(chapters: &[Chapter], title: Option<&str>) -> Vec<TableOfContents> {
    /// A section's nested table: its CHAP id, the table's id, title and entries.
    struct Nested {
        section: String,
        id: String,
        title: String,
        entries: Vec<String>,
    }
    let mut top: Vec<String> = Vec::new();
    let mut nested: Vec<Nested> = Vec::new();
    for (i, chapter) in chapters.iter().enumerate() {
        match (chapter.in_toc(), nested.last_mut()) {
            (false, Some(section)) => section.entries.push(chap_id(i)),
            (false, None) => top.push(chap_id(i)),
            (true, _) => {
                top.push(chap_id(i));
                nested.push(Nested {
                    section: chap_id(i),
                    id: format!("toc{i}"),
                    title: chapter.plain_title().to_string(),
                    entries: Vec::new(),
                });
            }
        }
    }
    nested.retain(|n| !n.entries.is_empty());
    // Each nested table follows its section in the top-level list.
    let mut ordered = Vec::with_capacity(top.len() + nested.len());
    for id in top {
        let sub = nested
            .iter()
            .find(|n| n.section == id)
            .map(|n| n.id.clone());
        ordered.push(id);
        ordered.extend(sub);
    }
    let mut out = split_table("toc", true, ordered, title);
    for n in nested {
        out.extend(split_table(&n.id, false, n.entries, Some(&n.title)));
    }
    out
}

/// One table of `entries`, or, past 255 entries, a table of nested tables of at most 255 each
/// (`<id>-1`, `<id>-2`, …, split again if need be).
fn split_table(
    id: &str,
    top_level: bool,
    entries: Vec<String>,
    title: Option<&str>,
) -> Vec<TableOfContents> {
    let frames = title
        .map(|t| vec![Frame::text("TIT2", t)])
        .unwrap_or_default();
    if entries.len() <= MAX_TOC_ENTRIES {
        return vec![TableOfContents {
            element_id: id.to_string(),
            top_level,
            ordered: true,
            elements: entries,
            frames,
        }];
    }
    let mut out = Vec::new();
    let mut children = Vec::new();
    for (n, group) in entries.chunks(MAX_TOC_ENTRIES).enumerate() {
        let child = format!("{id}-{}", n + 1);
        out.extend(split_table(&child, false, group.to_vec(), None));
        children.push(child);
    }
    out.extend(split_table(id, top_level, children, title));
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::script::MarkKind;

    fn chapter(kind: MarkKind, start_frame: u64, end_frame: u64, title: &str) -> Chapter {
        Chapter {
            kind,
            start_frame,
            end_frame,
            title: title.into(),
            note: String::new(),
        }
    }

    #[test]
    fn chapters_become_chap_frames_with_plain_titles_and_a_nested_table_of_quotes() {
        let chapters = [
            chapter(MarkKind::Section, 0, 3000, "Section: A"),
            chapter(MarkKind::Quote, 1000, 1500, "Quote: Ivan – “B”"),
            chapter(MarkKind::Section, 3000, 5000, "Section: C"),
        ];
        let meta = Metadata {
            title: Some("T".into()),
            language: Some("en".into()),
            comment: Some("About.".into()),
            ..Metadata::default()
        };
        let tag = id3_tag(&chapters, 1000, &meta, None);
        let chaps: Vec<(u32, u32, String)> = tag
            .chapters()
            .map(|c| {
                let title = c.frames[0].content().text().unwrap_or("").to_string();
                (c.start_time, c.end_time, title)
            })
            .collect();
        assert_eq!(
            chaps,
            vec![
                (0, 3000, "A".to_string()),
                (1000, 1500, "Ivan – “B”".to_string()),
                (3000, 5000, "C".to_string())
            ]
        );
        let tocs: Vec<&TableOfContents> = tag.tables_of_contents().collect();
        assert_eq!(tocs.len(), 2);
        assert!(tocs[0].top_level && tocs[0].ordered);
        assert_eq!(tocs[0].elements, ["chp0", "toc0", "chp2"]);
        assert!(!tocs[1].top_level);
        assert_eq!(
            (tocs[1].element_id.as_str(), &tocs[1].elements[..]),
            ("toc0", &["chp1".to_string()][..])
        );
        assert_eq!(
            tag.get("TLAN").and_then(|f| f.content().text()),
            Some("eng")
        );
        assert_eq!(tag.comments().next().map(|c| c.lang.as_str()), Some("eng"));
        assert_eq!(tag.duration(), Some(5000));
    }

    #[test]
    fn a_table_past_255_entries_is_split_into_nested_tables() {
        let chapters: Vec<Chapter> = (0..600)
            .map(|i| chapter(MarkKind::Section, i, i + 1, "Section: S"))
            .collect();
        let tocs = tables_of_contents(&chapters, None);
        let top: Vec<&TableOfContents> = tocs.iter().filter(|t| t.top_level).collect();
        assert_eq!(top.len(), 1);
        assert_eq!(top[0].elements, ["toc-1", "toc-2", "toc-3"]);
        assert!(tocs.iter().all(|t| t.elements.len() <= 255));
        let listed: usize = tocs
            .iter()
            .filter(|t| !t.top_level)
            .map(|t| t.elements.len())
            .sum();
        assert_eq!(listed, 600);
        // The tag holding them encodes and reads back.
        let tag = id3_tag(&chapters, 1000, &Metadata::default(), None);
        let mut bytes = Vec::new();
        tag.write_to(&mut bytes, id3::Version::Id3v24).unwrap();
        let back = id3::Tag::read_from2(Cursor::new(bytes)).unwrap();
        assert_eq!(back.chapters().count(), 600);
        assert_eq!(back.tables_of_contents().count(), 4);
    }

    #[test]
    fn bit_rates_round_to_what_lame_offers() {
        assert!(matches!(lame_bitrate(64), Bitrate::Kbps64));
        assert!(matches!(lame_bitrate(70), Bitrate::Kbps64));
        assert!(matches!(lame_bitrate(1000), Bitrate::Kbps320));
    }

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
