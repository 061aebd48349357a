//! Audio acceptance: loudness measured by FFmpeg on the rendered sample article, and pauses
//! measured on the mastered audio.
//!
//! Needs ffmpeg on the PATH and the default `espeak` feature (libespeak-ng).

#![cfg(feature = "espeak")]
#![allow(clippy::unwrap_used)] // test code: a panic is the failure report

use std::io::Cursor;
use std::path::{Path, PathBuf};
use std::process::Command;

use articast::audio::{self, AudioOptions, wav};
use articast::engine::{self, EngineKind};
use articast::{article, input, script};

const SAMPLE: &str = "tests/fixtures/free-russian-legion.txt";

/// Integrated loudness (LUFS) and true peak (dBTP) as FFmpeg's ebur128 filter reports them.
/// Mono files are measured as dual mono, as podcast platforms do.
pub(crate) fn ffmpeg_loudness(wav: &Path, channels: u16) -> (f64, f64) {
    let filter = if channels == 1 {
        "pan=stereo|c0=c0|c1=c0,ebur128=peak=true"
    } else {
        "ebur128=peak=true"
    };
    let out = Command::new("ffmpeg")
        .args(["-hide_banner", "-nostats", "-i"])
        .arg(wav)
        .args(["-af", filter, "-f", "null", "-"])
        .output()
        .expect("ffmpeg must be installed to run the loudness tests");
    let log = String::from_utf8_lossy(&out.stderr);
    let summary = &log[log.rfind("Summary:").expect("ebur128 summary")..];
    let value = |key: &str| -> f64 {
        let line = summary
            .lines()
            .find(|l| l.trim_start().starts_with(key))
            .unwrap_or_else(|| panic!("no {key} in {summary}"));
        line.split_whitespace().nth(1).unwrap().parse().unwrap()
    };
    (value("I:"), value("Peak:"))
}

fn render(args: &[&str]) -> PathBuf {
    let dir = tempfile::tempdir().unwrap().keep();
    let status = Command::new(env!("CARGO_BIN_EXE_articast"))
        .args(["render", "-q", "-o"])
        .arg(&dir)
        .args(args)
        .arg(SAMPLE)
        .status()
        .unwrap();
    assert!(status.success());
    dir.join("free-russian-legion.wav")
}

fn channels_of(wav: &Path) -> u16 {
    hound::WavReader::open(wav).unwrap().spec().channels
}

#[test]
fn the_sample_article_is_at_minus_16_lufs_and_under_minus_1_dbtp() {
    let wav = render(&[]);
    assert_eq!(channels_of(&wav), 1);
    let (integrated, peak) = ffmpeg_loudness(&wav, 1);
    assert!((integrated + 16.0).abs() <= 0.5, "{integrated} LUFS");
    assert!(peak <= -1.0, "{peak} dBTP");
    std::fs::remove_dir_all(wav.parent().unwrap()).unwrap();
}

#[test]
fn the_sample_article_in_stereo_at_48k_is_at_minus_16_lufs_and_under_minus_1_dbtp() {
    let wav = render(&["--channels", "2", "--sample-rate", "48000"]);
    let spec = hound::WavReader::open(&wav).unwrap().spec();
    assert_eq!((spec.channels, spec.sample_rate), (2, 48_000));
    let (integrated, peak) = ffmpeg_loudness(&wav, 2);
    assert!((integrated + 16.0).abs() <= 0.5, "{integrated} LUFS");
    assert!(peak <= -1.0, "{peak} dBTP");
    std::fs::remove_dir_all(wav.parent().unwrap()).unwrap();
}

/// Speaks the sample article with espeak-ng, masters it at `sample_rate` and returns the script,
/// the program and the written 16-bit mono samples.
fn mastered_sample(sample_rate: u32) -> (script::Script, audio::Program, Vec<i16>) {
    mastered_with(sample_rate, &engine::Voice::default())
}

/// [`mastered_sample`] with `quote_voice` for the quotations.
fn mastered_with(
    sample_rate: u32,
    quote_voice: &engine::Voice,
) -> (script::Script, audio::Program, Vec<i16>) {
    let text = input::read(&input::Source::File(SAMPLE.into())).unwrap();
    let article = article::parse(&text).unwrap();
    let script = script::build(&article, &script::ScriptOptions::default());
    let mut engine = engine::open(EngineKind::Espeak).unwrap();
    let narrator = engine::Voice::default();
    let mut assembler = audio::Assembler::new(Cursor::new(Vec::new()), sample_rate).unwrap();
    for u in &script.utterances {
        let voice = match u.role {
            script::Role::Quote => quote_voice,
            _ => &narrator,
        };
        let speech = engine.synthesize(&u.text, voice).unwrap();
        assembler.add(speech, u.role, u.pause_after_ms).unwrap();
    }
    let mut assembled = assembler.finish().unwrap();
    let mut out = Cursor::new(Vec::new());
    let options = AudioOptions::default();
    let part = audio::Part {
        frames: 0..assembled.program.pcm.frames,
        out: &mut out,
        cues: vec![],
    };
    audio::master(&mut assembled, &options, vec![part], &wav::Info::default()).unwrap();
    let mut reader = hound::WavReader::new(Cursor::new(out.into_inner())).unwrap();
    let samples = reader.samples::<i16>().map(Result::unwrap).collect();
    (script, assembled.program, samples)
}

/// Checks every pause between two spoken utterances: the silence heard between the last
/// audible sample of one and the first of the next, found in the audio.
fn pauses_match_the_script(sample_rate: u32) {
    let (script, program, samples) = mastered_sample(sample_rate);
    let threshold = 10f64.powf(-45.0 / 20.0) * 32_768.0;
    let audible = |i: &u64| f64::from(samples[*i as usize]).abs() > threshold;
    let mut checked = 0;
    for (i, pair) in program.placed.windows(2).enumerate() {
        if pair[0].frames.is_empty() || pair[1].frames.is_empty() {
            continue;
        }
        let last = (pair[0].frames.start..pair[1].frames.start)
            .rev()
            .find(audible)
            .unwrap();
        let next = (pair[0].frames.end..pair[1].frames.end)
            .find(audible)
            .unwrap();
        let heard_ms = (next - last - 1) as f64 * 1000.0 / f64::from(sample_rate);
        let wanted = f64::from(script.utterances[i].pause_after_ms);
        assert!(
            (heard_ms - wanted).abs() <= 10.0,
            "after utterance {i}: heard {heard_ms:.1} ms, script {wanted} ms"
        );
        checked += 1;
    }
    assert!(checked > 20, "only {checked} pauses checked");
}

#[test]
fn pauses_heard_in_the_sample_article_match_the_script_within_10_ms() {
    pauses_match_the_script(22_050);
}

#[test]
fn pauses_stay_exact_after_resampling_to_48k() {
    pauses_match_the_script(48_000);
}

#[test]
fn a_quiet_quote_voice_is_within_1_lu_of_the_narrator_over_their_segments() {
    let quiet = engine::Voice {
        id: "en-us+f3".into(),
        volume: 40,
        ..engine::Voice::default()
    };
    let (script, program, samples) = mastered_with(22_050, &quiet);
    let loudness_of = |role: script::Role| {
        let mut meter = ebur128::EbuR128::new(1, 22_050, ebur128::Mode::I).unwrap();
        meter.set_channel(0, ebur128::Channel::DualMono).unwrap();
        for (u, placed) in script.utterances.iter().zip(&program.placed) {
            if u.role == role {
                let range = placed.frames.start as usize..placed.frames.end as usize;
                meter.add_frames_i16(&samples[range]).unwrap();
            }
        }
        meter.loudness_global().unwrap()
    };
    let narrator = loudness_of(script::Role::Narrator);
    let quote = loudness_of(script::Role::Quote);
    assert!(quote.is_finite() && narrator.is_finite());
    assert!(
        (narrator - quote).abs() <= 1.0,
        "narrator {narrator}, quote {quote}"
    );
}
