//! libespeak-ng, linked in-process through a hand-written FFI.
//!
//! The library keeps its state in C globals and is not thread-safe, so one process-wide owner
//! (`LIBRARY`) serialises every call. We run it in `AUDIO_OUTPUT_SYNCHRONOUS` mode with one
//! `espeak_Synth` call per utterance: the callback then runs on the calling thread, and event
//! sample offsets count from the start of that call.
#![allow(unsafe_code)]

use std::ffi::{CString, c_char, c_int, c_short, c_uint, c_void};
use std::sync::Mutex;

use super::{Engine, EngineError, EngineInfo, Event, EventKind, Speech, Voice, excerpt};

const ENGINE: &str = "espeak-ng";

/// Environment variable naming the folder that holds (or is) `espeak-ng-data`.
pub const DATA_ENV: &str = "ARTICAST_ESPEAK_DATA";

const AUDIO_OUTPUT_SYNCHRONOUS: c_uint = 2;
const POS_CHARACTER: c_uint = 1;
const ESPEAK_CHARS_UTF8: c_uint = 1;
/// Text within `[[ ]]` is espeak-ng phoneme codes (the lexicon's `[[phonemes]]` entries; the
/// lexicon takes such brackets of the article's own text apart).
const ESPEAK_PHONEMES: c_uint = 0x100;
const INITIALIZE_DONT_EXIT: c_int = 0x8000;
const EVENT_LIST_TERMINATED: c_uint = 0;
const EVENT_WORD: c_uint = 1;
const EVENT_SENTENCE: c_uint = 2;
const PARAM_RATE: c_int = 1;
const PARAM_VOLUME: c_int = 2;
const PARAM_PITCH: c_int = 3;

#[repr(C)]
#[derive(Clone, Copy)]
union EventId {
    number: c_int,
    name: *const c_char,
    string: [c_char; 8],
}

/// `espeak_EVENT` from speak_lib.h.
#[repr(C)]
#[derive(Clone, Copy)]
struct RawEvent {
    kind: c_uint,
    unique_identifier: c_uint,
    text_position: c_int,
    length: c_int,
    audio_position: c_int,
    sample: c_int,
    user_data: *mut c_void,
    id: EventId,
}

type SynthCallback = unsafe extern "C" fn(*mut c_short, c_int, *mut RawEvent) -> c_int;

unsafe extern "C" {
    fn espeak_Initialize(
        output: c_uint,
        buflength: c_int,
        path: *const c_char,
        options: c_int,
    ) -> c_int;
    fn espeak_SetSynthCallback(cb: Option<SynthCallback>);
    fn espeak_SetVoiceByName(name: *const c_char) -> c_int;
    fn espeak_SetParameter(parameter: c_int, value: c_int, relative: c_int) -> c_int;
    #[allow(clippy::too_many_arguments)]
    fn espeak_Synth(
        text: *const c_void,
        size: usize,
        position: c_uint,
        position_type: c_uint,
        end_position: c_uint,
        flags: c_uint,
        unique_identifier: *mut c_uint,
        user_data: *mut c_void,
    ) -> c_int;
}

/// The initialized library: its sample rate and the voice settings last applied.
struct Library {
    sample_rate: u32,
    current: Option<Voice>,
}

/// The process-wide owner of libespeak-ng.
static LIBRARY: Mutex<Option<Library>> = Mutex::new(None);

/// What the callback collects during one `espeak_Synth` call.
#[derive(Default)]
struct Collector {
    samples: Vec<i16>,
    events: Vec<Event>,
}

unsafe extern "C" fn on_audio(wav: *mut c_short, count: c_int, events: *mut RawEvent) -> c_int {
    if events.is_null() {
        return 0;
    }
    // SAFETY: every event of the list, the terminator included, carries the `user_data` we
    // passed to `espeak_Synth`: a live `&mut Collector` for the duration of that call.
    let collector = unsafe { &mut *((*events).user_data as *mut Collector) };
    let mut event = events;
    // SAFETY: libespeak-ng ends the list with an EVENT_LIST_TERMINATED entry.
    while unsafe { (*event).kind } != EVENT_LIST_TERMINATED {
        let raw = unsafe { &*event };
        let kind = match raw.kind {
            EVENT_WORD => Some(EventKind::Word),
            EVENT_SENTENCE => Some(EventKind::Sentence),
            _ => None,
        };
        if let Some(kind) = kind {
            collector.events.push(Event {
                kind,
                sample: raw.sample.max(0) as u64,
                char_start: (raw.text_position.max(1) - 1) as usize,
                char_len: raw.length.max(0) as usize,
            });
        }
        event = unsafe { event.add(1) };
    }
    if !wav.is_null() && count > 0 {
        // SAFETY: `wav` points at `count` samples owned by the library for this call.
        collector
            .samples
            .extend_from_slice(unsafe { std::slice::from_raw_parts(wav, count as usize) });
    }
    0
}

/// The espeak-ng engine. Any number may exist; they share the one library.
#[derive(Debug)]
pub struct EspeakEngine {
    sample_rate: u32,
}

impl EspeakEngine {
    /// Initializes the library once per process and checks that it found its data.
    pub fn open() -> Result<EspeakEngine, EngineError> {
        let mut guard = LIBRARY
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner());
        if let Some(library) = guard.as_ref() {
            return Ok(EspeakEngine {
                sample_rate: library.sample_rate,
            });
        }
        let path = std::env::var_os(DATA_ENV)
            .map(|p| CString::new(p.to_string_lossy().into_owned()))
            .transpose()
            .map_err(|_| unavailable(format!("{DATA_ENV} contains a NUL byte")))?;
        let path_ptr = path.as_ref().map_or(std::ptr::null(), |p| p.as_ptr());
        // SAFETY: plain C call; `path_ptr` is NULL or a live NUL-terminated string. DONT_EXIT
        // makes the library return an error instead of calling exit() when its data is missing.
        let rate = unsafe {
            espeak_Initialize(AUDIO_OUTPUT_SYNCHRONOUS, 0, path_ptr, INITIALIZE_DONT_EXIT)
        };
        if rate <= 0 {
            let place = path
                .as_ref()
                .map_or("its default location".to_string(), |p| {
                    p.to_string_lossy().into_owned()
                });
            return Err(unavailable(format!(
                "libespeak-ng could not load its voice data from {place}; \
                 install it with `sudo apt-get install espeak-ng-data` or point {DATA_ENV} at an espeak-ng-data folder"
            )));
        }
        // SAFETY: `on_audio` matches the callback signature and never unwinds.
        unsafe { espeak_SetSynthCallback(Some(on_audio)) };
        *guard = Some(Library {
            sample_rate: rate as u32,
            current: None,
        });
        Ok(EspeakEngine {
            sample_rate: rate as u32,
        })
    }
}

/// Runs `f` with the library initialized and held, for the other users of libespeak-ng in this
/// process (the IPA phonemizer, [`super::espeak_ipa`]); the voice `f` sets is forgotten.
pub(crate) fn with_library<R>(f: impl FnOnce() -> R) -> Result<R, EngineError> {
    EspeakEngine::open()?;
    let mut guard = LIBRARY
        .lock()
        .unwrap_or_else(|poisoned| poisoned.into_inner());
    let result = f();
    if let Some(library) = guard.as_mut() {
        library.current = None;
    }
    Ok(result)
}

fn unavailable(reason: String) -> EngineError {
    EngineError::Unavailable {
        engine: ENGINE.to_string(),
        reason,
    }
}

impl Library {
    fn apply(&mut self, voice: &Voice) -> Result<(), String> {
        if self.current.as_ref() == Some(voice) {
            return Ok(());
        }
        let id = CString::new(voice.id.as_str())
            .map_err(|_| "voice id contains a NUL byte".to_string())?;
        // SAFETY: `id` is a live NUL-terminated string; the library is initialized.
        if unsafe { espeak_SetVoiceByName(id.as_ptr()) } != 0 {
            self.current = None;
            return Err(format!(
                "unknown voice '{}' (see `espeak-ng --voices`)",
                voice.id
            ));
        }
        for (param, value) in [
            (PARAM_RATE, voice.rate.clamp(80, 450)),
            (PARAM_PITCH, voice.pitch.min(100)),
            (PARAM_VOLUME, voice.volume.min(200)),
        ] {
            // SAFETY: plain C call with in-range values.
            unsafe { espeak_SetParameter(param, value as c_int, 0) };
        }
        self.current = Some(voice.clone());
        Ok(())
    }
}

impl Engine for EspeakEngine {
    fn info(&self) -> EngineInfo {
        EngineInfo {
            name: ENGINE.to_string(),
            sample_rate: self.sample_rate,
        }
    }

    fn synthesize(&mut self, text: &str, voice: &Voice) -> Result<Speech, EngineError> {
        let failed = |reason: String| EngineError::Synthesis {
            engine: ENGINE.to_string(),
            utterance: excerpt(text),
            reason,
        };
        let mut speech = Speech {
            sample_rate: self.sample_rate,
            ..Speech::default()
        };
        if !text.chars().any(char::is_alphanumeric) {
            return Ok(speech);
        }
        let mut guard = LIBRARY
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner());
        let library = guard
            .as_mut()
            .ok_or_else(|| failed("libespeak-ng is not initialized".to_string()))?;
        library.apply(voice).map_err(failed)?;
        let c_text = CString::new(text.replace('\0', " "))
            .map_err(|_| failed("text contains a NUL byte".to_string()))?;
        let mut collector = Collector::default();
        // SAFETY: `c_text` and `collector` outlive the call; in synchronous mode the callback
        // runs on this thread before `espeak_Synth` returns, and the mutex keeps other threads out.
        let status = unsafe {
            espeak_Synth(
                c_text.as_ptr().cast(),
                c_text.as_bytes_with_nul().len(),
                0,
                POS_CHARACTER,
                0,
                ESPEAK_CHARS_UTF8 | ESPEAK_PHONEMES,
                std::ptr::null_mut(),
                (&mut collector as *mut Collector).cast(),
            )
        };
        drop(guard);
        if status != 0 {
            return Err(failed(format!("espeak_Synth returned error {status}")));
        }
        let len = collector.samples.len() as u64;
        speech.events = collector.events;
        for event in &mut speech.events {
            event.sample = event.sample.min(len);
        }
        speech.samples = collector.samples;
        Ok(speech)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn speaks_a_sentence_with_word_events() {
        let mut engine = EspeakEngine::open().unwrap();
        let speech = engine
            .synthesize("Hello brave new world.", &Voice::default())
            .unwrap();
        assert_eq!(speech.sample_rate, 22_050);
        // About a second of speech at 175 words per minute.
        assert!(
            speech.samples.len() > 11_000,
            "{} samples",
            speech.samples.len()
        );
        let words: Vec<usize> = speech
            .events
            .iter()
            .filter(|e| e.kind == EventKind::Word)
            .map(|e| e.char_start)
            .collect();
        assert_eq!(words, vec![0, 6, 12, 16]);
    }

    #[test]
    fn unknown_voice_is_an_error_naming_the_voice() {
        let mut engine = EspeakEngine::open().unwrap();
        let voice = Voice {
            id: "no-such-voice-xx".to_string(),
            ..Voice::default()
        };
        let err = engine.synthesize("Hello.", &voice).unwrap_err().to_string();
        assert!(err.contains("no-such-voice-xx"), "{err}");
    }

    #[test]
    fn text_without_words_gives_empty_audio() {
        let mut engine = EspeakEngine::open().unwrap();
        assert!(
            engine
                .synthesize(" … ", &Voice::default())
                .unwrap()
                .samples
                .is_empty()
        );
    }
}
