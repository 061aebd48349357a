//! The `articast` binary: parse the command line, run the library, report, exit.

mod cli;
#[cfg(feature = "speak")]
mod listen;
mod progress;

use std::io::Write;
use std::process::ExitCode;

use clap::Parser;

use articast::engine::worker;
use articast::render::Renderer;
use articast::{article, batch, input, inspect};
use cli::{Cli, Command};

fn main() -> ExitCode {
    // Started by a renderer as the worker of an engine that owns its process (libespeak-ng).
    if let Ok(engine) = std::env::var(worker::WORKER_ENV) {
        return match worker::serve(&engine) {
            Ok(()) => ExitCode::SUCCESS,
            Err(_) => ExitCode::from(1), // the renderer reports the broken pipe
        };
    }
    match Cli::parse().command {
        Command::Render(args) => render(&args),
        Command::Inspect(args) => show(&args),
        #[cfg(feature = "speak")]
        Command::Speak(args) => listen::run(&args),
        Command::Voices => print_quietly(&articast::engine::profile::listing()),
        Command::Help { command } => match cli::help(command.as_deref()) {
            Ok(text) => print_quietly(&text),
            Err(err) => {
                eprintln!("error: {err}");
                ExitCode::from(2)
            }
        },
    }
}

fn render(args: &cli::RenderArgs) -> ExitCode {
    let config = match args.config() {
        Ok(config) => config,
        Err(err) => {
            eprintln!("error: {err:#}");
            return ExitCode::from(2);
        }
    };
    let mut renderer = match Renderer::new(&config) {
        Ok(renderer) => renderer,
        Err(err) => {
            eprintln!("error: {err}");
            return ExitCode::from(1);
        }
    };
    let sources: Vec<input::Source> = args
        .inputs
        .iter()
        .map(|a| input::Source::from_arg(a))
        .collect();
    let mut bar = progress::Bar::new(!args.quiet, progress::ctrl_c_flag());
    let mut worst = 0;
    for outcome in batch::render_all(&sources, &mut renderer, &mut bar) {
        let name = outcome.source.display_name();
        match outcome.result {
            Ok(done) => {
                let loudness = done.loudness.map(|l| format!("; {}", l.summary()));
                eprintln!(
                    "{name}: wrote {} ({:.1} s, {} section and {} quotation markers{})",
                    done.files(),
                    done.seconds,
                    done.sections,
                    done.quotes,
                    loudness.unwrap_or_default()
                );
                if args.timings {
                    eprintln!("timings: {}", done.timings.summary());
                }
            }
            Err(err) => {
                eprintln!("error: {name}: {err}");
                worst = worst.max(err.exit_code());
            }
        }
    }
    ExitCode::from(worst)
}

fn show(args: &cli::InspectArgs) -> ExitCode {
    let source = input::Source::from_arg(&args.input);
    let options = args.read.options();
    let article = input::read_as(&source, options.encoding)
        .map_err(|e| e.to_string())
        .and_then(|text| {
            let article = article::parse_with(&text, options).map_err(|e| e.to_string())?;
            Ok((article, text.encoding))
        });
    match article {
        Ok((article, encoding)) if args.json => {
            print_quietly(&format!("{}\n", inspect::json(&article, &encoding)))
        }
        Ok((article, encoding)) => print_quietly(&inspect::text(&article, &encoding)),
        Err(err) => {
            eprintln!("error: {}: {err}", source.display_name());
            ExitCode::from(2)
        }
    }
}

/// Prints to standard output; a reader that went away (`| head`) is a normal end.
fn print_quietly(text: &str) -> ExitCode {
    let mut out = std::io::stdout().lock();
    match out.write_all(text.as_bytes()).and_then(|()| out.flush()) {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) if e.kind() == std::io::ErrorKind::BrokenPipe => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("error: cannot write to standard output: {e}");
            ExitCode::from(1)
        }
    }
}
