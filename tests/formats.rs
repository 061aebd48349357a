//! `--audio wav,mp3,m4b,opus`: every format carries the WAV's chapters (count, plain titles,
//! times), its tags and its loudness, as readers we did not write see them: ffprobe and
//! ffmpeg's ebur128 filter for every format, mutagen for the MP3's ID3 frames.
#![cfg(all(feature = "mp3", feature = "opus"))]

use std::path::{Path, PathBuf};
use std::process::Command;

use crate::common::{self, articast, files_in, python, require_program, sample};

const STEM: &str = "free-russian-legion";
const LOSSY: [&str; 3] = ["mp3", "m4b", "opus"];

/// A chapter as ffprobe reports it, in seconds.
#[derive(Debug, Clone)]
struct Chapter {
    start: f64,
    title: String,
}

/// Chapters of any file according to `ffprobe -show_chapters`.
fn chapters(path: &Path) -> Vec<Chapter> {
    let out = Command::new("ffprobe")
        .args(["-v", "error", "-show_chapters", "-of", "json"])
        .arg(path)
        .output()
        .expect("ffprobe runs");
    assert!(out.status.success(), "ffprobe rejects {}", path.display());
    let json: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let mut list: Vec<Chapter> = json["chapters"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| Chapter {
            start: c["start_time"].as_str().unwrap().parse().unwrap(),
            title: c["tags"]["title"].as_str().unwrap_or("").to_string(),
        })
        .collect();
    list.sort_by(|a, b| a.start.total_cmp(&b.start).then(a.title.cmp(&b.title)));
    list
}

/// The WAV's markers as chapters players show: seconds, and the label without its kind.
fn wav_chapters(path: &Path) -> Vec<Chapter> {
    let rate = sample_rate(path) as f64;
    let mut list: Vec<Chapter> = common::ffprobe_chapters(path)
        .into_iter()
        .map(|m| Chapter {
            start: m.frame as f64 / rate,
            title: plain(&m.label).to_string(),
        })
        .collect();
    list.sort_by(|a, b| a.start.total_cmp(&b.start).then(a.title.cmp(&b.title)));
    list
}

fn plain(label: &str) -> &str {
    ["Section: ", "Quote: "]
        .iter()
        .find_map(|p| label.strip_prefix(p))
        .unwrap_or(label)
}

fn sample_rate(path: &Path) -> u32 {
    let out = Command::new("ffprobe")
        .args(["-v", "error", "-select_streams", "a:0", "-show_entries"])
        .args(["stream=sample_rate", "-of", "default=nw=1:nk=1"])
        .arg(path)
        .output()
        .unwrap();
    String::from_utf8_lossy(&out.stdout).trim().parse().unwrap()
}

/// Seconds of audio a decoder gives (ffmpeg, with its gapless handling: LAME tag, MP4 edit
/// list, Opus pre-skip and end trimming), counted in decoded samples.
fn decoded_seconds(path: &Path) -> f64 {
    let out = Command::new("ffmpeg")
        .args(["-v", "error", "-i"])
        .arg(path)
        .args(["-map", "0:a", "-ac", "1", "-f", "s16le", "-"])
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "ffmpeg cannot decode {}",
        path.display()
    );
    (out.stdout.len() / 2) as f64 / f64::from(sample_rate(path))
}

/// Integrated loudness (LUFS) and true peak (dBTP) of the decoded audio, by ffmpeg's ebur128.
fn loudness(path: &Path) -> (f64, f64) {
    let out = Command::new("ffmpeg")
        .args(["-nostats", "-hide_banner", "-i"])
        .arg(path)
        // Mono counts as dual mono (as articast measures it, and players play it).
        .args([
            "-map",
            "0:a",
            "-af",
            "pan=stereo|c0=c0|c1=c0,ebur128=peak=true",
        ])
        .args(["-f", "null", "-"])
        .output()
        .unwrap();
    let text = String::from_utf8_lossy(&out.stderr);
    let summary = &text[text.rfind("Summary:").expect("an ebur128 summary")..];
    let figure = |key: &str| -> f64 {
        let at = summary.find(key).unwrap() + key.len();
        summary[at..]
            .split_whitespace()
            .next()
            .unwrap()
            .parse()
            .unwrap()
    };
    (figure("I:"), figure("Peak:"))
}

/// A small real PNG, made by ffmpeg.
fn cover(dir: &Path) -> PathBuf {
    let path = dir.join("cover.png");
    let ok = Command::new("ffmpeg")
        .args([
            "-v",
            "error",
            "-f",
            "lavfi",
            "-i",
            "color=c=red:s=32x32",
            "-frames:v",
            "1",
        ])
        .arg(&path)
        .status()
        .unwrap()
        .success();
    assert!(ok);
    path
}

/// The sample rendered once with the fake engine in every format, with tags and a cover.
fn every_format() -> &'static Path {
    static DIR: std::sync::OnceLock<tempfile::TempDir> = std::sync::OnceLock::new();
    DIR.get_or_init(|| {
        let dir = tempfile::tempdir().unwrap();
        let art = cover(dir.path());
        articast()
            .args([
                "render",
                "-q",
                "--engine",
                "fake",
                "--audio",
                "wav,mp3,m4b,opus",
            ])
            .args([
                "--meta",
                "show=Articast Tests",
                "--meta",
                "date=April 21, 2015",
            ])
            .arg("--cover")
            .arg(&art)
            .arg("-o")
            .arg(dir.path().join("out"))
            .arg(sample())
            .assert()
            .success();
        dir
    })
    .path()
}

#[test]
fn every_format_has_the_wavs_chapters_with_plain_titles_at_the_same_times() {
    if require_program("ffprobe") {
        return;
    }
    let out = every_format().join("out");
    let wav = wav_chapters(&out.join(format!("{STEM}.wav")));
    assert!(wav.len() > 5, "{wav:?}");
    assert!(wav.iter().all(|c| !c.title.starts_with("Section: ")));
    for ext in LOSSY {
        let got = chapters(&out.join(format!("{STEM}.{ext}")));
        assert_eq!(got.len(), wav.len(), "{ext}: chapter count");
        for (g, w) in got.iter().zip(&wav) {
            assert_eq!(g.title, w.title, "{ext}");
            assert!((g.start - w.start).abs() <= 0.05, "{ext}: {g:?} vs {w:?}");
        }
    }
}

#[test]
fn every_format_decodes_to_the_wavs_length() {
    if require_program("ffmpeg") {
        return;
    }
    let out = every_format().join("out");
    let wav = decoded_seconds(&out.join(format!("{STEM}.wav")));
    for ext in ["mp3", "opus"] {
        let got = decoded_seconds(&out.join(format!("{STEM}.{ext}")));
        // Encoder delay and padding are dropped by the decoder: the same length to 1 ms.
        assert!(
            (got - wav).abs() <= 0.001,
            "{ext}: {got} s, the WAV {wav} s"
        );
    }
    // The M4B's edit list hides the AAC priming and gives the exact length; FFmpeg 5.1 drops
    // the priming but still decodes the padding of the last AAC frame (under 1024 samples).
    let m4b = out.join(format!("{STEM}.m4b"));
    let got = decoded_seconds(&m4b);
    let frame = 1024.0 / f64::from(sample_rate(&m4b));
    assert!(
        got >= wav - 0.001 && got < wav + frame,
        "m4b: {got} s, the WAV {wav} s"
    );
    let probe = Command::new("ffprobe")
        .args(["-v", "error", "-select_streams", "a:0", "-show_entries"])
        .args(["stream=duration", "-of", "default=nw=1:nk=1"])
        .arg(&m4b)
        .output()
        .unwrap();
    let listed: f64 = String::from_utf8_lossy(&probe.stdout)
        .trim()
        .parse()
        .unwrap();
    assert!(
        (listed - wav).abs() <= 0.001,
        "m4b: {listed} s listed, the WAV {wav} s"
    );
}

#[test]
fn mutagen_reads_the_mp3s_chap_and_ctoc_frames_and_tags() {
    if require_program("ffprobe") {
        return;
    }
    let out = every_format().join("out");
    let mp3 = out.join(format!("{STEM}.mp3"));
    let script = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/tools/read_id3.py");
    let read = Command::new(python())
        .arg(script)
        .arg(&mp3)
        .output()
        .unwrap();
    assert!(
        read.status.success(),
        "mutagen: {}",
        String::from_utf8_lossy(&read.stderr)
    );
    let tag: serde_json::Value = serde_json::from_slice(&read.stdout).unwrap();
    assert_eq!(tag["version"], serde_json::json!([2, 4, 0]));
    let tags = &tag["tags"];
    assert!(
        tags["TIT2"]
            .as_str()
            .unwrap()
            .starts_with("The Free Russian Legion")
    );
    assert_eq!(tags["TALB"], "Articast Tests");
    assert_eq!(tags["TDRC"], "2015-04-21");
    assert_eq!(tags["TLAN"], "eng");
    assert_eq!(tags["TCON"], "Podcast");
    assert_eq!(tag["comment"]["lang"], "eng");
    assert!(tag["comment"]["text"].as_str().unwrap().len() > 40);
    assert_eq!(tag["picture"]["mime"], "image/png");
    assert_eq!(tag["picture"]["type"], 3, "front cover");

    // Every WAV marker is a CHAP with its plain title, at its millisecond.
    let wav_path = out.join(format!("{STEM}.wav"));
    let rate = u64::from(sample_rate(&wav_path));
    let mut markers = common::ffprobe_chapters(&wav_path);
    markers.sort_by_key(|m| m.frame);
    let chaps = tag["chapters"].as_array().unwrap();
    assert_eq!(chaps.len(), markers.len());
    let mut expected: Vec<(u64, String)> = markers
        .iter()
        .map(|m| {
            (
                (m.frame * 1000 + rate / 2) / rate,
                plain(&m.label).to_string(),
            )
        })
        .collect();
    expected.sort();
    let mut got: Vec<(u64, String)> = chaps
        .iter()
        .map(|c| {
            (
                c["start_ms"].as_u64().unwrap(),
                c["title"].as_str().unwrap().to_string(),
            )
        })
        .collect();
    got.sort();
    assert_eq!(got, expected);

    // One top-level, ordered table of the sections, each followed by a nested table of the
    // quotations inside it.
    let tocs = tag["tocs"].as_array().unwrap();
    let top: Vec<&serde_json::Value> = tocs.iter().filter(|t| t["top_level"] == true).collect();
    assert_eq!(top.len(), 1);
    assert_eq!(top[0]["ordered"], true);
    let title_of = |id: &str| {
        chaps
            .iter()
            .find(|c| c["id"] == id)
            .and_then(|c| c["title"].as_str())
            .map(str::to_string)
    };
    let sections: Vec<String> = markers
        .iter()
        .filter(|m| m.label.starts_with("Section: "))
        .map(|m| plain(&m.label).to_string())
        .collect();
    let listed: Vec<String> = top[0]["children"]
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|id| title_of(id.as_str().unwrap()))
        .collect();
    assert_eq!(listed, sections);
    let nested: usize = tocs
        .iter()
        .filter(|t| t["top_level"] == false)
        .map(|t| {
            let children = t["children"].as_array().unwrap();
            assert!(top[0]["children"].as_array().unwrap().contains(&t["id"]));
            children.len()
        })
        .sum();
    let quotes = markers
        .iter()
        .filter(|m| m.label.starts_with("Quote: "))
        .count();
    assert_eq!(nested, quotes);
}

#[test]
fn the_m4b_has_a_chapter_track_nero_chapters_tags_and_the_cover() {
    if require_program("ffprobe") {
        return;
    }
    let m4b = every_format().join("out").join(format!("{STEM}.m4b"));
    let bytes = std::fs::read(&m4b).unwrap();
    let has = |atom: &[u8]| bytes.windows(atom.len()).any(|w| w == atom);
    assert!(has(b"chpl"), "Nero chapters");
    assert!(
        has(b"chap"),
        "a track reference to the QuickTime chapter track"
    );
    let out = Command::new("ffprobe")
        .args([
            "-v",
            "error",
            "-show_format",
            "-show_streams",
            "-of",
            "json",
        ])
        .arg(&m4b)
        .output()
        .unwrap();
    let json: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let tags = &json["format"]["tags"];
    assert_eq!(tags["album"], "Articast Tests");
    assert_eq!(tags["date"], "2015-04-21");
    assert!(
        tags["title"]
            .as_str()
            .unwrap()
            .starts_with("The Free Russian Legion")
    );
    let streams = json["streams"].as_array().unwrap();
    assert!(streams.iter().any(|s| s["codec_name"] == "aac"));
    assert!(
        streams
            .iter()
            .any(|s| s["disposition"]["attached_pic"] == 1 && s["codec_name"] == "png")
    );
}

#[test]
fn the_opus_file_has_r128_gain_and_vorbis_chapters() {
    if require_program("ffprobe") {
        return;
    }
    let opus = every_format().join("out").join(format!("{STEM}.opus"));
    let out = Command::new("ffprobe")
        .args(["-v", "error", "-show_streams", "-of", "json"])
        .arg(&opus)
        .output()
        .unwrap();
    let json: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let stream = &json["streams"][0];
    assert_eq!(stream["codec_name"], "opus");
    assert_eq!(stream["sample_rate"], "48000");
    let tags = &stream["tags"];
    // -16 LUFS is 7 dB over EBU R 128's -23: -7 × 256 in Q7.8, within the measured tenth.
    let gain: i64 = tags["R128_TRACK_GAIN"].as_str().unwrap().parse().unwrap();
    assert!((gain + 1792).abs() <= 64, "{gain}");
    assert_eq!(tags["ALBUM"], "Articast Tests");
    assert_eq!(tags["DATE"], "2015-04-21");
    // FFmpeg turns the CHAPTERnnn comments into chapters (and keeps them out of the tags).
    let first = &chapters(&opus)[0];
    assert_eq!(first.start, 0.0);
    assert!(
        first.title.starts_with("The Free Russian Legion"),
        "{first:?}"
    );
}

#[test]
fn the_render_lists_every_file_and_the_manifest_keeps_them() {
    let dir = tempfile::tempdir().unwrap();
    let assert = articast()
        .args([
            "render",
            "--engine",
            "fake",
            "--audio",
            "opus,mp3",
            "--sidecars",
            "json",
        ])
        .arg("-o")
        .arg(dir.path())
        .arg(sample())
        .assert()
        .success();
    let stderr = String::from_utf8_lossy(&assert.get_output().stderr).to_string();
    assert!(stderr.contains(&format!("{STEM}.mp3, ")), "{stderr}");
    assert!(stderr.contains(&format!("{STEM}.opus")), "{stderr}");
    assert_eq!(
        files_in(dir.path()),
        [
            format!("{STEM}.chapters.json"),
            format!("{STEM}.mp3"),
            format!("{STEM}.opus")
        ]
    );
    // The manifest lists them: a render with only WAV removes the MP3 and the Opus file.
    articast()
        .args([
            "render",
            "-q",
            "--engine",
            "fake",
            "--sidecars",
            "json",
            "-o",
        ])
        .arg(dir.path())
        .arg(sample())
        .assert()
        .success();
    assert_eq!(
        files_in(dir.path()),
        [format!("{STEM}.chapters.json"), format!("{STEM}.wav")]
    );
    // --no-clobber refuses an input whose file in any asked format exists.
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join(format!("{STEM}.opus")), b"mine").unwrap();
    articast()
        .args([
            "render",
            "-q",
            "--engine",
            "fake",
            "--no-clobber",
            "--audio",
            "opus",
        ])
        .arg("-o")
        .arg(dir.path())
        .arg(sample())
        .assert()
        .code(2)
        .stderr(predicates::str::contains(format!("{STEM}.opus exists")));
}

#[test]
fn split_parts_are_written_in_every_format_and_the_playlist_names_the_first() {
    let dir = tempfile::tempdir().unwrap();
    articast()
        .args([
            "render", "-q", "--engine", "fake", "--audio", "mp3,opus", "--split",
        ])
        .args(["sections", "--sidecars", "none", "--report"])
        .arg(dir.path().join("report.json"))
        .arg("-o")
        .arg(dir.path().join("out"))
        .arg(Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/three-sections.txt"))
        .assert()
        .success();
    let files = files_in(&dir.path().join("out"));
    let mp3: Vec<&String> = files.iter().filter(|f| f.ends_with(".mp3")).collect();
    let opus: Vec<&String> = files.iter().filter(|f| f.ends_with(".opus")).collect();
    assert!(mp3.len() > 1, "{files:?}");
    assert_eq!(mp3.len(), opus.len());
    let m3u = std::fs::read_to_string(dir.path().join("out/three-sections.m3u")).unwrap();
    let listed: Vec<&str> = m3u.lines().filter(|l| !l.starts_with('#')).collect();
    assert_eq!(listed, mp3.iter().map(|s| s.as_str()).collect::<Vec<_>>());
    // Each part's MP3 holds that part's chapters, from its own start.
    let first = chapters(&dir.path().join("out").join(mp3[0]));
    assert!((first[0].start).abs() < 0.001, "{first:?}");
    let report: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(dir.path().join("report.json")).unwrap())
            .unwrap();
    let reported = report["articles"][0]["outputs"].as_array().unwrap().len();
    assert_eq!(
        reported,
        mp3.len() + opus.len() + 1,
        "audio files and the playlist"
    );
}

#[test]
fn without_ffmpeg_m4b_fails_in_one_line_and_writes_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let empty = tempfile::tempdir().unwrap();
    let out = dir.path().join("out");
    let assert = articast()
        .env("PATH", empty.path())
        .args(["render", "--engine", "fake", "--audio", "wav,m4b", "-o"])
        .arg(&out)
        .arg(sample())
        .assert()
        .code(1);
    let stderr = String::from_utf8_lossy(&assert.get_output().stderr).to_string();
    assert_eq!(stderr.lines().count(), 1, "{stderr}");
    assert!(
        stderr.starts_with("error: --audio m4b needs the ffmpeg program"),
        "{stderr}"
    );
    assert!(stderr.contains("apt install ffmpeg"), "{stderr}");
    assert!(files_in(&out).is_empty() && files_in(dir.path()).is_empty());
}

#[test]
fn a_missing_or_unreadable_cover_is_refused_by_name_before_anything_is_written() {
    let dir = tempfile::tempdir().unwrap();
    let text = dir.path().join("notes.txt");
    std::fs::write(&text, "not an image").unwrap();
    for (cover, reason) in [
        (dir.path().join("missing.jpg"), "missing.jpg"),
        (text.clone(), "not a JPEG or PNG image"),
    ] {
        let out = dir.path().join("out");
        let assert = articast()
            .args(["render", "--engine", "fake", "--audio", "mp3", "--cover"])
            .arg(&cover)
            .arg("-o")
            .arg(&out)
            .arg(sample())
            .assert()
            .code(2);
        let stderr = String::from_utf8_lossy(&assert.get_output().stderr).to_string();
        assert_eq!(stderr.lines().count(), 1, "{stderr}");
        assert!(
            stderr.contains("cover ") && stderr.contains(reason),
            "{stderr}"
        );
        assert!(!out.exists());
    }
    articast()
        .args(["render", "--engine", "fake", "--meta", "colour=red", "-o"])
        .arg(dir.path().join("out"))
        .arg(sample())
        .assert()
        .code(2)
        .stderr(predicates::str::contains("--meta colour: unknown key"));
}

#[test]
fn lossy_files_are_byte_identical_from_run_to_run() {
    if require_program("ffmpeg") {
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    for run in ["a", "b"] {
        articast()
            .args([
                "render",
                "-q",
                "--engine",
                "fake",
                "--audio",
                "mp3,m4b,opus",
            ])
            .args(["--sidecars", "none", "-o"])
            .arg(dir.path().join(run))
            .arg(sample())
            .assert()
            .success();
    }
    for ext in LOSSY {
        let name = format!("{STEM}.{ext}");
        assert_eq!(
            std::fs::read(dir.path().join("a").join(&name)).unwrap(),
            std::fs::read(dir.path().join("b").join(&name)).unwrap(),
            "{name}"
        );
    }
}

/// The whole check with a real voice: espeak-ng speech in every format, each decoded within
/// 0.5 LU of -16 LUFS with its true peak at or under -1 dBTP, and the chapters of the WAV.
#[cfg(feature = "espeak")]
#[test]
fn espeak_speech_in_every_format_keeps_its_loudness_peak_and_chapters() {
    if require_program("ffmpeg") {
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    articast()
        .args([
            "render",
            "-q",
            "--audio",
            "wav,mp3,m4b,opus",
            "--sidecars",
            "none",
            "-o",
        ])
        .arg(dir.path())
        .arg(sample())
        .assert()
        .success();
    let wav = wav_chapters(&dir.path().join(format!("{STEM}.wav")));
    for ext in ["wav", "mp3", "m4b", "opus"] {
        let path = dir.path().join(format!("{STEM}.{ext}"));
        let (integrated, peak) = loudness(&path);
        println!("{ext}: {integrated} LUFS, {peak} dBTP");
        assert!((integrated + 16.0).abs() <= 0.5, "{ext}: {integrated} LUFS");
        assert!(peak <= -1.0, "{ext}: true peak {peak} dBTP");
        if ext != "wav" {
            let got = chapters(&path);
            assert_eq!(got.len(), wav.len(), "{ext}");
            for (g, w) in got.iter().zip(&wav) {
                assert_eq!(g.title, w.title, "{ext}");
                assert!((g.start - w.start).abs() <= 0.05, "{ext}: {g:?} vs {w:?}");
            }
        }
    }
}

#[test]
fn fake_speech_in_every_format_keeps_its_loudness_and_peak() {
    if require_program("ffmpeg") {
        return;
    }
    let out = every_format().join("out");
    for ext in ["wav", "mp3", "m4b", "opus"] {
        let (integrated, peak) = loudness(&out.join(format!("{STEM}.{ext}")));
        assert!((integrated + 16.0).abs() <= 0.5, "{ext}: {integrated} LUFS");
        assert!(peak <= -1.0, "{ext}: true peak {peak} dBTP");
    }
}
