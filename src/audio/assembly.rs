//! Step 1: each utterance's speech trimmed, resampled and spooled as it comes, with the
//! script's pauses, and the loudness measured on the way: each voice role's own, and the
//! program's along its timeline (mastering turns them into gains, with no pass of its own).

use std::collections::HashMap;
use std::io::Write;

use super::resample::Converter;
use super::timeline::Timeline;
use super::{AudioError, Extent, Pcm, Placed, Program, trim};
use crate::engine::{Event, Speech};
use crate::script::{Role, Script};

/// Builds a program utterance by utterance, spooling the audio to `S` as it comes.
pub struct Assembler<S: Write> {
    spool: S,
    sample_rate: u32,
    frames: u64,
    owed_pause: u64,
    placed: Vec<Placed>,
    roles: Vec<Role>,
    timeline: Timeline,
    converters: Vec<Converter>,
    bytes: Vec<u8>,
    /// The memory of the last utterance's samples, reused for the next (fresh memory for
    /// every utterance costs a page fault per 4 kB).
    buffer: Vec<f32>,
}

/// A program whose audio is spooled, ready for [`master`](super::master).
pub struct Assembled<S> {
    /// Where everything is.
    pub program: Program,
    /// The audio: mono little-endian `f32` at the program rate, `program.pcm.frames` long.
    pub spool: S,
    /// Role of each placed utterance.
    pub roles: Vec<Role>,
    /// Integrated loudness of each role's speech, LUFS (`-inf` when too short to measure).
    pub role_levels: HashMap<Role, f64>,
    /// The program's loudness along its timeline, per role: mastering's program gain.
    pub timeline: Timeline,
}

impl<S> Assembled<S> {
    /// The same program over another handle to its spool (e.g. a reader for the writer).
    pub fn map_spool<T, E>(self, f: impl FnOnce(S) -> Result<T, E>) -> Result<Assembled<T>, E> {
        Ok(Assembled {
            spool: f(self.spool)?,
            program: self.program,
            roles: self.roles,
            role_levels: self.role_levels,
            timeline: self.timeline,
        })
    }
}

impl<S: Write> Assembler<S> {
    /// An empty program at `sample_rate`.
    pub fn new(spool: S, sample_rate: u32) -> Result<Self, AudioError> {
        // Checked here so a bad rate fails before any speech is made.
        super::loudness::Meter::integrated(sample_rate)?;
        Ok(Assembler {
            timeline: Timeline::new(sample_rate)?,
            spool,
            sample_rate,
            frames: 0,
            owed_pause: 0,
            placed: Vec::new(),
            roles: Vec::new(),
            converters: Vec::new(),
            bytes: Vec::new(),
            buffer: Vec::new(),
        })
    }

    /// Adds one utterance, spoken by `role`, followed by `pause_after_ms` of heard silence.
    pub fn add(
        &mut self,
        speech: Speech,
        role: Role,
        pause_after_ms: u32,
    ) -> Result<(), AudioError> {
        let mut raw = std::mem::take(&mut self.buffer);
        raw.clear();
        raw.extend(speech.samples.iter().map(|&s| f32::from(s) / 32_768.0));
        let kept = trim::audible(&raw, speech.sample_rate);
        if kept.range.is_empty() {
            self.buffer = raw;
            self.placed.push(Placed {
                frames: self.frames..self.frames,
                events: speech
                    .events
                    .iter()
                    .map(|e| Event {
                        sample: self.frames,
                        ..*e
                    })
                    .collect(),
            });
            self.roles.push(role);
            self.owed_pause += trim::frames_of(pause_after_ms, self.sample_rate) as u64;
            return Ok(());
        }
        let (frames, owed) = (self.frames, self.owed_pause);
        let converter = self.converter(speech.sample_rate)?;
        // At the program's own rate the kept samples are cut out of the buffer in place.
        let (mut audio, spare) = if converter.converts() {
            (converter.convert(&raw[kept.range.clone()])?, Some(raw))
        } else {
            raw.truncate(kept.range.end);
            raw.drain(..kept.range.start);
            (raw, None)
        };
        let lead = converter.position(kept.lead as u64);
        let tail = converter.position(kept.tail as u64);
        // A pause shorter than the kept margins: drop the part of this lead that does not fit
        // (it is below the threshold; the very first utterance keeps its lead).
        let cut = match frames {
            0 => 0,
            _ => lead.saturating_sub(owed).min(audio.len() as u64),
        };
        audio.drain(..cut as usize);
        let shift = |sample: u64| {
            let inside = sample.saturating_sub(kept.range.start as u64);
            converter
                .position(inside.min(kept.range.len() as u64))
                .saturating_sub(cut)
        };
        let mut events: Vec<Event> = speech
            .events
            .iter()
            .map(|e| Event {
                sample: shift(e.sample),
                ..*e
            })
            .collect();
        heard_at_onsets(&mut events, &audio);
        trim::fade_edges(&mut audio, self.sample_rate);
        self.silence(self.owed_pause.saturating_sub(lead - cut))?;
        self.owed_pause = 0;
        let start = self.frames;
        self.write(&audio)?;
        self.timeline.speech(role, &audio)?;
        self.placed.push(Placed {
            frames: start..self.frames,
            events: events
                .into_iter()
                .map(|e| Event {
                    sample: start + e.sample.min(audio.len() as u64),
                    ..e
                })
                .collect(),
        });
        self.roles.push(role);
        let pause = trim::frames_of(pause_after_ms, self.sample_rate) as u64;
        self.owed_pause += pause.saturating_sub(tail);
        self.buffer = spare.unwrap_or(audio);
        Ok(())
    }

    /// Writes the last pause; the program is complete.
    pub fn finish(mut self) -> Result<Assembled<S>, AudioError> {
        self.silence(self.owed_pause)?;
        self.spool.flush()?;
        let role_levels = self.timeline.role_levels()?;
        Ok(Assembled {
            role_levels,
            timeline: self.timeline,
            program: Program {
                pcm: Extent {
                    sample_rate: self.sample_rate,
                    frames: self.frames,
                },
                placed: self.placed,
            },
            spool: self.spool,
            roles: self.roles,
        })
    }

    fn converter(&mut self, from: u32) -> Result<&mut Converter, AudioError> {
        let at = match self.converters.iter().position(|c| c.from_rate() == from) {
            Some(at) => at,
            None => {
                self.converters
                    .push(Converter::new(from, self.sample_rate)?);
                self.converters.len() - 1
            }
        };
        Ok(&mut self.converters[at])
    }

    fn silence(&mut self, frames: u64) -> Result<(), AudioError> {
        self.timeline.silence(frames)?;
        let zeros = [0f32; 4_096];
        let mut left = frames;
        while left > 0 {
            let n = left.min(zeros.len() as u64) as usize;
            self.write(&zeros[..n])?;
            left -= n as u64;
        }
        Ok(())
    }

    fn write(&mut self, samples: &[f32]) -> Result<(), AudioError> {
        self.bytes.clear();
        for s in samples {
            self.bytes.extend_from_slice(&s.to_le_bytes());
        }
        self.spool.write_all(&self.bytes)?;
        self.frames += samples.len() as u64;
        Ok(())
    }
}

/// Moves each event to where its sound begins, never past the next event's position, so
/// captions start when their first word is heard (see [`trim::onset`]).
fn heard_at_onsets(events: &mut [Event], audio: &[f32]) {
    // Events come in time order (the `Speech` contract), so the next later one bounds each.
    let positions: Vec<usize> = events.iter().map(|e| e.sample as usize).collect();
    for (i, event) in events.iter_mut().enumerate() {
        let at = positions[i];
        let next = positions[i + 1..].iter().copied().find(|&p| p > at);
        event.sample = trim::onset(audio, at, next.unwrap_or(audio.len())) as u64;
    }
}

/// Assembles speech in memory, without mastering: the program and its 16-bit audio.
pub fn assemble_in_memory(
    script: &Script,
    speeches: Vec<Speech>,
    sample_rate: u32,
) -> Result<(Program, Pcm), AudioError> {
    if speeches.len() != script.utterances.len() {
        return Err(AudioError::CountMismatch {
            utterances: script.utterances.len(),
            speeches: speeches.len(),
        });
    }
    let mut assembler = Assembler::new(Vec::new(), sample_rate)?;
    for (utterance, speech) in script.utterances.iter().zip(speeches) {
        assembler.add(speech, utterance.role, utterance.pause_after_ms)?;
    }
    let assembled = assembler.finish()?;
    let samples = assembled
        .spool
        .chunks_exact(4)
        .map(|b| {
            let s = f32::from_le_bytes([b[0], b[1], b[2], b[3]]);
            (s * 32_768.0).round().clamp(-32_768.0, 32_767.0) as i16
        })
        .collect();
    let pcm = Pcm {
        sample_rate,
        samples,
    };
    Ok((assembled.program, pcm))
}

/// Joins the speech of every utterance, adding each utterance's pause after it, and returns
/// where everything is (see [`assemble_in_memory`] for the audio too).
pub fn assemble(
    script: &Script,
    speeches: Vec<Speech>,
    sample_rate: u32,
) -> Result<Program, AudioError> {
    assemble_in_memory(script, speeches, sample_rate).map(|(program, _)| program)
}

#[cfg(test)]
mod tests {
    use super::super::testing::{RATE, speech, utterance};
    use super::*;
    use crate::engine::EventKind;

    /// Gaps between audible stretches longer than 100 ms, in milliseconds, measured on the audio.
    fn heard_pauses(pcm: &Pcm) -> Vec<f64> {
        let threshold = 10f32.powf(trim::THRESHOLD_DBFS / 20.0) * 32_768.0;
        let loud: Vec<usize> = (0..pcm.samples.len())
            .filter(|&i| f32::from(pcm.samples[i]).abs() > threshold)
            .collect();
        loud.windows(2)
            .map(|w| (w[1] - w[0] - 1) as f64 * 1000.0 / f64::from(pcm.sample_rate))
            .filter(|&ms| ms > 100.0)
            .collect()
    }

    #[test]
    fn pauses_heard_in_the_audio_are_the_scripts_within_10_ms() {
        let script = Script {
            utterances: vec![
                utterance(Role::Narrator, 700),
                utterance(Role::Quote, 250),
                utterance(Role::Narrator, 1_200),
                utterance(Role::Narrator, 0),
            ],
            ..Script::default()
        };
        let speeches = vec![
            speech(RATE, 80, 400, 150, 0.5),
            speech(RATE, 5, 300, 200, 0.5),
            speech(RATE, 120, 500, 30, 0.5),
            speech(RATE, 60, 300, 90, 0.5),
        ];
        let (_, pcm) = assemble_in_memory(&script, speeches, RATE).unwrap();
        let heard = heard_pauses(&pcm);
        assert_eq!(heard.len(), 3, "{heard:?}");
        for (heard, wanted) in heard.iter().zip([700.0, 250.0, 1_200.0]) {
            assert!((heard - wanted).abs() <= 10.0, "{heard} ms for {wanted} ms");
        }
    }

    #[test]
    fn a_pause_shorter_than_the_margins_is_still_heard_within_10_ms() {
        let script = Script {
            utterances: vec![utterance(Role::Narrator, 5), utterance(Role::Narrator, 0)],
            ..Script::default()
        };
        let speeches = vec![
            speech(RATE, 80, 400, 150, 0.5),
            speech(RATE, 80, 400, 150, 0.5),
        ];
        let (program, pcm) = assemble_in_memory(&script, speeches, RATE).unwrap();
        let threshold = 10f32.powf(trim::THRESHOLD_DBFS / 20.0) * 32_768.0;
        let audible = |i: &u64| f32::from(pcm.samples[*i as usize]).abs() > threshold;
        let placed = &program.placed;
        let last = (0..placed[1].frames.start).rev().find(audible).unwrap();
        let next = (placed[0].frames.end..pcm.frames()).find(audible).unwrap();
        let heard_ms = (next - last - 1) as f64 * 1000.0 / f64::from(RATE);
        assert!((heard_ms - 5.0).abs() <= 10.0, "{heard_ms} ms");
    }

    #[test]
    fn pauses_stay_exact_when_the_engine_runs_at_another_rate() {
        let script = Script {
            utterances: vec![utterance(Role::Narrator, 700), utterance(Role::Narrator, 0)],
            ..Script::default()
        };
        let speeches = vec![
            speech(16_000, 80, 400, 150, 0.5),
            speech(16_000, 40, 300, 200, 0.5),
        ];
        let (program, pcm) = assemble_in_memory(&script, speeches, 48_000).unwrap();
        let heard = heard_pauses(&pcm);
        assert_eq!(heard.len(), 1);
        assert!((heard[0] - 700.0).abs() <= 10.0, "{heard:?}");
        let first = &program.placed[0].frames;
        // 400 ms of tone plus two 10 ms margins, at 48 kHz.
        assert!(
            (first.end - first.start).abs_diff(20_160) < 100,
            "{first:?}"
        );
    }

    #[test]
    fn events_are_shifted_to_program_time() {
        let script = Script {
            utterances: vec![utterance(Role::Narrator, 300), utterance(Role::Narrator, 0)],
            ..Script::default()
        };
        let mut spoken = speech(RATE, 100, 200, 0, 0.5);
        // A sharp onset, so the first audible sample is the first of the tone.
        spoken.samples[2_205..].fill(16_000);
        // A word at the start of the tone, 100 ms in.
        spoken.events.push(Event {
            kind: EventKind::Word,
            sample: 2_205,
            char_start: 0,
            char_len: 1,
        });
        let program = assemble(&script, vec![spoken.clone(), spoken], RATE).unwrap();
        let second = &program.placed[1];
        let margin = trim::frames_of(trim::MARGIN_MS, RATE) as u64;
        assert_eq!(second.events[0].sample, second.frames.start + margin);
        // The first utterance keeps its lead, so its word is `margin` in as well.
        let first = &program.placed[0];
        assert_eq!(first.events[0].sample, margin);
        // 300 ms heard between them, of which `margin` is the second's lead.
        let pause = trim::frames_of(300, RATE) as u64;
        assert_eq!(second.frames.start, first.frames.end + pause - margin);
    }

    #[test]
    fn a_word_announced_at_the_start_of_a_clause_pause_is_placed_where_it_is_heard() {
        let script = Script {
            utterances: vec![utterance(Role::Narrator, 0)],
            ..Script::default()
        };
        // Sound, 300 ms of engine pause, sound; the second word announced as the pause begins.
        let mut spoken = speech(RATE, 0, 700, 0, 0.5);
        let (pause, resume) = (trim::frames_of(200, RATE), trim::frames_of(500, RATE));
        spoken.samples[pause..resume].fill(0);
        spoken.samples[resume] = 16_000;
        spoken.events = [(0, 0), (pause as u64, 6)]
            .into_iter()
            .map(|(sample, char_start)| Event {
                kind: EventKind::Word,
                sample,
                char_start,
                char_len: 5,
            })
            .collect();
        let program = assemble(&script, vec![spoken], RATE).unwrap();
        // The first utterance keeps its lead, so program frames are the engine's samples.
        let events = &program.placed[0].events;
        assert_eq!(events[1].sample, resume as u64);
        let margin = trim::frames_of(trim::MARGIN_MS, RATE) as u64;
        assert!(
            events[0].sample > 0 && events[0].sample < margin,
            "{events:?}"
        );
    }

    #[test]
    fn silent_speech_is_placed_and_its_pause_kept() {
        let script = Script {
            utterances: vec![
                utterance(Role::Narrator, 300),
                utterance(Role::Narrator, 300),
                utterance(Role::Narrator, 0),
            ],
            ..Script::default()
        };
        let speeches = vec![
            speech(RATE, 0, 200, 0, 0.5),
            Speech::default(),
            speech(RATE, 0, 200, 0, 0.5),
        ];
        let (program, pcm) = assemble_in_memory(&script, speeches, RATE).unwrap();
        assert!(program.placed[1].frames.is_empty());
        assert_eq!(heard_pauses(&pcm).len(), 1);
        assert!((heard_pauses(&pcm)[0] - 600.0).abs() <= 10.0);
    }

    #[test]
    fn a_count_mismatch_is_an_error() {
        let script = Script {
            utterances: vec![utterance(Role::Narrator, 0)],
            ..Script::default()
        };
        assert!(matches!(
            assemble(&script, vec![], RATE),
            Err(AudioError::CountMismatch { .. })
        ));
    }
}
