//! The `articast` binary: parse the command line, run the library, report, exit.

mod cli;
#[cfg(feature = "speak")]
mod listen;
mod progress;

use std::process::ExitCode;

use clap::Parser;

use articast::{article, batch, input, inspect};
use cli::{Cli, Command};

fn main() -> ExitCode {
    match Cli::parse().command {
        Command::Render(args) => render(&args),
        Command::Inspect(args) => show(&args),
        #[cfg(feature = "speak")]
        Command::Speak(args) => listen::run(&args),
        Command::Voices => {
            write_stdout(&articast::engine::profile::listing());
            ExitCode::SUCCESS
        }
    }
}

fn render(args: &cli::RenderArgs) -> ExitCode {
    let sources: Vec<input::Source> = args
        .inputs
        .iter()
        .map(|a| input::Source::from_arg(a))
        .collect();
    let mut bar = progress::Bar::new(!args.quiet, progress::ctrl_c_flag());
    let mut worst = 0;
    let config = match args.config() {
        Ok(config) => config,
        Err(err) => {
            eprintln!("error: {err:#}");
            return ExitCode::from(2);
        }
    };
    for outcome in batch::render_all(&sources, &config, &mut bar) {
        match outcome.result {
            Ok(done) => {
                eprintln!(
                    "{}: wrote {} ({:.1} s, {} section and {} quotation markers{})",
                    outcome.source.display_name(),
                    done.files(),
                    done.seconds,
                    done.sections,
                    done.quotes,
                    done.loudness
                        .map(|l| format!("; {}", l.summary()))
                        .unwrap_or_default()
                );
                if args.timings {
                    eprintln!("timings: {}", done.timings.summary());
                }
            }
            Err(err) => {
                eprintln!("error: {}: {err}", outcome.source.display_name());
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
            write_stdout(&format!("{}\n", inspect::json(&article, &encoding)))
        }
        Ok((article, encoding)) => write_stdout(&inspect::text(&article, &encoding)),
        Err(err) => {
            eprintln!("error: {}: {err}", source.display_name());
            return ExitCode::from(2);
        }
    }
    ExitCode::SUCCESS
}

/// Prints to standard output; a reader that went away (`| head`) is not an error, and nothing
/// else about stdout can be reported anywhere better than stderr.
fn write_stdout(text: &str) {
    use std::io::Write;
    if let Err(e) = std::io::stdout().lock().write_all(text.as_bytes()) {
        if e.kind() != std::io::ErrorKind::BrokenPipe {
            eprintln!("error: standard output: {e}");
        }
    }
}
