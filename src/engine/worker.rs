//! Engines that own a whole process, served from a worker process over a pipe.
//!
//! libespeak-ng keeps its synthesis state in C globals: what it says depends a little on what
//! it said before in the same process (measured: the same sentence spoken three times in a row
//! gives three different sample counts). A worker gives each article a fresh library, so an
//! article renders the same whatever was rendered before it in the run, and several workers
//! can speak at once.
//!
//! The worker is the articast binary itself, started with [`WORKER_ENV`] naming the engine.
//! The protocol is one JSON line per message; audio follows its header as raw little-endian
//! 16-bit samples:
//!
//! ```text
//! worker → hello  {"info": EngineInfo} | {"error": Failure}
//! parent → {"speak": {"text": …, "voice": Voice}} | {"check": Voice}
//! worker → {"speech": {"sample_rate": …, "samples": N, "events": […]}} + 2·N bytes
//!        | {"checked": null} | {"error": Failure}
//! ```

use std::io::{BufRead, BufReader, Read, Write};
use std::path::{Path, PathBuf};
use std::process::{Child, ChildStdin, ChildStdout, Command, Stdio};

use serde::{Deserialize, Serialize};

use super::{Engine, EngineError, EngineInfo, Event, Speech, Voice, excerpt, open_in_process};

/// Environment variable that turns the articast binary into a worker for the engine it names.
pub const WORKER_ENV: &str = "ARTICAST_ENGINE_WORKER";

#[derive(Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
enum Request {
    Speak { text: String, voice: Voice },
    Check(Voice),
}

#[derive(Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
enum Reply {
    Info(EngineInfo),
    Speech {
        sample_rate: u32,
        samples: usize,
        events: Vec<Event>,
    },
    Checked(()),
    Error(Failure),
}

/// An engine error as it crosses the pipe.
#[derive(Serialize, Deserialize)]
struct Failure {
    /// Set-up failure (true) or one utterance's failure.
    unavailable: bool,
    reason: String,
}

impl From<EngineError> for Failure {
    fn from(err: EngineError) -> Self {
        match err {
            EngineError::Unavailable { reason, .. } => Failure {
                unavailable: true,
                reason,
            },
            EngineError::Synthesis { reason, .. } => Failure {
                unavailable: false,
                reason,
            },
        }
    }
}

/// Serves the engine `name` on standard input and output until the input closes.
pub fn serve(name: &str) -> std::io::Result<()> {
    let stdin = std::io::stdin().lock();
    let mut out = std::io::BufWriter::new(std::io::stdout().lock());
    let mut engine = match open_in_process(name) {
        Ok(engine) => engine,
        Err(err) => return send(&mut out, &Reply::Error(err.into()), &[]),
    };
    send(&mut out, &Reply::Info(engine.info()), &[])?;
    for line in stdin.lines() {
        let line = line?;
        let request: Request = serde_json::from_str(&line).map_err(std::io::Error::other)?;
        match request {
            Request::Speak { text, voice } => match engine.synthesize(&text, &voice) {
                Ok(speech) => {
                    let bytes: Vec<u8> = speech
                        .samples
                        .iter()
                        .flat_map(|s| s.to_le_bytes())
                        .collect();
                    let reply = Reply::Speech {
                        sample_rate: speech.sample_rate,
                        samples: speech.samples.len(),
                        events: speech.events,
                    };
                    send(&mut out, &reply, &bytes)?;
                }
                Err(err) => send(&mut out, &Reply::Error(err.into()), &[])?,
            },
            Request::Check(voice) => match engine.check_voice(&voice) {
                Ok(()) => send(&mut out, &Reply::Checked(()), &[])?,
                Err(err) => send(&mut out, &Reply::Error(err.into()), &[])?,
            },
        }
    }
    Ok(())
}

fn send(out: &mut impl Write, reply: &Reply, audio: &[u8]) -> std::io::Result<()> {
    serde_json::to_writer(&mut *out, reply).map_err(std::io::Error::other)?;
    out.write_all(b"\n")?;
    out.write_all(audio)?;
    out.flush()
}

/// A running worker.
struct Process {
    child: Child,
    stdin: ChildStdin,
    stdout: BufReader<ChildStdout>,
}

/// An engine spoken by a worker process; a fresh worker for every article.
pub struct WorkerEngine {
    exe: PathBuf,
    name: String,
    info: EngineInfo,
    process: Option<Process>,
    /// Whether the running worker has spoken or checked anything.
    used: bool,
}

impl std::fmt::Debug for WorkerEngine {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("WorkerEngine")
            .field("exe", &self.exe)
            .field("name", &self.name)
            .finish_non_exhaustive()
    }
}

impl WorkerEngine {
    /// Starts `exe` as a worker for the engine `name` and waits for its greeting (set-up
    /// errors of the engine, such as missing voice data, arrive here).
    pub fn start(exe: &Path, name: &str) -> Result<WorkerEngine, EngineError> {
        let (process, info) = spawn(exe, name)?;
        Ok(WorkerEngine {
            exe: exe.to_path_buf(),
            name: name.to_string(),
            info,
            process: Some(process),
            used: false,
        })
    }

    fn lost(&self, err: impl std::fmt::Display) -> EngineError {
        EngineError::Unavailable {
            engine: self.name.clone(),
            reason: format!("its worker process failed: {err}"),
        }
    }

    fn ask(&mut self, request: &Request) -> Result<(Reply, Vec<i16>), EngineError> {
        self.used = true;
        let process = match &mut self.process {
            Some(process) => process,
            None => {
                let (process, _) = spawn(&self.exe, &self.name)?;
                self.process.insert(process)
            }
        };
        let result = exchange(process, request);
        if result.is_err() {
            self.process = None; // a broken pipe is not reused
        }
        result.map_err(|e| self.lost(e))
    }
}

fn spawn(exe: &Path, name: &str) -> Result<(Process, EngineInfo), EngineError> {
    let fail = |reason: String| EngineError::Unavailable {
        engine: name.to_string(),
        reason,
    };
    let mut child = Command::new(exe)
        .env(WORKER_ENV, name)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::inherit())
        .spawn()
        .map_err(|e| fail(format!("cannot start a worker ({}): {e}", exe.display())))?;
    let (Some(stdin), Some(stdout)) = (child.stdin.take(), child.stdout.take()) else {
        return Err(fail("the worker has no pipes".to_string()));
    };
    let mut process = Process {
        child,
        stdin,
        stdout: BufReader::new(stdout),
    };
    match read_reply(&mut process.stdout) {
        Ok((Reply::Info(info), _)) => Ok((process, info)),
        Ok((Reply::Error(failure), _)) => Err(fail(failure.reason)),
        Ok(_) => Err(fail("the worker did not greet".to_string())),
        Err(e) => Err(fail(format!("the worker did not start: {e}"))),
    }
}

fn exchange(process: &mut Process, request: &Request) -> std::io::Result<(Reply, Vec<i16>)> {
    let mut line = serde_json::to_vec(request).map_err(std::io::Error::other)?;
    line.push(b'\n');
    process.stdin.write_all(&line)?;
    process.stdin.flush()?;
    read_reply(&mut process.stdout)
}

fn read_reply(stdout: &mut BufReader<ChildStdout>) -> std::io::Result<(Reply, Vec<i16>)> {
    let mut line = String::new();
    if stdout.read_line(&mut line)? == 0 {
        return Err(std::io::Error::new(
            std::io::ErrorKind::UnexpectedEof,
            "the worker exited",
        ));
    }
    let reply: Reply = serde_json::from_str(&line).map_err(std::io::Error::other)?;
    let samples = match &reply {
        Reply::Speech { samples, .. } => {
            let mut bytes = vec![0u8; samples * 2];
            stdout.read_exact(&mut bytes)?;
            bytes
                .chunks_exact(2)
                .map(|b| i16::from_le_bytes([b[0], b[1]]))
                .collect()
        }
        _ => Vec::new(),
    };
    Ok((reply, samples))
}

impl Engine for WorkerEngine {
    fn info(&self) -> EngineInfo {
        self.info.clone()
    }

    fn synthesize(&mut self, text: &str, voice: &Voice) -> Result<Speech, EngineError> {
        let request = Request::Speak {
            text: text.to_string(),
            voice: voice.clone(),
        };
        match self.ask(&request)? {
            (
                Reply::Speech {
                    sample_rate,
                    events,
                    ..
                },
                samples,
            ) => Ok(Speech {
                sample_rate,
                samples,
                events,
            }),
            (Reply::Error(failure), _) => Err(EngineError::Synthesis {
                engine: self.name.clone(),
                utterance: excerpt(text),
                reason: failure.reason,
            }),
            _ => Err(self.lost("an unexpected reply")),
        }
    }

    fn check_voice(&mut self, voice: &Voice) -> Result<(), EngineError> {
        match self.ask(&Request::Check(voice.clone()))? {
            (Reply::Checked(()), _) => Ok(()),
            (Reply::Error(failure), _) => Err(EngineError::Unavailable {
                engine: self.name.clone(),
                reason: failure.reason,
            }),
            _ => Err(self.lost("an unexpected reply")),
        }
    }

    fn begin(&mut self) -> Result<(), EngineError> {
        if self.used || self.process.is_none() {
            self.process = None;
            let (process, _) = spawn(&self.exe, &self.name)?;
            self.process = Some(process);
            self.used = false;
        }
        Ok(())
    }
}

impl Drop for Process {
    fn drop(&mut self) {
        // Closing its input ends the worker; reap it so no zombie is left.
        let _ = self.stdin.flush();
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}
