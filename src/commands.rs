//! The subcommands that read articles: `render` and `inspect`, with their reports.

use std::io::Write;
use std::process::ExitCode;

use articast::render::Renderer;
use articast::{article, batch, input, inspect};

use crate::{cli, progress};

pub fn render(args: &cli::RenderArgs) -> ExitCode {
    let config = match args.config() {
        Ok(config) => config,
        Err(err) => {
            eprintln!("error: {err:#}");
            return ExitCode::from(2);
        }
    };
    let inputs = match input::expand::expand(&args.inputs, &args.from_list, args.name.as_deref()) {
        Ok(inputs) => inputs,
        Err(err) => {
            eprintln!("error: {err}");
            return ExitCode::from(2);
        }
    };
    let inputs = match args.shard {
        Some((k, n)) => batch::shard(inputs, k, n),
        None => inputs,
    };
    if inputs.is_empty() && args.shard.is_some() {
        eprintln!(
            "note: shard {} has no inputs",
            args.shard
                .map_or(String::new(), |(k, n)| format!("{k}/{n}"))
        );
        return ExitCode::SUCCESS;
    }
    if inputs.is_empty() {
        let extensions = input::expand::EXTENSIONS.join(" .");
        eprintln!(
            "error: no articles (.{extensions}) in {}",
            args.inputs.join(", ")
        );
        return ExitCode::from(2);
    }
    for input in &inputs {
        if let Some(why) = &input.renamed {
            eprintln!("note: {}: {why}", input.source.display_name());
        }
    }
    // `--jobs` is spread over articles first, then over the utterances of each.
    let jobs = args.jobs();
    let articles = jobs.min(inputs.len()).max(1);
    let config = articast::config::RenderConfig {
        jobs: (jobs / articles).max(1),
        ..config
    };
    let renderers: Result<Vec<Renderer>, _> =
        (0..articles).map(|_| Renderer::new(&config)).collect();
    let mut renderers = match renderers {
        Ok(renderers) => renderers,
        Err(err) => {
            eprintln!("error: {err}");
            return ExitCode::from(1);
        }
    };
    let mut bar = progress::Bar::new(!args.quiet, progress::ctrl_c_flag());
    let mut worst = 0;
    let began = std::time::Instant::now();
    let outcomes = batch::render_all(&inputs, &mut renderers, &mut bar);
    if let Some(path) = &args.report {
        let report = batch::report(&inputs, &outcomes, began.elapsed());
        if let Err(err) = write_atomically(path, &format!("{report:#}\n")) {
            eprintln!("error: {}: cannot write the report: {err}", path.display());
            worst = worst.max(1);
        }
    }
    for outcome in outcomes {
        let name = outcome.source.display_name();
        match outcome.result {
            Ok(done) => {
                let loudness = done.loudness.map(|l| format!("; {}", l.summary()));
                let cached = done.cache.filter(|c| c.hits > 0).map(|c| {
                    format!(
                        "; {} of {} utterances from the cache",
                        c.hits,
                        c.hits + c.misses
                    )
                });
                eprintln!(
                    "{name}: wrote {} ({:.1} s, {} section and {} quotation markers{}{})",
                    done.files(),
                    done.seconds,
                    done.sections,
                    done.quotes,
                    loudness.unwrap_or_default(),
                    cached.unwrap_or_default()
                );
                for reason in &done.retried {
                    eprintln!("note: {name}: retried after: {reason}");
                }
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

pub fn show(args: &cli::InspectArgs) -> ExitCode {
    let source = input::Source::from_arg(&args.input);
    let options = args.read.options();
    let voices = match args.voices() {
        Ok(voices) => voices,
        Err(err) => {
            eprintln!("error: {err:#}");
            return ExitCode::from(1);
        }
    };
    let article = input::read_as(&source, options.encoding)
        .map_err(|e| e.to_string())
        .and_then(|text| {
            let article = article::parse_with(&text, options).map_err(|e| e.to_string())?;
            Ok((article, text.encoding))
        });
    match article {
        Ok((article, encoding)) => {
            let voice = inspect::narrator_voice(&voices, article.language.as_deref());
            if args.json {
                print_quietly(&format!("{}\n", inspect::json(&article, &encoding, &voice)))
            } else {
                print_quietly(&inspect::text(&article, &encoding, &voice))
            }
        }
        Err(err) => {
            eprintln!("error: {}: {err}", source.display_name());
            ExitCode::from(2)
        }
    }
}

/// Writes a file through a temporary file beside it, renamed into place.
fn write_atomically(path: &std::path::Path, text: &str) -> std::io::Result<()> {
    let dir = path
        .parent()
        .filter(|d| !d.as_os_str().is_empty())
        .unwrap_or(std::path::Path::new("."));
    let mut temp = tempfile::NamedTempFile::new_in(dir)?;
    temp.write_all(text.as_bytes())?;
    temp.persist(path).map_err(|e| e.error)?;
    Ok(())
}

/// Prints to standard output; a reader that went away (`| head`) is a normal end.
pub fn print_quietly(text: &str) -> ExitCode {
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
