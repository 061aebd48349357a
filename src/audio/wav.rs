//! WAV output: PCM through hound, then our own marker and metadata chunks.
//!
//! hound writes `RIFF`/`WAVE`, `fmt ` and `data` but has no way to write other chunks, so we
//! append them after `data` and patch the RIFF size. Layout (RIFF MCI 1991; checked against
//! FFmpeg's wavdec.c, libsndfile's wav.c/wavlike.c and wavinfo):
//!
//! ```text
//! RIFF WAVE | fmt  | data | LIST INFO (INAM, IART, ISFT) | cue  | LIST adtl (labl…) | LIST adtl (ltxt…)
//! ```
//!
//! - `cue `: one 24-byte point per marker, ids from 1, `dwPosition` = `dwSampleOffset` = the
//!   frame index (readers disagree on which field they use), `fccChunk` = `data`.
//! - `LIST/adtl`: every `labl` before any `ltxt`: FFmpeg and libsndfile stop reading labels at
//!   the first other sub-chunk. `ltxt` carries the region length in frames, purpose `rgn `.
//!   The `ltxt`s go into a second `LIST/adtl`: Python wavinfo (4.0.1) reads only the first
//!   `adtl` list and fails on any `ltxt` whose length has a non-zero third byte (it takes that
//!   byte for a code page), i.e. on every region longer than 65,535 frames. FFmpeg, libsndfile
//!   and bwavfile read every `adtl` list, so they still see the regions.
//! - Every chunk body of odd size is followed by one zero pad byte, counted by the parent.
//! - Texts are UTF-8 with a NUL; sub-chunks stay below 2,048 bytes (libsndfile drops the whole
//!   LIST otherwise).

use std::io::{Seek, SeekFrom, Write};

use super::Pcm;

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
    #[error("{0}")]
    Io(#[from] std::io::Error),
    /// hound refused the audio.
    #[error("{0}")]
    Hound(#[from] hound::Error),
    /// The file would pass the 4 GiB limit of RIFF sizes, or a marker lies past 2^32 frames.
    #[error("the audio is too long for a WAV file ({0})")]
    TooLong(&'static str),
}

/// Writes `pcm` as a 16-bit mono WAV with markers and metadata.
pub fn write<W: Write + Seek>(
    out: &mut W,
    pcm: &Pcm,
    cues: &[Cue],
    info: &Info,
) -> Result<(), WavError> {
    let start = out.stream_position()?;
    let spec = hound::WavSpec {
        channels: 1,
        sample_rate: pcm.sample_rate,
        bits_per_sample: 16,
        sample_format: hound::SampleFormat::Int,
    };
    if pcm.samples.len() as u64 * 2 > u64::from(u32::MAX) - 4_096 {
        return Err(WavError::TooLong("data chunk over 4 GiB"));
    }
    let mut writer = hound::WavWriter::new(&mut *out, spec)?;
    {
        let mut samples = writer.get_i16_writer(pcm.samples.len() as u32);
        for &s in &pcm.samples {
            samples.write_sample(s);
        }
        samples.flush()?;
    }
    writer.finalize()?;
    let end = out.seek(SeekFrom::End(0))?;
    if (end - start) % 2 == 1 {
        out.write_all(&[0])?;
    }
    out.write_all(&metadata_chunks(cues, info)?)?;
    let total = out.seek(SeekFrom::End(0))? - start;
    let riff_size = u32::try_from(total - 8).map_err(|_| WavError::TooLong("file over 4 GiB"))?;
    out.seek(SeekFrom::Start(start + 4))?;
    out.write_all(&riff_size.to_le_bytes())?;
    out.seek(SeekFrom::End(0))?;
    Ok(())
}

/// The chunks that follow `data`: `LIST/INFO`, `cue ` and `LIST/adtl` (the last two only when
/// there are cues).
pub fn metadata_chunks(cues: &[Cue], info: &Info) -> Result<Vec<u8>, WavError> {
    let mut out = Vec::new();
    let info_list = info_list(info);
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

fn info_list(info: &Info) -> Vec<u8> {
    let mut list = b"INFO".to_vec();
    for (id, value) in [
        (b"INAM", &info.title),
        (b"IART", &info.artist),
        (b"ISFT", &info.software),
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
}
