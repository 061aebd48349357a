//! Command engines: any program that turns a text file into a WAV file.
//!
//! A profile gives the program's argv as a template; `{text_file}`, `{out_wav}`, `{voice}` and
//! `{rate}` are replaced in each argument. The text itself never goes on the command line: it is
//! in the file `{text_file}` names, an absolute path (even when `TMPDIR` is relative), so no
//! argument made from it can be read as an option. The program runs without a shell, with a timeout; its
//! standard error is kept for the message when it fails. Its WAV is read with hound (any rate;
//! 8-, 16-, 24- or 32-bit integer or float; channels mixed to mono).

use std::io::Read;
use std::path::Path;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use serde::Serialize;

use super::{Engine, EngineError, EngineInfo, Speech, Voice, excerpt};

/// How to run a command engine.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct CommandSpec {
    /// Program and arguments, with `{text_file}`, `{out_wav}`, `{voice}` and `{rate}`.
    pub argv: Vec<String>,
    /// Longest time one utterance may take.
    pub timeout: Duration,
}

/// Runs the command of each voice it is given.
#[derive(Debug, Default)]
pub struct CommandEngine;

impl Engine for CommandEngine {
    fn info(&self) -> EngineInfo {
        // The rate is whatever each program writes; the audio stage resamples it.
        EngineInfo {
            name: "command".to_string(),
            sample_rate: 22_050,
        }
    }

    fn synthesize(&mut self, text: &str, voice: &Voice) -> Result<Speech, EngineError> {
        let Some(spec) = &voice.command else {
            return Err(EngineError::Unavailable {
                engine: "command".to_string(),
                reason: format!("voice '{}' has no command", voice.id),
            });
        };
        let program = spec.argv.first().cloned().unwrap_or_default();
        let failed = |reason: String| EngineError::Synthesis {
            engine: program.clone(),
            utterance: excerpt(text),
            reason,
        };
        if !text.chars().any(char::is_alphanumeric) {
            return Ok(Speech {
                sample_rate: 22_050,
                ..Speech::default()
            });
        }
        let dir = tempfile::tempdir()
            .map_err(|e| failed(format!("cannot make a temporary folder: {e}")))?;
        // Absolute, so the paths never start with `-` (a relative TMPDIR could).
        let base = std::path::absolute(dir.path())
            .map_err(|e| failed(format!("cannot make a temporary folder: {e}")))?;
        let text_file = base.join("utterance.txt");
        let out_wav = base.join("utterance.wav");
        std::fs::write(&text_file, format!("{text}\n")).map_err(|e| failed(e.to_string()))?;
        let argv: Vec<String> = spec
            .argv
            .iter()
            .map(|a| fill(a, &text_file, &out_wav, voice))
            .collect();
        run(&argv, spec.timeout).map_err(failed)?;
        read_wav(&out_wav).map_err(failed)
    }
}

fn fill(arg: &str, text_file: &Path, out_wav: &Path, voice: &Voice) -> String {
    arg.replace("{text_file}", &text_file.to_string_lossy())
        .replace("{out_wav}", &out_wav.to_string_lossy())
        .replace("{voice}", &voice.id)
        .replace("{rate}", &voice.rate.to_string())
}

/// Runs the program; on failure, the reason with the end of its standard error.
fn run(argv: &[String], timeout: Duration) -> Result<(), String> {
    let (program, args) = argv.split_first().ok_or("the command is empty")?;
    let mut child = Command::new(program)
        .args(args)
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .map_err(|e| match e.kind() {
            std::io::ErrorKind::NotFound => {
                format!("program '{program}' not found (is it installed and on PATH?)")
            }
            _ => format!("cannot start '{program}': {e}"),
        })?;
    let mut stderr = child.stderr.take();
    let reader = std::thread::spawn(move || {
        let mut text = String::new();
        if let Some(err) = stderr.as_mut() {
            let _ = err.read_to_string(&mut text);
        }
        text
    });
    let started = Instant::now();
    let status = loop {
        match child.try_wait() {
            Ok(Some(status)) => break status,
            Ok(None) if started.elapsed() > timeout => {
                let _ = child.kill();
                let _ = child.wait();
                return Err(format!(
                    "'{program}' took longer than {} s and was stopped",
                    timeout.as_secs_f32()
                ));
            }
            Ok(None) => std::thread::sleep(Duration::from_millis(10)),
            Err(e) => return Err(format!("waiting for '{program}': {e}")),
        }
    };
    let stderr = reader.join().unwrap_or_default();
    if status.success() {
        Ok(())
    } else {
        let tail: String = stderr
            .trim()
            .lines()
            .last()
            .unwrap_or("")
            .chars()
            .take(200)
            .collect();
        Err(format!(
            "'{program}' failed ({status}){}",
            if tail.is_empty() {
                String::new()
            } else {
                format!(": {tail}")
            }
        ))
    }
}

/// Reads the program's WAV as mono 16-bit samples.
fn read_wav(path: &Path) -> Result<Speech, String> {
    if !path.exists() {
        return Err("the program wrote no WAV file".to_string());
    }
    let reader =
        hound::WavReader::open(path).map_err(|e| format!("the program's WAV is broken: {e}"))?;
    let spec = reader.spec();
    let channels = usize::from(spec.channels.max(1));
    let samples: Vec<f32> = match spec.sample_format {
        hound::SampleFormat::Float => reader.into_samples::<f32>().collect::<Result<_, _>>(),
        hound::SampleFormat::Int => {
            let scale = 1.0 / (1u64 << (spec.bits_per_sample.clamp(1, 32) - 1)) as f32;
            reader
                .into_samples::<i32>()
                .map(|s| s.map(|v| v as f32 * scale))
                .collect::<Result<_, _>>()
        }
    }
    .map_err(|e| format!("the program's WAV is broken: {e}"))?;
    let mono = samples
        .chunks(channels)
        .map(|frame| {
            let mean = frame.iter().sum::<f32>() / frame.len() as f32;
            (mean.clamp(-1.0, 1.0) * f32::from(i16::MAX)) as i16
        })
        .collect();
    Ok(Speech {
        sample_rate: spec.sample_rate,
        samples: mono,
        events: Vec::new(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn voice(argv: &[&str], timeout_ms: u64) -> Voice {
        Voice {
            command: Some(CommandSpec {
                argv: argv.iter().map(|s| s.to_string()).collect(),
                timeout: Duration::from_millis(timeout_ms),
            }),
            ..Voice::default()
        }
    }

    #[test]
    fn the_text_reaches_the_program_in_a_file_named_by_an_absolute_path() {
        // The program fails unless its one argument is an absolute path to the text; the text
        // itself looks like an option.
        let script = r#"case "$0" in /*) ;; *) echo "relative: $0" >&2; exit 9;; esac
grep -qx -- '--help -rf now' "$0" || { echo "text differs" >&2; exit 8; }
exit 7"#;
        let err = CommandEngine
            .synthesize(
                "--help -rf now",
                &voice(&["sh", "-c", script, "{text_file}"], 5000),
            )
            .unwrap_err()
            .to_string();
        assert!(err.contains("exit status: 7"), "{err}");
    }

    #[test]
    fn a_missing_program_is_named() {
        let err = CommandEngine
            .synthesize("Hello there.", &voice(&["no-such-tts-program"], 1000))
            .unwrap_err();
        assert!(
            err.to_string().contains("'no-such-tts-program' not found"),
            "{err}"
        );
    }

    #[test]
    fn a_failing_program_reports_its_status_and_stderr() {
        let err = CommandEngine
            .synthesize(
                "Hello there.",
                &voice(&["sh", "-c", "echo bad voice >&2; exit 3"], 5000),
            )
            .unwrap_err()
            .to_string();
        assert!(
            err.contains("exit status: 3") && err.contains("bad voice"),
            "{err}"
        );
    }

    #[test]
    fn a_hanging_program_is_stopped_at_its_timeout() {
        let err = CommandEngine
            .synthesize("Hello there.", &voice(&["sleep", "5"], 200))
            .unwrap_err();
        assert!(err.to_string().contains("took longer than 0.2 s"), "{err}");
    }

    #[test]
    fn no_wav_or_a_broken_wav_is_an_error() {
        let err = CommandEngine
            .synthesize("Hello there.", &voice(&["true"], 5000))
            .unwrap_err();
        assert!(err.to_string().contains("wrote no WAV"), "{err}");
        let err = CommandEngine
            .synthesize(
                "Hello there.",
                &voice(&["sh", "-c", "echo garbage > \"$0\"", "{out_wav}"], 5000),
            )
            .unwrap_err();
        assert!(err.to_string().contains("WAV is broken"), "{err}");
    }

    #[test]
    fn a_stereo_float_wav_is_read_as_mono() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("x.wav");
        let spec = hound::WavSpec {
            channels: 2,
            sample_rate: 16_000,
            bits_per_sample: 32,
            sample_format: hound::SampleFormat::Float,
        };
        let mut w = hound::WavWriter::create(&path, spec).unwrap();
        for _ in 0..100 {
            w.write_sample(0.5f32).unwrap();
            w.write_sample(0.0f32).unwrap();
        }
        w.finalize().unwrap();
        let speech = read_wav(&path).unwrap();
        assert_eq!((speech.sample_rate, speech.samples.len()), (16_000, 100));
        assert_eq!(speech.samples[0], (0.25 * f32::from(i16::MAX)) as i16);
    }
}
