//! articast turns written articles into narrated audio with chapter markers.
//!
//! The pipeline is a chain of plain types, one module per stage:
//!
//! ```text
//! input::read      Source        → InputText   (bytes decoded: UTF-8, BOM, UTF-16, CRLF)
//! article::parse   InputText     → Article     (cleaned; title, byline, sections, quotations)
//! script::build    Article       → Script      (utterances with voice roles, pauses, marks)
//! engine           Utterance     → Speech      (PCM + word events; one engine per voice)
//! audio::Assembler Speech…       → Program     (trimmed, resampled, spooled; utterances placed in frames)
//! chapters::place  Script+Program→ Chapter…    (format-neutral markers in frames of the final audio)
//! chapters::layout Program+Chapters → Layout   (the files: one, parts, or one per section)
//! chapters::*      Chapter…+Timeline → sidecars (JSON/ffmeta/CUE chapters, captions, timing map)
//! audio::master    spool → AudioWriter         (voices matched, loudness, true-peak limiter; the
//!                                               WAV/RF64 writer turns chapters into cue/adtl,
//!                                               MP3 into ID3 CHAP/CTOC, M4B into an MP4
//!                                               chapter track, Opus into CHAPTERnnn comments)
//! render::Renderer Source        → Rendered    (the chain above for one article, all files or none)
//! batch            Source…       → Outcome…    (each input on its own; errors do not stop a run)
//! podcast::publish Feed          → feed.xml    (a feed's new and changed items rendered into a
//!                                               podcast folder with an RSS podcast feed)
//! ```
//!
//! Two seams take new kinds: a new engine implements [`engine::Engine`] (one file in
//! `src/engine/`, one [`engine::EngineSpec`] variant), and a new audio container implements
//! [`audio::AudioWriter`] (it receives the mastered samples, then the chapters, metadata and
//! loudness) and one [`audio::format::AudioFormat`] variant.
//!
//! Rendering one article with the deterministic fake engine:
//!
//! ```
//! use articast::config::{RenderConfig, VoiceSpec, Voices};
//! use articast::engine::EngineSpec;
//! use articast::input::Source;
//! use articast::render::{Renderer, Silent};
//!
//! let dir = tempfile::tempdir()?;
//! let article = dir.path().join("holding.txt");
//! std::fs::write(&article, "A Title\n\n“We will hold this line to the end,” she said.\n")?;
//! let fake = VoiceSpec { engine: EngineSpec::Fake, ..VoiceSpec::default() };
//! let config = RenderConfig {
//!     out_dir: dir.path().join("out"),
//!     voices: Voices { narrator: fake.clone(), quote: fake.clone(), heading: fake },
//!     ..RenderConfig::default()
//! };
//! let mut renderer = Renderer::new(&config)?;
//! let rendered = renderer.render(&Source::File(article), &mut Silent)?;
//! assert_eq!(rendered.wav, dir.path().join("out/holding.wav"));
//! assert_eq!((rendered.sections, rendered.quotes), (1, 1));
//! assert!(rendered.seconds > 1.0);
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```
#![deny(missing_docs)]

pub mod article;
pub mod audio;
pub mod batch;
pub mod chapters;
pub mod config;
pub mod engine;
pub mod files;
pub mod input;
pub mod inspect;
#[cfg(feature = "speak")]
pub mod live;
pub mod podcast;
pub mod render;
pub mod script;
pub mod toml_file;
