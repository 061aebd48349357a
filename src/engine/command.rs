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

use super::{Engine, EngineError, EngineInfo, Markup, Speech, Voice, excerpt};

/// What a command voice speaks when it is checked, before any article: it shows that the
/// program runs and gives the rate it writes.
pub const PROBE_TEXT: &str = "Ready.";

/// How to run a command engine.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize)]
pub struct CommandSpec {
    /// Program and arguments, with `{text_file}`, `{out_wav}`, `{voice}` and `{rate}`.
    pub argv: Vec<String>,
    /// Longest time one utterance may take.
    pub timeout: Duration,
    /// Whether the program reads the utterance on its standard input.
    pub stdin: bool,
}

impl CommandSpec {
    /// The program it runs.
    pub fn program(&self) -> &str {
        self.argv.first().map_or("", String::as_str)
    }
}

/// Runs one command profile's program for each utterance.
#[derive(Debug)]
pub struct CommandEngine {
    spec: CommandSpec,
    /// The rate its program writes, learnt when a voice is checked.
    sample_rate: u32,
    /// The program's path, size and modification time: a new build of it is a new version.
    version: String,
}

impl CommandEngine {
    /// The engine of `spec`; fails when its program cannot be found.
    pub fn open(spec: CommandSpec) -> Result<CommandEngine, EngineError> {
        let program = spec.program();
        let Some(path) = find_program(program) else {
            return Err(EngineError::Unavailable {
                engine: program.to_string(),
                reason: format!(
                    "program '{program}' not found; install it (see the comment in its voice \
                     profile) or choose another voice (`articast voices`)"
                ),
            });
        };
        let stamp = std::fs::metadata(&path)
            .map(|m| format!("{} {:?}", m.len(), m.modified().ok()))
            .unwrap_or_default();
        Ok(CommandEngine {
            version: format!("{} {stamp} {:?}", path.display(), spec.argv),
            spec,
            sample_rate: 22_050,
        })
    }
}

/// Where `program` is: itself when it names a path, else the first match on `PATH`.
pub fn find_program(program: &str) -> Option<std::path::PathBuf> {
    if program.trim().is_empty() {
        return None;
    }
    if program.contains(std::path::MAIN_SEPARATOR) || program.contains('/') {
        let path = Path::new(program);
        return path.is_file().then(|| path.to_path_buf());
    }
    let paths = std::env::var_os("PATH")?;
    std::env::split_paths(&paths)
        .map(|dir| dir.join(program))
        .find(|candidate| candidate.is_file())
}

impl Engine for CommandEngine {
    fn info(&self) -> EngineInfo {
        // The rate is whatever the program writes; the audio stage resamples it.
        EngineInfo {
            name: self.spec.program().to_string(),
            sample_rate: self.sample_rate,
            word_timing: super::WordTiming::None,
            markup: Markup::None,
            stateless: true,
            parallel: false,
            version: self.version.clone(),
        }
    }

    /// Speaks a probe word: the voice works, and the rate the program writes is known.
    fn check_voice(&mut self, voice: &Voice) -> Result<(), EngineError> {
        let speech = self.synthesize(PROBE_TEXT, voice).map_err(|e| match e {
            EngineError::Synthesis { engine, reason, .. } => EngineError::Unavailable {
                engine,
                reason: format!("voice '{}' does not speak: {reason}", voice.id),
            },
            other => other,
        })?;
        self.sample_rate = speech.sample_rate;
        Ok(())
    }

    fn synthesize(&mut self, text: &str, voice: &Voice) -> Result<Speech, EngineError> {
        let spec = &self.spec;
        let program = spec.program().to_string();
        let failed = |reason: String| EngineError::Synthesis {
            engine: program.clone(),
            utterance: excerpt(text),
            reason,
        };
        if !text.chars().any(char::is_alphanumeric) {
            return Ok(Speech {
                sample_rate: self.sample_rate,
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
        let stdin = spec.stdin.then_some(text);
        run(&argv, stdin, spec.timeout).map_err(failed)?;
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
fn run(argv: &[String], stdin: Option<&str>, timeout: Duration) -> Result<(), String> {
    let (program, args) = argv.split_first().ok_or("the command is empty")?;
    let mut child = Command::new(program)
        .args(args)
        .stdin(if stdin.is_some() {
            Stdio::piped()
        } else {
            Stdio::null()
        })
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .map_err(|e| match e.kind() {
            std::io::ErrorKind::NotFound => {
                format!("program '{program}' not found (is it installed and on PATH?)")
            }
            _ => format!("cannot start '{program}': {e}"),
        })?;
    if let (Some(text), Some(mut pipe)) = (stdin, child.stdin.take()) {
        // A program that exits without reading its input is judged by its status below.
        let _ = std::io::Write::write_all(&mut pipe, format!("{text}\n").as_bytes());
    }
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

    fn spec(argv: &[&str], timeout_ms: u64) -> CommandSpec {
        CommandSpec {
            argv: argv.iter().map(|s| s.to_string()).collect(),
            timeout: Duration::from_millis(timeout_ms),
            stdin: false,
        }
    }

    fn say(argv: &[&str], timeout_ms: u64) -> Result<Speech, EngineError> {
        CommandEngine::open(spec(argv, timeout_ms))?.synthesize("Hello there.", &Voice::default())
    }

    #[test]
    fn the_text_reaches_the_program_in_a_file_named_by_an_absolute_path() {
        // The program fails unless its one argument is an absolute path to the text; the text
        // itself looks like an option.
        let script = r#"case "$0" in /*) ;; *) echo "relative: $0" >&2; exit 9;; esac
grep -qx -- '--help -rf now' "$0" || { echo "text differs" >&2; exit 8; }
exit 7"#;
        let err = CommandEngine::open(spec(&["sh", "-c", script, "{text_file}"], 5000))
            .unwrap()
            .synthesize("--help -rf now", &Voice::default())
            .unwrap_err()
            .to_string();
        assert!(err.contains("exit status: 7"), "{err}");
    }

    #[test]
    fn a_missing_program_is_named_when_the_engine_opens() {
        let err = CommandEngine::open(spec(&["no-such-tts-program"], 1000)).unwrap_err();
        assert!(
            err.to_string().contains("'no-such-tts-program' not found"),
            "{err}"
        );
    }

    #[test]
    fn the_text_reaches_a_program_that_reads_standard_input() {
        let mut stdin = spec(&["sh"], 5000);
        stdin.stdin = true;
        stdin.argv = ["sh", "-c", "grep -q 'Hello there.' || exit 5"]
            .iter()
            .map(|s| s.to_string())
            .collect();
        let err = CommandEngine::open(stdin)
            .unwrap()
            .synthesize("Hello there.", &Voice::default())
            .unwrap_err()
            .to_string();
        assert!(err.contains("wrote no WAV"), "the text was read: {err}");
    }

    #[test]
    fn a_failing_program_reports_its_status_and_stderr() {
        let err = say(&["sh", "-c", "echo bad voice >&2; exit 3"], 5000)
            .unwrap_err()
            .to_string();
        assert!(
            err.contains("exit status: 3") && err.contains("bad voice"),
            "{err}"
        );
    }

    #[test]
    fn a_hanging_program_is_stopped_at_its_timeout() {
        let err = say(&["sleep", "5"], 200).unwrap_err();
        assert!(err.to_string().contains("took longer than 0.2 s"), "{err}");
    }

    #[test]
    fn no_wav_or_a_broken_wav_is_an_error() {
        let err = say(&["true"], 5000).unwrap_err();
        assert!(err.to_string().contains("wrote no WAV"), "{err}");
        let err = say(&["sh", "-c", "echo garbage > \"$0\"", "{out_wav}"], 5000).unwrap_err();
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
