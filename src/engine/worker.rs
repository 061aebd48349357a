//! Engines that own a whole process, served from a worker process over a pipe.
//!
//! libespeak-ng keeps its synthesis state in C globals: what it says depends a little on what
//! it said before in the same process (measured: the same sentence spoken three times in a row
//! gives three different sample counts). The worker initializes the library once and never
//! speaks itself: it answers each request from a forked copy of itself, which starts from the
//! state the library had right after initialization and exits when it has answered. So every
//! utterance sounds the same whatever was spoken before it, in any order, in any worker: a
//! cache of utterances and parallel speech are exact. (A fork costs well under a millisecond;
//! the worker runs no thread of its own, so forking it is safe.)
//!
//! An utterance's child is forked from a copy of the worker that holds its voice (a
//! *template*, one per voice, forked from the worker and made current once): it starts from
//! the same state as a child of the worker that made the voice current itself, without loading
//! the voice and its dictionary each time.
//!
//! The child writes its answer straight to the worker's output, so the speech crosses one
//! pipe, not two; a page shared with the children tells the worker whether a child that died
//! had begun to write (then the stream is broken and the worker ends) or not (then the worker
//! answers with the error itself).
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

use std::io::{BufRead, BufReader, Write};
use std::os::fd::FromRawFd;
use std::path::{Path, PathBuf};
use std::process::{Child, ChildStdin, ChildStdout, Command, Stdio};
use std::time::{Duration, Instant};

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
/// request is answered by a forked child (see the module's doc), which writes its answer
/// straight to this process's output: the speech is copied once, from the child to the
/// renderer, not through this process too.
pub fn serve(name: &str) -> std::io::Result<()> {
    let stdin = std::io::stdin().lock();
    let mut out = std::io::BufWriter::new(std::io::stdout().lock());
    let mut engine = match open_in_process(name) {
        Ok(engine) => engine,
        Err(err) => return send(&mut out, &Reply::Error(err.into()), &[]),
    };
    let progress = match Progress::new() {
        Ok(progress) => progress,
        Err(err) => {
            let failure = Failure {
                unavailable: true,
                reason: format!("the worker cannot share memory with its children: {err}"),
            };
            return send(&mut out, &Reply::Error(failure), &[]);
        }
    };
    let mut info = engine.info();
    info.stateless = true;
    send(&mut out, &Reply::Info(info), &[])?;
    // A template per voice spoken (none for a voice that could not be held).
    let mut templates: Vec<(Voice, Option<Template>)> = Vec::new();
    for line in stdin.lines() {
        let line = line?;
        let request: Request = serde_json::from_str(&line).map_err(std::io::Error::other)?;
        // Everything this process wrote is out before a child writes after it.
        out.flush()?;
        let voice = match &request {
            Request::Speak { voice, .. } => Some(voice.clone()),
            Request::Check(_) => None,
        };
        let at = voice
            .as_ref()
            .and_then(|voice| templates.iter().position(|(v, _)| v == voice));
        let answered = match (voice, at.and_then(|at| templates[at].1.as_mut())) {
            (_, Some(template)) => {
                // A template that fails here was ended from outside, perhaps with a child
                // still running: the worker ends too, and the renderer starts another.
                let status = match template.ask(&line, &progress)? {
                    NOT_FORKED => Err("cannot fork".to_string()),
                    status => Ok(status),
                };
                judge(&progress, status)
            }
            (Some(voice), None) if at.is_none() => {
                // The first utterance in a voice: a child of the worker speaks it while the
                // voice's template is made beside it.
                let started =
                    start_answer(&progress, 1, |pipe| answer(engine.as_mut(), request, pipe));
                let others: Vec<&Template> =
                    templates.iter().filter_map(|(_, t)| t.as_ref()).collect();
                let template = Template::start(engine.as_mut(), &voice, &progress, &others);
                templates.push((voice, template));
                judge(&progress, started.map(wait_for))
            }
            // A check, or a voice no template could hold.
            _ => answer_in_child(&progress, 1, |pipe| answer(engine.as_mut(), request, pipe)),
        };
        match answered {
            Ok(()) => {}
            Err(Answer::Nothing(reason)) => send(
                &mut out,
                &Reply::Error(Failure {
                    unavailable: false,
                    reason,
                }),
                &[],
            )?,
            // Part of an answer is out: the stream cannot be read on, so the worker ends
            // and the renderer starts another.
            Err(Answer::Partial(reason)) => return Err(std::io::Error::other(reason)),
        }
    }
    // All are told to end before any is waited for.
    let pids: Vec<libc::pid_t> = templates
        .into_iter()
        .filter_map(|(_, t)| t.map(|t| t.pid))
        .collect();
    for pid in pids {
        wait_for(pid);
    }
    out.flush()
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

/// How far a child got with its answer, in memory it shares with the worker: a child that
/// dies before writing leaves the worker free to answer for it; one that dies while writing
/// has broken the stream.
struct Progress(*mut u8);

/// Nothing written yet.
const NOT_STARTED: u8 = 0;
/// Writing.
const WRITING: u8 = 1;
/// The whole answer is out.
const WRITTEN: u8 = 2;

impl Progress {
    #[allow(unsafe_code)]
    fn new() -> std::io::Result<Progress> {
        // SAFETY: a fresh anonymous mapping of one page, shared with the children forked later.
        let page = unsafe {
            libc::mmap(
                std::ptr::null_mut(),
                1,
                libc::PROT_READ | libc::PROT_WRITE,
                libc::MAP_SHARED | libc::MAP_ANONYMOUS,
                -1,
                0,
            )
        };
        if page == libc::MAP_FAILED {
            return Err(std::io::Error::last_os_error());
        }
        Ok(Progress(page.cast()))
    }

    #[allow(unsafe_code)]
    fn set(&self, state: u8) {
        // SAFETY: the page is mapped for the process's life; one byte, written by the one
        // child running while the worker waits for it.
        unsafe { std::ptr::write_volatile(self.0, state) };
    }

    #[allow(unsafe_code)]
    fn get(&self) -> u8 {
        // SAFETY: as in `set`; read once the child has ended.
        unsafe { std::ptr::read_volatile(self.0) }
    }
}

/// The child's output, which marks the answer begun at its first write.
struct Announced<'a> {
    file: &'a std::fs::File,
    progress: &'a Progress,
}

impl Write for Announced<'_> {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        self.progress.set(WRITING);
        self.file.write(buf)
    }

    fn flush(&mut self) -> std::io::Result<()> {
        self.file.flush()
    }
}

/// Why a child gave no whole answer.
enum Answer {
    /// It wrote nothing: the worker answers with this error instead.
    Nothing(String),
    /// It wrote part of its answer.
    Partial(String),
}

/// Runs `work` in a forked child that writes to the descriptor `out` (the worker's standard
/// output); returns once the child has ended, saying whether its whole answer went out.
fn answer_in_child(
    progress: &Progress,
    out: std::os::fd::RawFd,
    work: impl FnOnce(&mut std::io::BufWriter<Announced<'_>>) -> std::io::Result<()>,
) -> Result<(), Answer> {
    judge(progress, fork_answer(progress, out, work))
}

/// Whether a child's whole answer went out, from how far it got and how it ended (its wait
/// status, or why it could not be started).
fn judge(progress: &Progress, ended: Result<libc::c_int, String>) -> Result<(), Answer> {
    let status = ended.map_err(Answer::Nothing)?;
    let exited = libc::WIFEXITED(status) && libc::WEXITSTATUS(status) == 0;
    match (progress.get(), exited) {
        (WRITTEN, true) => Ok(()),
        (NOT_STARTED, _) => Err(Answer::Nothing(format!(
            "the engine's process died before answering (status {status})"
        ))),
        _ => Err(Answer::Partial(format!(
            "the engine's process died while answering (status {status})"
        ))),
    }
}

/// [`answer_in_child`]'s fork and wait: the child's wait status.
fn fork_answer(
    progress: &Progress,
    out: std::os::fd::RawFd,
    work: impl FnOnce(&mut std::io::BufWriter<Announced<'_>>) -> std::io::Result<()>,
) -> Result<libc::c_int, String> {
    start_answer(progress, out, work).map(wait_for)
}

/// Waits for the child `pid`; its wait status.
#[allow(unsafe_code)]
fn wait_for(pid: libc::pid_t) -> libc::c_int {
    let mut status = 0;
    // SAFETY: waits for our own child.
    unsafe { libc::waitpid(pid, &mut status, 0) };
    status
}

/// [`fork_answer`]'s fork: the child's process id.
#[allow(unsafe_code)]
fn start_answer(
    progress: &Progress,
    out: std::os::fd::RawFd,
    work: impl FnOnce(&mut std::io::BufWriter<Announced<'_>>) -> std::io::Result<()>,
) -> Result<libc::pid_t, String> {
    progress.set(NOT_STARTED);
    // SAFETY: the worker process is single-threaded but for libespeak-ng's idle queue thread,
    // which holds no lock the child needs; the child leaves through `_exit`, running no
    // destructors of the parent's.
    let pid = unsafe { libc::fork() };
    if pid == 0 {
        // SAFETY: `out` is open for the process's life; the child only writes to it and ends
        // without closing it.
        let file = std::mem::ManuallyDrop::new(unsafe { std::fs::File::from_raw_fd(out) });
        let announced = Announced {
            file: &file,
            progress,
        };
        let mut pipe = std::io::BufWriter::with_capacity(1 << 16, announced);
        let code = match work(&mut pipe).and_then(|()| pipe.flush()) {
            Ok(()) => {
                progress.set(WRITTEN);
                0
            }
            Err(_) => 1,
        };
        // SAFETY: ends the child at once, as a forked child must.
        unsafe { libc::_exit(code) };
    }
    if pid < 0 {
        return Err(format!("cannot fork: {}", std::io::Error::last_os_error()));
    }
    Ok(pid)
}

/// A copy of the worker that holds one voice: forked from the worker (the library's state
/// right after initialization), it made the voice current once, and forks the child of each
/// utterance in that voice from itself. A child so starts from the state that a child of the
/// worker has after making the voice current (the same calls, made once), and is spared
/// loading the voice and its dictionary (~0.3 ms) every time.
struct Template {
    pid: libc::pid_t,
    /// Requests to it, one JSON line each.
    requests: std::io::PipeWriter,
    /// Its report of each: the child's wait status, four bytes.
    reports: std::io::PipeReader,
}

/// Wait status a template reports when it could not start a child.
const NOT_FORKED: libc::c_int = -1;

impl Template {
    /// Forks a template for `voice`; `None` when it cannot hold the voice (its children are
    /// then forked from the worker, and report the error).
    #[allow(unsafe_code)]
    fn start(
        engine: &mut dyn Engine,
        voice: &Voice,
        progress: &Progress,
        others: &[&Template],
    ) -> Option<Template> {
        use std::io::Read;
        let (request_out, requests) = std::io::pipe().ok()?;
        let (reports, report_in) = std::io::pipe().ok()?;
        // SAFETY: as for the children in `fork_answer`: the worker runs no thread of its own,
        // and the template leaves through `_exit`.
        let pid = unsafe { libc::fork() };
        if pid == 0 {
            drop((requests, reports));
            for other in others {
                use std::os::fd::AsRawFd;
                // SAFETY: the other templates' pipe ends are copies this process never uses.
                unsafe {
                    libc::close(other.requests.as_raw_fd());
                    libc::close(other.reports.as_raw_fd());
                }
            }
            let code = match engine.check_voice(voice) {
                Ok(()) => {
                    serve_voice(engine, progress, request_out, report_in);
                    0
                }
                Err(_) => 1,
            };
            // SAFETY: ends the template at once, as a forked child must.
            unsafe { libc::_exit(code) };
        }
        drop((request_out, report_in));
        if pid < 0 {
            return None;
        }
        let mut template = Template {
            pid,
            requests,
            reports,
        };
        // It greets once it holds the voice, or ends.
        let mut hello = [0u8; 4];
        match template.reports.read_exact(&mut hello) {
            Ok(()) => Some(template),
            Err(_) => {
                template.reap();
                None
            }
        }
    }

    /// Has the child of one request written to the worker's output; the child's wait status.
    fn ask(&mut self, line: &str, progress: &Progress) -> std::io::Result<libc::c_int> {
        use std::io::Read;
        progress.set(NOT_STARTED);
        self.requests.write_all(line.as_bytes())?;
        self.requests.write_all(b"\n")?;
        let mut status = [0u8; 4];
        self.reports.read_exact(&mut status)?;
        Ok(libc::c_int::from_le_bytes(status))
    }

    /// Ends it (its requests close) and waits for it.
    #[allow(unsafe_code)]
    fn reap(self) {
        let pid = self.pid;
        drop(self);
        let mut status = 0;
        // SAFETY: waits for our own child.
        unsafe { libc::waitpid(pid, &mut status, 0) };
    }
}

/// A template's life: greets, then answers each request from a child of its own until the
/// worker closes the requests.
fn serve_voice(
    engine: &mut dyn Engine,
    progress: &Progress,
    requests: std::io::PipeReader,
    mut reports: std::io::PipeWriter,
) {
    if reports.write_all(&0i32.to_le_bytes()).is_err() {
        return;
    }
    for line in BufReader::new(requests).lines() {
        let Ok(request) =
            line.and_then(|l| serde_json::from_str::<Request>(&l).map_err(std::io::Error::other))
        else {
            return;
        };
        let status =
            fork_answer(progress, 1, |pipe| answer(engine, request, pipe)).unwrap_or(NOT_FORKED);
        if reports.write_all(&status.to_le_bytes()).is_err() {
            return;
        }
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
    /// `None` once closed, to end the worker.
    stdin: Option<ChildStdin>,
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
            Some(process) if process.stdin.is_some() => process,
            // None yet, or one told to end: a new worker.
            _ => {
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
    widen(&stdout);
    let mut process = Process {
        child,
        stdin: Some(stdin),
        stdout: BufReader::new(stdout),
    };
    match read_reply(&mut process.stdout) {
        Ok((Reply::Info(info), _)) => Ok((process, info)),
        Ok((Reply::Error(failure), _)) => Err(fail(failure.reason)),
        Ok(_) => Err(fail("the worker did not greet".to_string())),
        Err(e) => Err(fail(format!("the worker did not start: {e}"))),
    }
}

/// Room in the pipe for a whole utterance's speech (a megabyte, Linux's limit for a user's
/// pipe; some 20 s of speech): the worker's child writes its answer and ends without waiting
/// for the renderer to read, with far fewer wake-ups on both sides. Where the system refuses,
/// the pipe keeps its size.
#[allow(unsafe_code)]
fn widen(pipe: &ChildStdout) {
    use std::os::fd::AsRawFd;
    #[cfg(target_os = "linux")]
    // SAFETY: plain C call on a descriptor the pipe owns; failure changes nothing.
    unsafe {
        libc::fcntl(pipe.as_raw_fd(), libc::F_SETPIPE_SZ, 1 << 20);
    }
}

fn exchange(process: &mut Process, request: &Request) -> std::io::Result<(Reply, Option<Speech>)> {
    let mut line = serde_json::to_vec(request).map_err(std::io::Error::other)?;
    line.push(b'\n');
    let stdin = process
        .stdin
        .as_mut()
        .ok_or_else(|| std::io::Error::other("the worker's input is closed"))?;
    stdin.write_all(&line)?;
    stdin.flush()?;
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

    fn end(&mut self) {
        // Its input closed, the worker ends (see `Process::drop`, which waits for it).
        if let Some(process) = &mut self.process {
            drop(process.stdin.take());
        }
    }

    fn begin(&mut self) -> Result<(), EngineError> {
        // Every request is answered from the library's state right after initialization, so
        // nothing carries over between articles; only a worker that was lost is restarted.
        if self.process.as_ref().is_none_or(|p| p.stdin.is_none()) {
            // A new worker first, then the old one (told to end) is reaped.
            let (process, _) = spawn(&self.exe, &self.name)?;
            self.process = Some(process);
        }
        Ok(())
    }
}

/// How long a worker whose input is closed gets to end by itself (an idle one ends at once,
/// once it has ended its templates) before it is killed.
const GRACE: Duration = Duration::from_millis(200);

impl Drop for Process {
    fn drop(&mut self) {
        // Closing its input ends the worker, which reaps its templates so no zombie is left;
        // one still busy (an interrupted article's utterance) is killed after a grace period.
        drop(self.stdin.take());
        let began = Instant::now();
        while began.elapsed() < GRACE {
            match self.child.try_wait() {
                Ok(Some(_)) | Err(_) => return,
                Ok(None) => std::thread::sleep(Duration::from_micros(200)),
            }
        }
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::io::Read;
    use std::os::fd::AsRawFd;

    /// What a child wrote to a pipe, and how the worker judged its answer.
    fn run(
        work: impl FnOnce(&mut std::io::BufWriter<Announced<'_>>) -> std::io::Result<()>,
    ) -> (Vec<u8>, Result<(), Answer>) {
        let progress = Progress::new().expect("a shared page");
        let (mut reader, writer) = std::io::pipe().expect("a pipe");
        let result = answer_in_child(&progress, writer.as_raw_fd(), work);
        drop(writer);
        let mut bytes = Vec::new();
        reader.read_to_end(&mut bytes).expect("the pipe reads");
        (bytes, result)
    }

    #[test]
    fn a_whole_answer_goes_straight_to_the_output() {
        let (bytes, result) = run(|out| out.write_all(b"{\"checked\":null}\n"));
        assert!(result.is_ok());
        assert_eq!(bytes, b"{\"checked\":null}\n");
    }

    #[test]
    fn a_child_that_dies_before_writing_leaves_the_answer_to_the_worker() {
        let (bytes, result) = run(|_| std::process::abort());
        assert!(bytes.is_empty());
        match result {
            Err(Answer::Nothing(reason)) => {
                assert!(reason.contains("before answering"), "{reason}")
            }
            _ => panic!("a child that wrote nothing must be answered for"),
        }
    }

    #[test]
    fn a_child_that_dies_while_writing_breaks_the_stream() {
        let (bytes, result) = run(|out| {
            out.write_all(b"{\"speech\":null}\n")?;
            out.flush()?;
            std::process::abort()
        });
        assert_eq!(bytes, b"{\"speech\":null}\n");
        match result {
            Err(Answer::Partial(reason)) => assert!(reason.contains("while answering"), "{reason}"),
            _ => panic!("a half-written answer must end the worker"),
        }
    }
}
