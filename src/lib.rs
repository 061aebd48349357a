//! articast turns written articles into narrated audio with chapter markers.
//!
//! The pipeline is a chain of plain types, one module per stage:
//!
//! ```text
//! input::read      Source        → InputText   (bytes decoded: UTF-8, BOM, UTF-16, CRLF)
//! article::parse   InputText     → Article     (cleaned; title, byline, sections, quotations)
//! script::build    Article       → Script      (utterances with voice roles, pauses, marks)
//! engine           Script text   → Speech      (PCM + word events, one per utterance)
//! audio::Assembler Speech…       → Program     (trimmed, resampled, spooled; utterances placed in frames)
//! chapters::place  Script+Program→ Chapter…    (markers in frames of the final audio)
//! chapters::*      Chapter…+Timeline → sidecars (JSON/ffmeta/CUE chapters, captions, timing map)
//! audio::master    spool+Cues    → .wav        (voices matched, loudness, true-peak limiter, WAV/RF64)
//! batch            Source…       → Outcome…    (each input on its own; errors do not stop a run)
//! ```
//!
//! ```
//! use articast::{article, audio, chapters, engine::{self, Engine}, input, script};
//!
//! let text = input::decode("A Title\n\n“We will hold this line to the end,” she said.\n".as_bytes())?;
//! let input = input::InputText::new(input::Source::Stdin, text);
//! let article = article::parse(&input)?;
//! let script = script::build(&article, &script::ScriptOptions::default());
//! let mut fake = engine::fake::FakeEngine::default();
//! let voice = engine::Voice::default();
//! let speeches = script
//!     .utterances
//!     .iter()
//!     .map(|u| fake.synthesize(&u.text, &voice))
//!     .collect::<Result<Vec<_>, _>>()?;
//! let program = audio::assemble(&script, speeches, fake.info().sample_rate)?;
//! let marks = chapters::place(&script, &program);
//! assert_eq!(marks[0].title, "Section: A Title");
//! assert_eq!(marks[1].title, "Paragraph 1: “We will hold this line to the end,” she said.");
//! assert_eq!(marks[2].title, "Quote: We will hold this line to the end");
//! let timeline = chapters::timeline(&script, &program);
//! assert_eq!(timeline.sentences[1].timed.text, "We will hold this line to the end,");
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```
#![deny(missing_docs)]

pub mod article;
pub mod audio;
pub mod batch;
pub mod chapters;
pub mod config;
pub mod engine;
pub mod input;
pub mod inspect;
#[cfg(feature = "speak")]
pub mod live;
pub mod script;
pub mod toml_file;
