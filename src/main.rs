//! The `articast` binary: parse the command line, run the library, report, exit.

mod cli;
mod commands;
#[cfg(feature = "speak")]
mod listen;
mod progress;

use std::process::ExitCode;

use clap::Parser;

use articast::engine::worker;
use cli::{Cli, Command};

fn main() -> ExitCode {
    let (name, off) = articast::engine::piper::RUNTIME_TELEMETRY_OFF;
    if std::env::var_os(name).is_none() {
        // SAFETY: no other thread exists yet to read the environment meanwhile.
        #[allow(unsafe_code)]
        unsafe {
            std::env::set_var(name, off);
        }
    }
    // Started by a renderer as the worker of an engine that owns its process (libespeak-ng).
    if let Ok(engine) = std::env::var(worker::WORKER_ENV) {
        return match worker::serve(&engine) {
            Ok(()) => ExitCode::SUCCESS,
            Err(_) => ExitCode::from(1), // the renderer reports the broken pipe
        };
    }
    match Cli::parse().command {
        Command::Render(args) => commands::render(&args),
        Command::Podcast(args) => commands::podcast(&args),
        Command::Inspect(args) => commands::show(&args),
        Command::Cache(args) => commands::cache(&args),
        #[cfg(feature = "speak")]
        Command::Speak(args) => listen::run(&args),
        Command::Voices => commands::print_quietly(&articast::engine::profile::listing()),
        Command::Help { command } => match cli::help(command.as_deref()) {
            Ok(text) => commands::print_quietly(&text),
            Err(err) => {
                eprintln!("error: {err}");
                ExitCode::from(2)
            }
        },
    }
}
