//! Steps 2 and 3: the spooled program's gains (voices matched, loudness target, what the
//! limiter takes), then one pass that writes it, limited and measured, into one or more files.

use std::io::{Read, Seek, SeekFrom};
use std::ops::Range;

use std::sync::mpsc::{Receiver, Sender, SyncSender, channel, sync_channel};

use super::loudness::{self, Meter};
use super::writer::AudioWriter;
use std::collections::HashMap;

use super::{Assembled, AudioOptions, limiter, wav};
use crate::chapters::Chapter;
use crate::script::Role;

/// The figures of a mastered program.
#[derive(Debug, Clone, PartialEq)]
pub struct Mastered {
    /// Loudness of the written audio (all parts together).
    pub loudness: wav::Loudness,
    /// Loudness of each part, in order.
    pub parts: Vec<wav::Loudness>,
    /// Gain applied to the whole program, dB.
    pub gain_db: f64,
    /// Passes over the spooled program: the written one and those that measured the gain.
    pub passes: usize,
}

/// One output file of a program: which frames it holds, its chapters (in its own frames) and
/// the writer its audio goes to.
pub struct Part<'a> {
    /// Frames of the program in this file.
    pub frames: Range<u64>,
    /// Its chapters.
    pub chapters: Vec<Chapter>,
    /// Where its audio goes.
    pub writer: Box<dyn AudioWriter + 'a>,
}

/// Why mastering failed: which part (index into the parts given) and what went wrong.
#[derive(Debug, thiserror::Error)]
#[error("{source}")]
pub struct MasterError {
    /// The part being written, if the failure belongs to one.
    pub part: Option<usize>,
    /// What went wrong.
    #[source]
    pub source: wav::WavError,
}

impl From<wav::WavError> for MasterError {
    fn from(source: wav::WavError) -> Self {
        MasterError { part: None, source }
    }
}

impl From<std::io::Error> for MasterError {
    fn from(source: std::io::Error) -> Self {
        wav::WavError::from(source).into()
    }
}

impl From<loudness::MeterError> for MasterError {
    fn from(source: loudness::MeterError) -> Self {
        wav::WavError::from(source).into()
    }
}

/// Frames read from the spool at a time.
const CHUNK: usize = 1 << 15;

/// Writes the spooled program as WAV files, one per part: role gains, program gain, limiter,
/// format. The gain and the limiter run over the whole program, so parts match in level.
pub fn master<R: Read + Seek + Send>(
    assembled: &mut Assembled<R>,
    options: &AudioOptions,
    parts: Vec<Part<'_>>,
    info: &wav::Info,
) -> Result<Mastered, MasterError> {
    let rate = assembled.program.pcm.sample_rate;
    let ceiling = options.loudness.map(|_| options.true_peak);
    let (roles, gain_db) = match options.loudness {
        Some(target) => {
            let matched = Matched::of(assembled);
            let roles = role_segments(assembled, &matched.gains);
            let gain = program_gain(assembled, &matched, target, options.true_peak);
            (roles, gain)
        }
        None => (Vec::new(), 0.0),
    };
    let split = parts.len() > 1;
    let (loudness, parts) = std::thread::scope(|scope| {
        let (meter, stream) = sync_channel(4);
        let (answer, answers) = channel();
        let measuring = scope.spawn(move || measure_stream(rate, split, stream, answer));
        let mut router = Router {
            info,
            pending: parts.into_iter().enumerate(),
            open: None,
            meter,
            answers,
            figures: Vec::new(),
        };
        // The chain (spool, gains, limiter) runs on a thread of its own, so the files are
        // written while it goes on.
        let (chained, blocks) = sync_channel::<Vec<f32>>(4);
        let roles = &roles;
        let chain = scope.spawn(move || {
            run_chain(assembled, roles, gain_db, ceiling, |block| {
                chained.send(block.to_vec()).map_err(|_| writer_gone())
            })
        });
        let mut written = Ok(());
        for block in &blocks {
            written = router.emit(&block);
            if written.is_err() {
                break;
            }
        }
        // A writer that failed stops the chain at its next block.
        drop(blocks);
        let chain = chain.join().unwrap_or_else(|_| Err(writer_gone()));
        let written = written.and(chain).and_then(|()| router.finish());
        // The router is gone (finished or failed): the stream has ended.
        let measured = measuring.join().unwrap_or_else(|_| {
            Err(loudness::MeterError::new(
                "the loudness meter failed".into(),
            ))
        });
        match (written, measured) {
            (Ok(parts), Ok(whole)) => Ok((whole, parts)),
            // A failure of the meter explains the router's.
            (_, Err(e)) => Err(MasterError::from(e)),
            (Err(e), _) => Err(e),
        }
    })?;
    Ok(Mastered {
        loudness,
        parts,
        gain_db,
        passes: 1,
    })
}

/// The voices matched: a gain per role that brings it to the narrator's loudness (or, without
/// narration, to the loudest role's; roles too short to measure keep their level) and the
/// loudness they then share.
struct Matched {
    gains: HashMap<Role, f64>,
    level: Option<f64>,
}

impl Matched {
    fn of<R>(assembled: &Assembled<R>) -> Matched {
        let levels = &assembled.role_levels;
        let level = levels
            .get(&Role::Narrator)
            .copied()
            .filter(|l| l.is_finite())
            .or_else(|| {
                levels
                    .values()
                    .copied()
                    .filter(|l| l.is_finite())
                    .reduce(f64::max)
            });
        let gains: HashMap<Role, f64> = levels
            .iter()
            .map(|(&role, &l)| {
                let gain = match level {
                    Some(reference) => loudness::gain_to(reference, l).clamp(-20.0, 20.0),
                    None => 0.0,
                };
                (role, gain)
            })
            .collect();
        Matched { gains, level }
    }
}

/// The mastering chain over the whole spool, the one every pass runs: role gains, `gain_db`,
/// then (with a ceiling) the true-peak limiter, flushed at the end; each processed block goes
/// to `sink` (a meter, or the files).
fn run_chain<R: Read + Seek, E: From<std::io::Error>>(
    assembled: &mut Assembled<R>,
    roles: &[(Range<u64>, f32)],
    gain_db: f64,
    ceiling_dbtp: Option<f64>,
    mut sink: impl FnMut(&[f32]) -> Result<(), E>,
) -> Result<(), E> {
    let rate = assembled.program.pcm.sample_rate;
    let mut limiter = ceiling_dbtp.map(|c| limiter::Limiter::new(rate, c));
    let gain = loudness::factor(gain_db);
    let mut limited = Vec::with_capacity(CHUNK);
    read_spool(assembled, roles, |chunk| {
        chunk.iter_mut().for_each(|s| *s *= gain);
        match &mut limiter {
            Some(limiter) => {
                limited.clear();
                limiter.process(chunk, &mut limited);
                sink(&limited)
            }
            None => sink(chunk),
        }
    })?;
    if let Some(limiter) = &mut limiter {
        limited.clear();
        limiter.flush(&mut limited);
        sink(&limited)?;
    }
    Ok(())
}

/// The part being written: its index, writer, chapters and frames still to come.
type OpenPart<'w> = (usize, Box<dyn AudioWriter + 'w>, Vec<Chapter>, u64);

/// What the measuring thread is sent: the written stream, and where each part ends.
enum Measure {
    Samples(Vec<f32>),
    PartEnd,
}

/// Measures the written stream on a thread of its own (the meter costs about what the limiter
/// does, so the two run side by side): the whole program, and each part when there are several.
/// At each part's end it answers with that part's figures (the whole's, when there is one
/// part); it returns the whole's.
fn measure_stream(
    sample_rate: u32,
    split: bool,
    stream: Receiver<Measure>,
    answers: Sender<Result<wav::Loudness, loudness::MeterError>>,
) -> Result<wav::Loudness, loudness::MeterError> {
    let mut whole = Meter::full(sample_rate)?;
    let mut part = split.then(|| Meter::full(sample_rate)).transpose()?;
    for message in stream {
        match message {
            Measure::Samples(samples) => {
                whole.add(&samples)?;
                if let Some(part) = &mut part {
                    part.add(&samples)?;
                }
            }
            Measure::PartEnd => {
                let figures = part.as_ref().unwrap_or(&whole).figures();
                if split {
                    part = Some(Meter::full(sample_rate)?);
                }
                if answers.send(figures).is_err() {
                    break;
                }
            }
        }
    }
    whole.figures()
}

/// Sends the mastered stream to the part files in turn, and to the measuring thread.
struct Router<'a, 'w> {
    info: &'a wav::Info,
    pending: std::iter::Enumerate<std::vec::IntoIter<Part<'w>>>,
    open: Option<OpenPart<'w>>,
    meter: SyncSender<Measure>,
    answers: Receiver<Result<wav::Loudness, loudness::MeterError>>,
    figures: Vec<wav::Loudness>,
}

/// The writing stopped (its own error is the one to report).
fn writer_gone() -> MasterError {
    wav::WavError::from(std::io::Error::other("the audio writer stopped")).into()
}

/// The measuring thread stopped (its own error is the one to report).
fn meter_gone<T>(_: T) -> MasterError {
    loudness::MeterError::new("the loudness meter stopped".to_string()).into()
}

impl<'a, 'w> Router<'a, 'w> {
    fn emit(&mut self, mut samples: &[f32]) -> Result<(), MasterError> {
        while !samples.is_empty() {
            if self.open.is_none() && !self.open_next()? {
                return Err(wav::WavError::TooLong("more audio than the parts hold").into());
            }
            let Some((index, writer, _, left)) = &mut self.open else {
                continue;
            };
            let n = samples.len().min(*left as usize);
            let part = Some(*index);
            self.meter
                .send(Measure::Samples(samples[..n].to_vec()))
                .map_err(meter_gone)?;
            writer
                .write(&samples[..n])
                .map_err(|source| MasterError { part, source })?;
            *left -= n as u64;
            samples = &samples[n..];
            if *left == 0 {
                self.close()?;
            }
        }
        Ok(())
    }

    /// Opens the next part; false when there is none.
    fn open_next(&mut self) -> Result<bool, MasterError> {
        let Some((index, part)) = self.pending.next() else {
            return Ok(false);
        };
        let frames = part.frames.end - part.frames.start;
        self.open = Some((index, part.writer, part.chapters, frames));
        if frames == 0 {
            self.close()?;
        }
        Ok(true)
    }

    fn close(&mut self) -> Result<(), MasterError> {
        if let Some((index, writer, chapters, _)) = self.open.take() {
            self.meter.send(Measure::PartEnd).map_err(meter_gone)?;
            let figures = self.answers.recv().map_err(meter_gone)??;
            writer
                .finish(&chapters, self.info, &figures)
                .map_err(|source| MasterError {
                    part: Some(index),
                    source,
                })?;
            self.figures.push(figures);
        }
        Ok(())
    }

    /// Closes every part (parts with no audio are written empty); the parts' figures.
    fn finish(mut self) -> Result<Vec<wav::Loudness>, MasterError> {
        self.close()?;
        while self.open_next()? {
            self.close()?;
        }
        Ok(self.figures)
    }
}

/// The program gain that brings the mastered program to `target` LUFS, from the loudness
/// gathered while the program was assembled (no pass over the spool).
///
/// Without limiting the program's loudness moves dB for dB with the gain. Where the limiter will
/// act, its loss is estimated from the peaks of each 100 ms step and the gain raised to make it
/// up, step by step while the estimate moves (a dB of gain adds less than a dB of loudness under
/// heavy limiting); never more than [`MAX_MAKEUP_DB`] over the unlimited gain.
fn program_gain<R>(
    assembled: &Assembled<R>,
    matched: &Matched,
    target: f64,
    ceiling_dbtp: f64,
) -> f64 {
    if matched.level.is_none() {
        return 0.0;
    }
    let timeline = &assembled.timeline;
    let free = timeline.integrated(&matched.gains, 0.0);
    if !free.is_finite() {
        return 0.0;
    }
    let unlimited = target - free;
    let ceiling = limiter::ceiling(ceiling_dbtp);
    let mut gain = unlimited;
    for _ in 0..24 {
        let limited = timeline.limited(&matched.gains, gain, ceiling, limiter::RELEASE_S);
        if !limited.is_finite() {
            break;
        }
        let error = target - limited;
        gain = (gain + error).clamp(unlimited, unlimited + MAX_MAKEUP_DB);
        if error.abs() < 0.01 {
            break;
        }
    }
    gain
}

/// The most gain added to make up for what the limiter takes, dB.
const MAX_MAKEUP_DB: f64 = 6.0;

/// Each utterance's frames with the gain factor of its role.
fn role_segments<R>(
    assembled: &Assembled<R>,
    gains: &HashMap<Role, f64>,
) -> Vec<(Range<u64>, f32)> {
    assembled
        .program
        .placed
        .iter()
        .zip(&assembled.roles)
        .map(|(placed, role)| {
            let db = gains.get(role).copied().unwrap_or(0.0);
            (placed.frames.clone(), loudness::factor(db))
        })
        .collect()
}

/// Reads the whole spool in chunks, with role gains applied, into `each`.
fn read_spool<R: Read + Seek, E: From<std::io::Error>>(
    assembled: &mut Assembled<R>,
    roles: &[(Range<u64>, f32)],
    mut each: impl FnMut(&mut [f32]) -> Result<(), E>,
) -> Result<(), E> {
    assembled.spool.seek(SeekFrom::Start(0))?;
    let mut bytes = vec![0u8; CHUNK * 4];
    let mut samples = Vec::with_capacity(CHUNK);
    let mut frame = 0u64;
    let mut segment = 0;
    let total = assembled.program.pcm.frames;
    while frame < total {
        let n = (total - frame).min(CHUNK as u64) as usize;
        assembled.spool.read_exact(&mut bytes[..n * 4])?;
        samples.clear();
        samples.extend(
            bytes[..n * 4]
                .chunks_exact(4)
                .map(|b| f32::from_le_bytes([b[0], b[1], b[2], b[3]])),
        );
        // Each role's gain over the frames of its stretch within this chunk.
        let end = frame + n as u64;
        let mut at = frame;
        while at < end {
            while roles.get(segment).is_some_and(|(r, _)| r.end <= at) {
                segment += 1;
            }
            let (until, gain) = match roles.get(segment) {
                Some((r, g)) if r.start <= at => (r.end.min(end), *g),
                Some((r, _)) => (r.start.min(end), 1.0),
                None => (end, 1.0),
            };
            if gain != 1.0 {
                let range = (at - frame) as usize..(until - frame) as usize;
                samples[range].iter_mut().for_each(|s| *s *= gain);
            }
            at = until;
        }
        each(&mut samples)?;
        frame += n as u64;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::super::Assembler;
    use super::super::testing::{RATE, speech, utterance};
    use super::*;
    use crate::engine::Speech;
    use crate::script::{Role, Script};
    use std::io::Cursor;

    fn master_one(
        assembled: &mut Assembled<Cursor<Vec<u8>>>,
        options: &AudioOptions,
        out: &mut Cursor<Vec<u8>>,
    ) -> Mastered {
        let frames = assembled.program.pcm.frames;
        let format = wav::Format {
            sample_rate: assembled.program.pcm.sample_rate,
            channels: options.channels,
            bits: options.bits,
        };
        let part = Part {
            frames: 0..frames,
            chapters: vec![],
            writer: Box::new(wav::WavWriter::new(out, format, frames).unwrap()),
        };
        master(assembled, options, vec![part], &wav::Info::default()).unwrap()
    }

    /// Integrated loudness of the given frames of a 16-bit mono WAV, and its true peak.
    fn measured(bytes: &[u8], ranges: &[Range<u64>]) -> (f64, f64) {
        let mut reader = hound::WavReader::new(Cursor::new(bytes)).unwrap();
        let rate = reader.spec().sample_rate;
        let samples: Vec<f32> = reader
            .samples::<i16>()
            .map(|s| f32::from(s.unwrap()) / 32_768.0)
            .collect();
        let mut meter = Meter::full(rate).unwrap();
        for range in ranges {
            meter
                .add(&samples[range.start as usize..range.end as usize])
                .unwrap();
        }
        let figures = meter.figures().unwrap();
        (figures.integrated, figures.true_peak)
    }

    #[test]
    fn a_quiet_quote_voice_is_matched_to_the_narrator_and_the_program_hits_the_target() {
        let roles = [Role::Narrator, Role::Quote, Role::Narrator, Role::Quote];
        let script = Script {
            utterances: roles.iter().map(|&r| utterance(r, 300)).collect(),
            ..Script::default()
        };
        let speeches = roles
            .iter()
            .map(|r| match r {
                Role::Quote => speech(RATE, 50, 3_000, 50, 0.1),
                _ => speech(RATE, 50, 3_000, 50, 0.6),
            })
            .collect();
        let mut assembler = Assembler::new(Cursor::new(Vec::new()), RATE).unwrap();
        for (u, s) in script.utterances.iter().zip::<Vec<Speech>>(speeches) {
            assembler.add(s, u.role, u.pause_after_ms).unwrap();
        }
        let mut assembled = assembler.finish().unwrap();
        let options = AudioOptions::default();
        let mut out = Cursor::new(Vec::new());
        let done = master_one(&mut assembled, &options, &mut out);
        let bytes = out.into_inner();
        let placed = &assembled.program.placed;
        let whole = 0..assembled.program.pcm.frames;
        let (program, peak) = measured(&bytes, std::slice::from_ref(&whole));
        let (narrator, _) = measured(
            &bytes,
            &[placed[0].frames.clone(), placed[2].frames.clone()],
        );
        let (quote, _) = measured(
            &bytes,
            &[placed[1].frames.clone(), placed[3].frames.clone()],
        );
        assert!((narrator - quote).abs() < 1.0, "{narrator} vs {quote}");
        assert!((program + 16.0).abs() < 0.5, "{program}");
        assert!(peak <= -1.0, "{peak}");
        assert!((done.loudness.integrated - program).abs() < 0.1);
    }

    #[test]
    fn loudness_off_leaves_the_levels_alone() {
        let mut assembler = Assembler::new(Cursor::new(Vec::new()), RATE).unwrap();
        assembler
            .add(speech(RATE, 0, 1_000, 0, 0.1), Role::Narrator, 0)
            .unwrap();
        let mut assembled = assembler.finish().unwrap();
        let options = AudioOptions {
            loudness: None,
            ..AudioOptions::default()
        };
        let mut out = Cursor::new(Vec::new());
        let done = master_one(&mut assembled, &options, &mut out);
        assert_eq!(done.gain_db, 0.0);
        let mut reader = hound::WavReader::new(Cursor::new(out.into_inner())).unwrap();
        let peak = reader
            .samples::<i16>()
            .map(|s| s.unwrap().unsigned_abs())
            .max()
            .unwrap();
        assert!((3_200..=3_300).contains(&peak), "{peak}");
    }

    #[test]
    fn split_parts_share_one_gain_and_together_hold_the_whole_program() {
        let script = Script {
            utterances: (0..4).map(|_| utterance(Role::Narrator, 500)).collect(),
            ..Script::default()
        };
        let mut assembler = Assembler::new(Cursor::new(Vec::new()), RATE).unwrap();
        for (i, u) in script.utterances.iter().enumerate() {
            let amplitude = 0.1 + 0.1 * i as f32;
            assembler
                .add(
                    speech(RATE, 0, 2_000, 0, amplitude),
                    u.role,
                    u.pause_after_ms,
                )
                .unwrap();
        }
        let mut assembled = assembler.finish().unwrap();
        let ranges =
            crate::chapters::layout::cut_in_pauses(&assembled.program, Some(u64::from(RATE) * 6));
        assert_eq!(ranges.len(), 2);
        let mut outs = vec![Cursor::new(Vec::new()), Cursor::new(Vec::new())];
        let format = wav::Format::mono16(RATE);
        let parts = ranges
            .iter()
            .zip(outs.iter_mut())
            .map(|(frames, out)| {
                let writer = wav::WavWriter::new(out, format, frames.end - frames.start).unwrap();
                Part {
                    frames: frames.clone(),
                    chapters: vec![],
                    writer: Box::new(writer) as Box<dyn AudioWriter>,
                }
            })
            .collect();
        let options = AudioOptions::default();
        let done = master(&mut assembled, &options, parts, &wav::Info::default()).unwrap();
        assert_eq!(done.parts.len(), 2);
        assert!(done.parts[0].integrated < done.parts[1].integrated - 3.0);
        let lengths: Vec<u32> = outs
            .into_iter()
            .map(|o| {
                hound::WavReader::new(Cursor::new(o.into_inner()))
                    .unwrap()
                    .duration()
            })
            .collect();
        assert_eq!(
            lengths.iter().map(|&l| u64::from(l)).sum::<u64>(),
            assembled.program.pcm.frames
        );
        assert!((done.loudness.integrated + 16.0).abs() < 0.5);
    }

    #[test]
    fn what_the_limiter_takes_is_made_up_so_a_loud_target_is_still_met() {
        // A steady tone with a short loud click every 100 ms: the limiter turns every click
        // down and, releasing slowly, much of the tone after it.
        let samples = (0..RATE as usize * 20)
            .map(|i| {
                let t = i as f32 / RATE as f32;
                let click = if i % 2_205 < 100 { 0.7 } else { 0.0 };
                (32_767.0 * (0.1 + click) * (std::f32::consts::TAU * 330.0 * t).sin()) as i16
            })
            .collect();
        let spoken = Speech {
            sample_rate: RATE,
            samples,
            events: vec![],
        };
        let mut assembler = Assembler::new(Cursor::new(Vec::new()), RATE).unwrap();
        assembler.add(spoken, Role::Narrator, 0).unwrap();
        let mut assembled = assembler.finish().unwrap();
        let options = AudioOptions {
            loudness: Some(-14.0),
            ..AudioOptions::default()
        };
        let mut out = Cursor::new(Vec::new());
        let done = master_one(&mut assembled, &options, &mut out);
        let whole = 0..assembled.program.pcm.frames;
        let (integrated, peak) = measured(&out.into_inner(), std::slice::from_ref(&whole));
        assert!((integrated + 14.0).abs() <= 0.2, "{integrated}");
        assert!(peak <= -1.0, "{peak}");
        assert!((done.loudness.integrated - integrated).abs() < 0.1);
    }
}
