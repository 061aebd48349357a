//! Engines that own a whole process, served from a worker process over a pipe.
//!
//! libespeak-ng keeps its synthesis state in C globals: what it says depends a little on what
//! it said before in the same process (measured: the same sentence spoken three times in a row
//! gives three different sample counts). The worker initializes the library once and never
//! speaks itself: it answers each request from a forked copy of itself, which starts from the
//! state the library had right after initialization and exits when it has answered. So every
//! utterance sounds the same whatever was spoken before it, in any order, in any worker: a
//! cache of utterances and parallel speech are exact. (A fork costs well under a millisecond;
//! the worker is single-threaded, so forking it is safe.)
//!
//! The worker is the articast binary itself, started with [`WORKER_ENV`] naming the engine.
//! The protocol is one JSON line per message; audio follows its header as raw little-endian
//! 16-bit samples:
//!
//! ```text
//! worker → hello  {"info": EngineInfo} | {"error": Failure}
//! parent → {"speak": {"text": …, "voice": Voice}} | {"check": Voice}
//! worker → {"speech": null} + the speech (a header line, then 2·N bytes: Speech::write_to)
//!        | {"checked": null} | {"error": Failure}
//! ```

use std::io::{BufRead, BufReader, Read, Write};
use std::os::fd::FromRawFd;
use std::path::{Path, PathBuf};
use std::process::{Child, ChildStdin, ChildStdout, Command, Stdio};

use serde::{Deserialize, Serialize};

use super::{Engine, EngineError, EngineInfo, Speech, Voice, excerpt, open_in_process};

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
    /// Followed by the speech as [`Speech::write_to`] writes it.
    Speech(()),
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

/// Serves the engine `name` on standard input and output until the input closes: each
/// request is answered by a forked child (see the module's doc).
pub fn serve(name: &str) -> std::io::Result<()> {
    let stdin = std::io::stdin().lock();
    let mut out = std::io::BufWriter::new(std::io::stdout().lock());
    let mut engine = match open_in_process(name) {
        Ok(engine) => engine,
        Err(err) => return send(&mut out, &Reply::Error(err.into()), &[]),
    };
    let mut info = engine.info();
    info.stateless = true;
    send(&mut out, &Reply::Info(info), &[])?;
    // One buffer for every answer: its memory is reused, not asked for again each time.
    let mut bytes = Vec::new();
    for line in stdin.lines() {
        let line = line?;
        let request: Request = serde_json::from_str(&line).map_err(std::io::Error::other)?;
        let answer = answer_in_child(&mut bytes, |pipe| answer(engine.as_mut(), request, pipe));
        match answer {
            Ok(()) => out.write_all(&bytes)?,
            Err(reason) => send(
                &mut out,
                &Reply::Error(Failure {
                    unavailable: false,
                    reason,
                }),
                &[],
            )?,
        }
        out.flush()?;
    }
    Ok(())
}

/// Writes the whole reply (header line and audio) to one request.
fn answer(engine: &mut dyn Engine, request: Request, out: &mut impl Write) -> std::io::Result<()> {
    match request {
        Request::Speak { text, voice } => match engine.synthesize(&text, &voice) {
            Ok(speech) => {
                send(out, &Reply::Speech(()), &[])?;
                speech.write_to(out)?;
                out.flush()
            }
            Err(err) => send(out, &Reply::Error(err.into()), &[]),
        },
        Request::Check(voice) => match engine.check_voice(&voice) {
            Ok(()) => send(out, &Reply::Checked(()), &[]),
            Err(err) => send(out, &Reply::Error(err.into()), &[]),
        },
    }
}

/// Runs `work` in a forked child, writing into a pipe, and puts what it wrote into `bytes`;
/// or says why it produced no whole answer (the child crashed, or could not be started).
#[allow(unsafe_code)]
fn answer_in_child(
    bytes: &mut Vec<u8>,
    work: impl FnOnce(&mut std::io::BufWriter<std::fs::File>) -> std::io::Result<()>,
) -> Result<(), String> {
    bytes.clear();
    let mut fds = [0; 2];
    // SAFETY: plain C call filling a two-element array.
    if unsafe { libc::pipe(fds.as_mut_ptr()) } != 0 {
        return Err(format!(
            "cannot make a pipe: {}",
            std::io::Error::last_os_error()
        ));
    }
    let (read_fd, write_fd) = (fds[0], fds[1]);
    // SAFETY: the worker process is single-threaded (it only serves its pipe), so the child
    // may run any code; it leaves through `_exit`, running no destructors of the parent's.
    let pid = unsafe { libc::fork() };
    if pid == 0 {
        // The child: answer, write everything to the pipe, leave.
        // SAFETY: `read_fd` and `write_fd` are this process's own descriptors.
        unsafe { libc::close(read_fd) };
        // SAFETY: `write_fd` is open and owned here alone.
        let pipe = unsafe { std::fs::File::from_raw_fd(write_fd) };
        let mut pipe = std::io::BufWriter::with_capacity(1 << 16, pipe);
        let code = match work(&mut pipe).and_then(|()| pipe.flush()) {
            Ok(()) => 0,
            Err(_) => 1,
        };
        // SAFETY: ends the child at once, as a forked child must.
        unsafe { libc::_exit(code) };
    }
    // SAFETY: the parent's copy of the write end is not used.
    unsafe { libc::close(write_fd) };
    if pid < 0 {
        // SAFETY: our descriptor.
        unsafe { libc::close(read_fd) };
        return Err(format!("cannot fork: {}", std::io::Error::last_os_error()));
    }
    // SAFETY: `read_fd` is open and owned here alone.
    let mut pipe = unsafe { std::fs::File::from_raw_fd(read_fd) };
    let read = pipe.read_to_end(bytes);
    let mut status = 0;
    // SAFETY: waits for our own child.
    unsafe { libc::waitpid(pid, &mut status, 0) };
    match (
        read,
        libc::WIFEXITED(status) && libc::WEXITSTATUS(status) == 0,
    ) {
        (Ok(_), true) => Ok(()),
        (Err(e), _) => Err(format!("the engine's process failed: {e}")),
        (Ok(_), false) => Err(format!("the engine's process died (status {status})")),
    }
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
        })
    }

    fn lost(&self, err: impl std::fmt::Display) -> EngineError {
        EngineError::Unavailable {
            engine: self.name.clone(),
            reason: format!("its worker process failed: {err}"),
        }
    }

    fn ask(&mut self, request: &Request) -> Result<(Reply, Option<Speech>), EngineError> {
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

fn exchange(process: &mut Process, request: &Request) -> std::io::Result<(Reply, Option<Speech>)> {
    let mut line = serde_json::to_vec(request).map_err(std::io::Error::other)?;
    line.push(b'\n');
    process.stdin.write_all(&line)?;
    process.stdin.flush()?;
    read_reply(&mut process.stdout)
}

fn read_reply(stdout: &mut BufReader<ChildStdout>) -> std::io::Result<(Reply, Option<Speech>)> {
    let mut line = String::new();
    if stdout.read_line(&mut line)? == 0 {
        return Err(std::io::Error::new(
            std::io::ErrorKind::UnexpectedEof,
            "the worker exited",
        ));
    }
    let reply: Reply = serde_json::from_str(&line).map_err(std::io::Error::other)?;
    let speech = match &reply {
        Reply::Speech(()) => Some(Speech::read_from(stdout)?),
        _ => None,
    };
    Ok((reply, speech))
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
            (Reply::Speech(()), Some(speech)) => Ok(speech),
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
        // Every request is answered from the library's state right after initialization, so
        // nothing carries over between articles; only a worker that was lost is restarted.
        if self.process.is_none() {
            let (process, _) = spawn(&self.exe, &self.name)?;
            self.process = Some(process);
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
