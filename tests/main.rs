//! The integration tests, linked as one binary (`autotests = false` in Cargo.toml).
//!
//! Each module is one concern; `common` holds the helpers they share (running the binary,
//! cached renders of the fixtures, independent readers).
#![allow(clippy::unwrap_used)] // test code: a panic is the failure report

mod common;

mod accessible;
mod audio;
mod audio_options;
mod bad_input;
mod batch;
mod books;
mod cli;
mod corpus;
mod espeak;
mod faults;
mod formats;
mod novels;
mod piper;
mod podcast;
mod properties;
mod renderer;
mod sidecars;
mod speak;
mod voices;
mod web;
