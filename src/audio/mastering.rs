//! Steps 2 and 3: the spooled program's gains (voices matched, loudness target, what the
//! limiter takes), then one pass that writes it, limited and measured, into one or more files.

use std::io::{Read, Seek, SeekFrom};
use std::ops::Range;

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
pub fn master<R: Read + Seek>(
    assembled: &mut Assembled<R>,
    options: &AudioOptions,
    parts: Vec<Part<'_>>,
    info: &wav::Info,
) -> Result<Mastered, MasterError> {
    let rate = assembled.program.pcm.sample_rate;
    let ceiling = options.loudness.map(|_| options.true_peak);
    let (roles, gain_db, passes) = match options.loudness {
        Some(target) => {
            let matched = Matched::of(assembled);
            let roles = role_segments(assembled, &matched.gains);
            let (gain, passes) =
                program_gain(assembled, &roles, &matched, target, options.true_peak)?;
            (roles, gain, passes)
        }
        None => (Vec::new(), 0.0, 0),
    };
    let mut router = Router::new(rate, parts, info)?;
    run_chain(assembled, &roles, gain_db, ceiling, |block| {
        router.emit(block)
    })?;
    let (loudness, parts) = router.finish()?;
    Ok(Mastered {
        loudness,
        parts,
        gain_db,
        passes: passes + 1,
    })
}

/// The voices matched: a gain per role that brings it to the narrator's loudness (or, without
/// narration, to the loudest role's; roles too short to measure keep their level), the
/// loudness they then share, and the highest sample once matched.
struct Matched {
    gains: HashMap<Role, f64>,
    level: Option<f64>,
    peak: f32,
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
        let peak = assembled
            .role_peaks
            .iter()
            .map(|(role, p)| p * loudness::factor(gains.get(role).copied().unwrap_or(0.0)))
            .fold(0.0, f32::max);
        Matched { gains, level, peak }
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

/// The part being written: its index, writer, chapters, frames still to come and own meter.
type OpenPart<'w> = (
    usize,
    Box<dyn AudioWriter + 'w>,
    Vec<Chapter>,
    u64,
    Option<Meter>,
);

/// Sends the mastered stream to the part files in turn, measuring the whole and each part.
struct Router<'a, 'w> {
    sample_rate: u32,
    info: &'a wav::Info,
    pending: std::iter::Enumerate<std::vec::IntoIter<Part<'w>>>,
    open: Option<OpenPart<'w>>,
    whole: Meter,
    split: bool,
    figures: Vec<wav::Loudness>,
}

impl<'a, 'w> Router<'a, 'w> {
    fn new(
        sample_rate: u32,
        parts: Vec<Part<'w>>,
        info: &'a wav::Info,
    ) -> Result<Self, MasterError> {
        Ok(Router {
            sample_rate,
            info,
            split: parts.len() > 1,
            pending: parts.into_iter().enumerate(),
            open: None,
            whole: Meter::full(sample_rate)?,
            figures: Vec::new(),
        })
    }

    fn emit(&mut self, mut samples: &[f32]) -> Result<(), MasterError> {
        self.whole.add(samples)?;
        while !samples.is_empty() {
            if self.open.is_none() && !self.open_next()? {
                return Err(wav::WavError::TooLong("more audio than the parts hold").into());
            }
            let Some((index, writer, _, left, meter)) = &mut self.open else {
                continue;
            };
            let n = samples.len().min(*left as usize);
            let part = Some(*index);
            writer
                .write(&samples[..n])
                .map_err(|source| MasterError { part, source })?;
            if let Some(meter) = meter {
                meter.add(&samples[..n])?;
            }
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
        let meter = match self.split {
            true => Some(Meter::full(self.sample_rate)?),
            false => None,
        };
        self.open = Some((index, part.writer, part.chapters, frames, meter));
        if frames == 0 {
            self.close()?;
        }
        Ok(true)
    }

    fn close(&mut self) -> Result<(), MasterError> {
        if let Some((index, writer, chapters, _, meter)) = self.open.take() {
            let figures = meter.as_ref().unwrap_or(&self.whole).figures()?;
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

    /// Closes every part (parts with no audio are written empty).
    fn finish(mut self) -> Result<(wav::Loudness, Vec<wav::Loudness>), MasterError> {
        self.close()?;
        while self.open_next()? {
            self.close()?;
        }
        Ok((self.whole.figures()?, self.figures))
    }
}

/// Integrated loudness of the spool after the role gains, `gain_db` and (with a ceiling) the
/// limiter.
fn measure<R: Read + Seek>(
    assembled: &mut Assembled<R>,
    roles: &[(Range<u64>, f32)],
    gain_db: f64,
    ceiling_dbtp: Option<f64>,
) -> Result<f64, wav::WavError> {
    let mut meter = Meter::integrated(assembled.program.pcm.sample_rate)?;
    run_chain(assembled, roles, gain_db, ceiling_dbtp, |block| {
        meter.add(block).map_err(wav::WavError::from)
    })?;
    Ok(meter.loudness()?)
}

/// The program gain that reaches `target` LUFS after the limiter.
///
/// The first guess is the matched voices' loudness. If the limiter will not touch the program
/// (its highest sample stays 6 dB under the ceiling) one plain measurement gives the gain.
/// Otherwise the limiter takes some loudness away, so the program is measured through it and
/// the gain corrected by the difference; a small correction is close to exact, and after a
/// large one (heavy limiting, where a dB of gain adds less than a dB of loudness) it measures
/// again and steps by the measured slope, at most three times.
/// Returns the gain and the number of passes over the spool it took.
fn program_gain<R: Read + Seek>(
    assembled: &mut Assembled<R>,
    roles: &[(Range<u64>, f32)],
    matched: &Matched,
    target: f64,
    ceiling_dbtp: f64,
) -> Result<(f64, usize), wav::WavError> {
    let Some(level) = matched.level else {
        return Ok((0.0, 0));
    };
    let mut gain = loudness::gain_to(target, level);
    let peak_dbfs = 20.0 * f64::from(matched.peak.max(1e-9)).log10() + gain;
    if peak_dbfs < ceiling_dbtp - 6.0 {
        return Ok((
            loudness::gain_to(target, measure(assembled, roles, 0.0, None)?),
            1,
        ));
    }
    let mut passes = 0;
    // Output loudness per dB of gain: 1 without limiting, less the harder it limits.
    let mut slope = 1.0;
    let mut last: Option<(f64, f64)> = None;
    for _ in 0..3 {
        let limited = measure(assembled, roles, gain, Some(ceiling_dbtp))?;
        passes += 1;
        if !limited.is_finite() {
            break;
        }
        if let Some((g, l)) = last.filter(|(g, _)| (gain - g).abs() > 1e-3) {
            slope = ((limited - l) / (gain - g)).clamp(0.2, 1.0);
        }
        let error = target - limited;
        last = Some((gain, limited));
        gain += error / slope;
        if error.abs() <= 0.25 {
            break;
        }
    }
    Ok((gain, passes))
}

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
        for (i, b) in bytes[..n * 4].chunks_exact(4).enumerate() {
            let at = frame + i as u64;
            while roles.get(segment).is_some_and(|(r, _)| r.end <= at) {
                segment += 1;
            }
            let gain = match roles.get(segment) {
                Some((r, g)) if r.start <= at => *g,
                _ => 1.0,
            };
            samples.push(f32::from_le_bytes([b[0], b[1], b[2], b[3]]) * gain);
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
