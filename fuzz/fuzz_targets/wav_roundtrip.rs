//! Random samples, markers and labels → our WAV writer → bytes, read back by hound (samples and
//! spec unchanged) and by a RIFF walker here (one cue point per marker, at its frame).
#![no_main]

use std::io::Cursor;

use arbitrary::Arbitrary;
use articast::audio::Pcm;
use articast::audio::wav::{self, Cue, Info};
use libfuzzer_sys::fuzz_target;

#[derive(Debug, Arbitrary)]
struct Input {
    rate: u16,
    samples: Vec<i16>,
    cues: Vec<(u16, Option<u16>, String, Option<String>)>,
    title: Option<String>,
    artist: Option<String>,
}

fuzz_target!(|input: Input| {
    let pcm = Pcm {
        sample_rate: u32::from(input.rate.max(1)),
        samples: input.samples,
    };
    let frames = pcm.samples.len() as u64;
    let mut cues: Vec<Cue> = input
        .cues
        .into_iter()
        .map(|(start, length, label, note)| Cue {
            start_frame: u64::from(start).min(frames),
            length: length.map(u64::from),
            label,
            note,
        })
        .collect();
    cues.sort_by_key(|c| c.start_frame);
    let info = Info {
        title: input.title,
        artist: input.artist,
        software: Some("articast-fuzz".into()),
    };
    let mut out = Cursor::new(Vec::new());
    if wav::write(&mut out, &pcm, &cues, &info).is_err() {
        return;
    }
    let bytes = out.into_inner();

    let reader = hound::WavReader::new(Cursor::new(&bytes)).expect("hound reads our WAV");
    assert_eq!(reader.spec().sample_rate, pcm.sample_rate);
    assert_eq!(
        (reader.spec().channels, reader.spec().bits_per_sample),
        (1, 16)
    );
    let back: Vec<i16> = reader
        .into_samples()
        .collect::<Result<_, _>>()
        .expect("samples");
    assert_eq!(back, pcm.samples);

    let points = cue_points(&bytes);
    assert_eq!(points.len(), cues.len());
    let mut frames: Vec<u64> = points.iter().map(|&p| u64::from(p)).collect();
    frames.sort_unstable();
    let expected: Vec<u64> = cues.iter().map(|c| c.start_frame).collect();
    assert_eq!(frames, expected);
});

/// The sample offsets of the `cue ` chunk's points, walking the RIFF chunks (sizes checked,
/// odd sizes padded).
fn cue_points(bytes: &[u8]) -> Vec<u32> {
    assert_eq!(&bytes[..4], b"RIFF");
    assert_eq!(&bytes[8..12], b"WAVE");
    let riff_end = 8 + u32::from_le_bytes(bytes[4..8].try_into().unwrap()) as usize;
    assert_eq!(riff_end, bytes.len(), "RIFF size");
    let mut at = 12;
    let mut points = Vec::new();
    while at + 8 <= bytes.len() {
        let id = &bytes[at..at + 4];
        let size = u32::from_le_bytes(bytes[at + 4..at + 8].try_into().unwrap()) as usize;
        let body = &bytes[at + 8..at + 8 + size];
        if id == b"cue " {
            let n = u32::from_le_bytes(body[..4].try_into().unwrap()) as usize;
            assert_eq!(size, 4 + 24 * n);
            for i in 0..n {
                let point = &body[4 + 24 * i..4 + 24 * (i + 1)];
                points.push(u32::from_le_bytes(point[20..24].try_into().unwrap()));
            }
        }
        at += 8 + size + size % 2;
    }
    assert_eq!(at, bytes.len(), "chunks fill the file");
    points
}
