//! libespeak-ng, linked in-process through a hand-written FFI.
//!
//! The library keeps its state in C globals and is not thread-safe, so one process-wide owner
//! (`LIBRARY`) serialises every call. We run it in `AUDIO_OUTPUT_SYNCHRONOUS` mode with one
//! `espeak_Synth` call per utterance: the callback then runs on the calling thread, and event
//! sample offsets count from the start of that call.
#![allow(unsafe_code)]

use std::ffi::{CString, c_char, c_int, c_short, c_uint, c_void};
use std::sync::Mutex;

use super::{Engine, EngineError, EngineInfo, Event, EventKind, Markup, Speech, Voice, excerpt};

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

/// `espeak_VOICE` from speak_lib.h: the properties a voice is chosen by.
#[repr(C)]
struct VoiceSpec {
    name: *const c_char,
    languages: *const c_char,
    identifier: *const c_char,
    gender: u8,
    age: u8,
    variant: u8,
    xx1: u8,
    score: c_int,
    spare: *mut c_void,
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
    fn espeak_Info(path_data: *mut *const c_char) -> *const c_char;
    fn espeak_SetVoiceByName(name: *const c_char) -> c_int;
    fn espeak_SetVoiceByProperties(voice: *mut VoiceSpec) -> c_int;
    fn espeak_GetCurrentVoice() -> *const VoiceSpec;
    fn espeak_ListVoices(spec: *mut VoiceSpec) -> *const *const VoiceSpec;
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
    version: String,
}

/// The library's version (`1.51`), as it reports it.
pub(crate) fn library_version() -> String {
    // SAFETY: plain C call; NULL asks for no data path; the result is a static string or NULL.
    let version = unsafe { espeak_Info(std::ptr::null_mut()) };
    if version.is_null() {
        return String::new();
    }
    // SAFETY: non-NULL, NUL-terminated, owned by the library for the process's life.
    unsafe { std::ffi::CStr::from_ptr(version) }
        .to_string_lossy()
        .into_owned()
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
                version: library_version(),
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
        // The library's list of voices, read once: choosing a voice by language reads every
        // voice file (some 450) when the list is empty, as it is in each forked worker child
        // unless filled here. Listing changes no synthesis state.
        // SAFETY: plain C call; NULL asks for every voice; the list stays the library's.
        unsafe { espeak_ListVoices(std::ptr::null_mut()) };
        *guard = Some(Library {
            sample_rate: rate as u32,
            current: None,
        });
        Ok(EspeakEngine {
            sample_rate: rate as u32,
            version: library_version(),
        })
    }
}

/// Whether the voice the library now holds lists `language` (`en-gb`) among its languages:
/// choosing by properties takes the nearest voice, which for a mistyped name may be another
/// language altogether.
fn current_voice_speaks(language: &str) -> bool {
    // SAFETY: plain C call; the result is NULL or points at the library's current voice.
    let voice = unsafe { espeak_GetCurrentVoice() };
    if voice.is_null() {
        return false;
    }
    // SAFETY: `voice` is non-NULL and live until the next voice change.
    let languages = unsafe { (*voice).languages };
    if languages.is_null() {
        return false;
    }
    // `languages` is a list of entries: a priority byte, a NUL-terminated name; a zero
    // priority byte ends it.
    let wanted = language.to_ascii_lowercase();
    let mut at = languages;
    for _ in 0..64 {
        // SAFETY: inside the list, which the library terminates with a zero byte.
        if unsafe { *at } == 0 {
            break;
        }
        // SAFETY: after the priority byte comes a NUL-terminated name.
        let name = unsafe { std::ffi::CStr::from_ptr(at.add(1)) };
        if name.to_string_lossy().to_ascii_lowercase() == wanted {
            return true;
        }
        // SAFETY: the next entry follows the name's NUL.
        at = unsafe { at.add(1 + name.to_bytes().len() + 1) };
    }
    false
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
        let by_name = unsafe { espeak_SetVoiceByName(id.as_ptr()) };
        // As the espeak-ng program does: a name that is no voice file's is tried as a
        // language (`en-gb`, `fr`).
        let found = by_name == 0 || {
            let mut spec = VoiceSpec {
                name: std::ptr::null(),
                languages: id.as_ptr(),
                identifier: std::ptr::null(),
                gender: 0,
                age: 0,
                variant: 0,
                xx1: 0,
                score: 0,
                spare: std::ptr::null_mut(),
            };
            // SAFETY: `spec` and the `id` it points at outlive the call.
            let chosen = unsafe { espeak_SetVoiceByProperties(&mut spec) == 0 };
            chosen && current_voice_speaks(&voice.id)
        };
        if !found {
            self.current = None;
            return Err(format!(
                "unknown voice '{}' (see `articast voices`)",
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
            word_timing: super::WordTiming::Engine,
            markup: Markup::EspeakPhonemes,
            // The library carries synthesis state from one call to the next.
            stateless: false,
            parallel: false,
            version: self.version.clone(),
        }
    }

    fn check_voice(&mut self, voice: &Voice) -> Result<(), EngineError> {
        let mut guard = LIBRARY
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner());
        let library = guard
            .as_mut()
            .ok_or_else(|| unavailable("libespeak-ng is not initialized".to_string()))?;
        library.apply(voice).map_err(unavailable)
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
        // Room for the speech at a slow rate (some 1,600 samples a character at 175 words a
        // minute): it grows in place instead of being copied as it doubles. Only what is
        // written is ever touched.
        collector
            .samples
            .reserve(text.len().saturating_mul(2_400).min(1 << 26));
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
