//! Sidecar files read back by parsers that are not ours: ffprobe (WAV, and an MP3 muxed by
//! ffmpeg with the `.ffmeta`), webvtt-py (both `.vtt` files and the `.srt`), a check of mpv's
//! CUE rules, and the Podcasting 2.0 JSON shape.

use crate::common;

use std::path::Path;
use std::process::Command;

use common::{
    articast, ffprobe_chapters, files_in, render_fake, sample, sample_fake_render, webvtt_cues,
};
use predicates::prelude::*;

const STEM: &str = "free-russian-legion";
const RATE: f64 = 22_050.0;

fn read(dir: &Path, ext: &str) -> String {
    std::fs::read_to_string(dir.join(format!("{STEM}.{ext}"))).expect("the sidecar exists")
}

fn json(dir: &Path, ext: &str) -> serde_json::Value {
    serde_json::from_str(&read(dir, ext)).expect("valid JSON")
}

/// (start in seconds, title) of every chapter ffprobe sees in any container.
fn ffprobe_titles(path: &Path) -> Vec<(f64, String)> {
    let out = Command::new("ffprobe")
        .args(["-v", "error", "-show_chapters", "-of", "json"])
        .arg(path)
        .output()
        .expect("ffprobe runs");
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let json: serde_json::Value = serde_json::from_slice(&out.stdout).expect("JSON");
    json["chapters"]
        .as_array()
        .expect("chapters")
        .iter()
        .map(|c| {
            let start: f64 = c["start_time"]
                .as_str()
                .expect("start_time")
                .parse()
                .expect("number");
            (start, c["tags"]["title"].as_str().unwrap_or("").to_string())
        })
        .collect()
}

#[test]
fn an_mp3_muxed_with_the_ffmeta_has_the_wavs_chapters() {
    // The shared render: this test only reads it.
    let dir = sample_fake_render();
    let wav = dir.join(format!("{STEM}.wav"));
    let scratch = tempfile::tempdir().unwrap();
    let mp3 = scratch.path().join("muxed.mp3");
    let status = Command::new("ffmpeg")
        .args(["-v", "error", "-y", "-i"])
        .arg(&wav)
        .arg("-i")
        .arg(dir.join(format!("{STEM}.ffmeta")))
        .args([
            "-map_metadata",
            "1",
            "-map_chapters",
            "1",
            "-c:a",
            "libmp3lame",
        ])
        .arg(&mp3)
        .status()
        .expect("ffmpeg runs");
    assert!(status.success());
    let from_wav = ffprobe_titles(&wav);
    let from_mp3 = ffprobe_titles(&mp3);
    assert!(from_wav.len() >= 9, "{from_wav:?}");
    assert_eq!(from_wav.len(), from_mp3.len());
    for ((a, ta), (b, tb)) in from_wav.iter().zip(&from_mp3) {
        assert_eq!(ta, tb);
        assert!(
            (a - b).abs() < 0.001,
            "{ta}: {a} s in the WAV, {b} s in the MP3"
        );
    }
}

#[test]
fn webvtt_py_reads_both_vtt_files_and_the_srt() {
    // The shared render: this test only reads it.
    let dir = sample_fake_render();
    let vtt = webvtt_cues(&dir.join(format!("{STEM}.vtt")));
    let srt = webvtt_cues(&dir.join(format!("{STEM}.srt")));
    let chapters = webvtt_cues(&dir.join(format!("{STEM}.chapters.vtt")));
    assert_eq!(vtt, srt);
    let sentences = json(dir, "timing.json")["sentences"]
        .as_array()
        .unwrap()
        .len();
    assert!(
        vtt.len() >= sentences && sentences > 40,
        "{} cues, {sentences} sentences",
        vtt.len()
    );
    for cue in &vtt {
        assert!(cue.start < cue.end, "{cue:?}");
        let lines: Vec<&str> = cue.text.lines().collect();
        assert!(!lines.is_empty() && lines.len() <= 2, "{cue:?}");
        assert!(lines.iter().all(|l| l.chars().count() <= 42), "{cue:?}");
    }
    assert!(vtt.windows(2).all(|w| w[0].end <= w[1].start + 0.0005));
    assert!(vtt[0].text.starts_with("The Free Russian Legion"));
    let wav_sections: Vec<_> = ffprobe_chapters(&dir.join(format!("{STEM}.wav")))
        .into_iter()
        .filter(|m| m.label.starts_with("Section: "))
        .collect();
    assert_eq!(chapters.len(), wav_sections.len());
    for (cue, marker) in chapters.iter().zip(&wav_sections) {
        assert_eq!(cue.text, marker.label);
        assert!((cue.start - marker.frame as f64 / RATE).abs() < 0.001);
    }
}

#[test]
fn the_cue_sheet_follows_mpvs_rules_and_matches_the_wav() {
    // The shared render: this test only reads it.
    let dir = sample_fake_render();
    let sheet = read(dir, "cue");
    let mut starts = Vec::new();
    let mut titles = Vec::new();
    let mut tracks = 0;
    for line in sheet.lines() {
        let mut words = line.split_whitespace();
        let command = words.next().expect("no blank lines");
        let rest: Vec<&str> = words.collect();
        match command {
            "FILE" => {
                let name = line.split('"').nth(1).expect("a quoted file name");
                assert!(dir.join(name).exists(), "{name}");
                assert_eq!(rest.last(), Some(&"WAVE"));
            }
            "TRACK" => {
                tracks += 1;
                assert_eq!(rest, vec![format!("{tracks:02}").as_str(), "AUDIO"]);
            }
            "TITLE" | "PERFORMER" => {
                assert!(
                    line.trim_end().ends_with('"') && line.matches('"').count() == 2,
                    "{line}"
                );
                if command == "TITLE" && line.starts_with(' ') {
                    titles.push(line.split('"').nth(1).unwrap().to_string());
                }
            }
            "INDEX" => {
                assert_eq!(rest[0], "01");
                let parts: Vec<&str> = rest[1].split(':').collect();
                assert_eq!(parts.len(), 3, "{line}");
                assert!(parts.iter().all(|p| p.chars().all(|c| c.is_ascii_digit())));
                assert!(parts[1].len() == 2 && parts[2].len() == 2, "{line}");
                let n: Vec<u64> = parts.iter().map(|p| p.parse().unwrap()).collect();
                assert!(n[1] < 60 && n[2] < 75, "{line}");
                starts.push((n[0] * 60 + n[1]) as f64 + n[2] as f64 / 75.0);
            }
            other => panic!("mpv does not know the command {other}"),
        }
    }
    let markers = ffprobe_chapters(&dir.join(format!("{STEM}.wav")));
    assert_eq!(tracks, markers.len());
    for ((start, title), marker) in starts.iter().zip(&titles).zip(&markers) {
        assert_eq!(title, &marker.label.replace('"', "'"));
        assert!((start - marker.frame as f64 / RATE).abs() <= 0.5 / 75.0 + 1e-9);
    }
}

#[test]
fn the_json_chapters_have_the_podcasting_2_0_shape() {
    // The shared render: this test only reads it.
    let dir = sample_fake_render();
    let doc = json(dir, "chapters.json");
    assert_eq!(doc["version"], "1.2.0");
    assert!(
        doc["title"]
            .as_str()
            .unwrap()
            .starts_with("The Free Russian Legion")
    );
    let chapters = doc["chapters"].as_array().unwrap();
    let markers = ffprobe_chapters(&dir.join(format!("{STEM}.wav")));
    assert_eq!(chapters.len(), markers.len());
    for (c, marker) in chapters.iter().zip(&markers) {
        let keys: Vec<&String> = c.as_object().unwrap().keys().collect();
        assert!(
            keys.iter()
                .all(|k| ["startTime", "endTime", "title", "toc"].contains(&k.as_str()))
        );
        let start = c["startTime"].as_f64().unwrap();
        assert!(c["endTime"].as_f64().unwrap() >= start);
        assert!((start - marker.frame as f64 / RATE).abs() <= 0.0005);
        // Players show plain titles: the WAV label without its kind.
        let plain = ["Section: ", "Quote: "]
            .iter()
            .find_map(|p| marker.label.strip_prefix(p))
            .unwrap_or(&marker.label);
        assert_eq!(c["title"], plain);
        let section = marker.label.starts_with("Section: ");
        assert_eq!(c.get("toc").is_none(), section, "{c}");
        if !section {
            assert_eq!(c["toc"], false);
        }
    }
}

#[test]
fn the_timing_map_times_every_section_paragraph_and_sentence() {
    // The shared render: this test only reads it.
    let dir = sample_fake_render();
    let doc = json(dir, "timing.json");
    let samples = doc["samples"].as_u64().unwrap();
    let wav = hound::WavReader::open(dir.join(format!("{STEM}.wav"))).unwrap();
    assert_eq!(u64::from(wav.duration()), samples);
    assert_eq!(doc["estimated"], false);
    for list in ["sections", "paragraphs", "sentences"] {
        let entries = doc[list].as_array().unwrap();
        assert!(!entries.is_empty(), "{list}");
        let mut last = 0;
        for e in entries {
            let (a, b) = (
                e["start_sample"].as_u64().unwrap(),
                e["end_sample"].as_u64().unwrap(),
            );
            assert!(a >= last && a <= b && b <= samples, "{list}: {e}");
            assert!((e["start"].as_f64().unwrap() - a as f64 / RATE).abs() < 1e-5);
            assert!(!e["text"].as_str().unwrap().is_empty());
            last = a;
        }
    }
    let paragraphs = doc["paragraphs"].as_array().unwrap();
    assert!(paragraphs[0]["text"].as_str().unwrap().len() > 40);
}

#[test]
fn markers_can_be_paragraphs_and_sidecars_can_be_chosen() {
    let dir = tempfile::tempdir().unwrap();
    render_fake(
        dir.path(),
        &["--markers", "sections,paragraphs", "--sidecars", "json,cue"],
    );
    let mut expected = vec![
        format!("{STEM}.chapters.json"),
        format!("{STEM}.cue"),
        format!("{STEM}.wav"),
    ];
    expected.sort();
    assert_eq!(files_in(dir.path()), expected);
    let labels: Vec<String> = ffprobe_chapters(&dir.path().join(format!("{STEM}.wav")))
        .into_iter()
        .map(|m| m.label)
        .collect();
    assert!(labels.iter().any(|l| l.starts_with("Paragraph 1: ")));
    assert!(!labels.iter().any(|l| l.starts_with("Quote: ")));
    let chapters = json(dir.path(), "chapters.json")["chapters"]
        .as_array()
        .unwrap()
        .len();
    assert_eq!(chapters, labels.len());
}

/// ffprobe's (start, end) frames of every chapter, by start.
fn ffprobe_spans(path: &Path) -> Vec<(u64, u64, String)> {
    let out = Command::new("ffprobe")
        .args(["-v", "error", "-show_chapters", "-of", "json"])
        .arg(path)
        .output()
        .expect("ffprobe runs");
    let json: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let mut spans: Vec<(u64, u64, String)> = json["chapters"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| {
            (
                c["start"].as_u64().unwrap(),
                c["end"].as_u64().unwrap(),
                c["tags"]["title"].as_str().unwrap_or("").to_string(),
            )
        })
        .collect();
    spans.sort();
    spans
}

#[test]
fn with_paragraph_and_quotation_markers_ffprobe_ends_no_chapter_past_the_next() {
    // FFmpeg ends a chapter where the next begins; a paragraph that opens with a quotation
    // used to share its start and run to the end of the file.
    let dir = tempfile::tempdir().unwrap();
    render_fake(
        dir.path(),
        &[
            "--markers",
            "sections,quotes,paragraphs",
            "--sidecars",
            "json",
        ],
    );
    let spans = ffprobe_spans(&dir.path().join(format!("{STEM}.wav")));
    let json = json(dir.path(), "chapters.json");
    let marks = json["chapters"].as_array().unwrap();
    assert_eq!(spans.len(), marks.len());
    // The sample has paragraphs that open with a quotation: their marks start together.
    let rate = 22_050.0;
    let together = marks
        .windows(2)
        .filter(|w| w[0]["startTime"] == w[1]["startTime"])
        .count();
    assert!(together > 0, "no paragraph opens with a quotation");
    for pair in spans.windows(2) {
        let ((start, end, title), (next, _, _)) = (&pair[0], &pair[1]);
        assert!(start < next, "two chapters start at frame {start}");
        assert!(
            end <= next,
            "{title}: ends at {end}, after the next start {next}"
        );
    }
    // Every chapter starts within a frame or two of its mark in the JSON.
    for ((start, _, _), mark) in spans.iter().zip(marks) {
        let seconds = mark["startTime"].as_f64().unwrap();
        assert!(
            (*start as f64 / rate - seconds).abs() < 0.002,
            "{start} vs {seconds}"
        );
    }
}

#[test]
fn a_failed_sidecar_leaves_no_file_of_the_render() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::create_dir(dir.path().join(format!("{STEM}.srt"))).unwrap();
    articast()
        .args(["render", "-q", "--engine", "fake", "-o"])
        .arg(dir.path())
        .arg(sample())
        .assert()
        .code(1)
        .stderr(predicate::str::contains("cannot write").and(predicate::str::contains(".srt")));
    assert_eq!(files_in(dir.path()), vec![format!("{STEM}.srt")]);
}

/// Renders the three-section fixture with the fake engine into `dir`.
fn render_sections(dir: &Path, extra: &[&str]) {
    let fixture = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/three-sections.txt");
    articast()
        .args(["render", "-q", "--engine", "fake", "-o"])
        .arg(dir)
        .args(extra)
        .arg(fixture)
        .assert()
        .success();
}

fn samples(path: &Path) -> Vec<i16> {
    hound::WavReader::open(path)
        .expect("hound opens the WAV")
        .samples::<i16>()
        .collect::<Result<_, _>>()
        .expect("16-bit samples")
}

#[test]
fn split_parts_add_up_to_the_whole_and_keep_its_markers() {
    let dir = tempfile::tempdir().unwrap();
    let (whole, split) = (dir.path().join("whole"), dir.path().join("split"));
    let markers = ["--markers", "sections,quotes,paragraphs"];
    render_sections(&whole, &markers);
    render_sections(&split, &[&markers[..], &["--split", "sections"]].concat());
    let stem = "three-sections";
    let whole_wav = whole.join(format!("{stem}.wav"));
    let whole_samples = samples(&whole_wav);
    let whole_markers = ffprobe_chapters(&whole_wav);
    let playlist = std::fs::read_to_string(split.join(format!("{stem}.m3u"))).unwrap();
    assert!(playlist.starts_with("#EXTM3U\n"));
    let parts: Vec<&str> = playlist.lines().filter(|l| !l.starts_with('#')).collect();
    assert_eq!(
        parts,
        vec![
            "three-sections-01-a-river-town-rebuilds-after-the-flood.wav",
            "three-sections-02-the-first-weeks.wav",
            "three-sections-03-what-comes-next.wav"
        ]
    );
    let mut offset = 0u64;
    let mut joined = Vec::new();
    let mut markers = Vec::new();
    for part in &parts {
        let path = split.join(part);
        let part_samples = samples(&path);
        let part_markers = ffprobe_chapters(&path);
        assert_eq!(part_markers[0].frame, 0, "{part} starts with its section");
        assert!(part_markers[0].label.starts_with("Section: "));
        for m in part_markers {
            markers.push((m.frame + offset, m.label));
        }
        offset += part_samples.len() as u64;
        joined.extend(part_samples);
    }
    assert!(whole_samples.len().abs_diff(joined.len()) <= parts.len());
    assert!(
        joined == whole_samples,
        "the parts do not join into the whole"
    );
    let expected: Vec<(u64, String)> = whole_markers
        .into_iter()
        .map(|m| (m.frame, m.label))
        .collect();
    assert!(expected.len() > 9, "{expected:?}");
    assert_eq!(markers, expected);
    let cue = std::fs::read_to_string(split.join(format!("{stem}.cue"))).unwrap();
    assert_eq!(cue.matches("FILE ").count(), parts.len());
    assert!(!split.join(format!("{stem}.wav")).exists());
    let timing: serde_json::Value = serde_json::from_str(
        &std::fs::read_to_string(split.join(format!("{stem}.timing.json"))).unwrap(),
    )
    .unwrap();
    assert_eq!(timing["sections"].as_array().unwrap().len(), 3);
    assert_eq!(timing["samples"].as_u64(), Some(joined.len() as u64));
}

#[test]
fn sidecars_of_a_program_cut_by_duration_name_every_part() {
    let dir = tempfile::tempdir().unwrap();
    render_fake(dir.path(), &["--max-part-duration", "2m"]);
    let cue = read(dir.path(), "cue");
    let files: Vec<&str> = cue
        .lines()
        .filter(|l| l.starts_with("FILE "))
        .map(|l| l.split('"').nth(1).unwrap())
        .collect();
    assert!(files.len() >= 2, "{cue}");
    assert!(files.iter().all(|f| dir.path().join(f).exists()));
    let timing = json(dir.path(), "timing.json");
    let audio: Vec<&str> = timing["audio"]
        .as_array()
        .unwrap()
        .iter()
        .map(|a| a["file"].as_str().unwrap())
        .collect();
    assert_eq!(audio, files);
    let chapters = json(dir.path(), "chapters.json")["chapters"]
        .as_array()
        .unwrap()
        .len();
    let markers: usize = files
        .iter()
        .map(|f| ffprobe_chapters(&dir.path().join(f)).len())
        .sum();
    assert!(
        markers >= chapters,
        "{markers} part markers, {chapters} chapters"
    );
}

#[cfg(feature = "espeak")]
#[test]
fn espeak_captions_are_timed_by_its_events_and_parse() {
    let dir = crate::common::sample_espeak_render();
    let vtt = read(dir, "vtt");
    assert!(
        vtt.starts_with("WEBVTT\n\nNOTE\nTimes come from the speech engine's word events."),
        "espeak reports events, and the note says so"
    );
    let cues = webvtt_cues(&dir.join(format!("{STEM}.vtt")));
    let seconds = json(dir, "timing.json")["seconds"].as_f64().unwrap();
    assert!(cues.len() > 40);
    assert!(
        cues.iter()
            .all(|c| c.start < c.end && c.end <= seconds + 0.001)
    );
    assert_eq!(webvtt_cues(&dir.join(format!("{STEM}.srt"))), cues);
    // Captions show the article as written, not the engine's speech text.
    let shown = vtt.replace('\n', " ");
    for written in ["BM-21 “Grad” rockets", "St. Petersburg", "32-year-old"] {
        assert!(shown.contains(written), "{written} not in captions");
    }
    assert!(!shown.contains("B M 21") && !shown.contains("Saint Petersburg"));
    assert!(cues.windows(2).all(|w| w[0].start <= w[1].start));
    // The timing map holds every caption word, and each cue starts where its first word does.
    let timing = json(dir, "timing.json");
    let words: Vec<(String, f64)> = timing["sentences"]
        .as_array()
        .unwrap()
        .iter()
        .flat_map(|s| s["words"].as_array().cloned().unwrap_or_default())
        .map(|w| {
            (
                w["text"].as_str().unwrap().to_string(),
                w["start"].as_f64().unwrap(),
            )
        })
        .collect();
    let mut next = 0;
    for cue in &cues {
        let (first, start) = &words[next];
        assert_eq!(Some(first.as_str()), cue.text.split_whitespace().next());
        assert!((start - cue.start).abs() < 0.002, "{cue:?} vs {start}");
        next += cue.text.split_whitespace().count();
    }
    assert_eq!(next, words.len());
}
