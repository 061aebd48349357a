//! The subcommands that read articles: `render`, `podcast` and `inspect`, with their reports.

use std::io::Write;
use std::process::ExitCode;

use articast::render::Renderer;
use articast::{article, batch, input, inspect};

use crate::{cli, progress};

pub fn render(args: &cli::RenderArgs) -> ExitCode {
    let config = match args.settings.config() {
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
    let jobs = args.settings.jobs();
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
    let mut bar = progress::Bar::new(!args.settings.quiet, progress::ctrl_c_flag());
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
                if args.settings.timings {
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

pub fn podcast(args: &cli::PodcastArgs) -> ExitCode {
    use articast::chapters::Sidecar;
    use articast::podcast::{self, Status};
    let usage = |message: &str| {
        eprintln!("error: {message}");
        ExitCode::from(2)
    };
    let settings = &args.settings;
    if settings.split.is_some() || settings.max_part_duration.is_some() {
        return usage(
            "a podcast episode is one audio file: leave out --split and --max-part-duration",
        );
    }
    let Some(base) = &args.base_url else {
        return usage(
            "--base-url URL is required: podcast apps follow only absolute links, so give the \
             address the output folder is published at (e.g. --base-url https://example.com/podcast/)",
        );
    };
    let base_url = match podcast::base_url(base) {
        Ok(url) => url,
        Err(err) => return usage(&format!("--base-url: {err}")),
    };
    let mut config = match settings.config() {
        Ok(config) => config,
        Err(err) => return usage(&format!("{err:#}")),
    };
    // Every episode has its JSON chapters and its captions (feed.xml links them); other
    // sidecars only when asked for.
    let mut sidecars = vec!["json".to_string(), "vtt".to_string(), "srt".to_string()];
    sidecars.extend(settings.sidecars.iter().filter(|s| *s != "none").cloned());
    config.sidecars = Sidecar::select(&sidecars);
    config.parse.format = Some(articast::input::Format::Html);
    // The episodes' audio is in the format the render config asks for; of the files written,
    // `podcast::episode_audio` publishes the first podcast format (MP3, M4A, Opus, then WAV).
    let options = podcast::Options {
        feed: args.feed.clone(),
        base_url,
        keep: args.keep.map(|n| n as usize),
        meta: args.meta.clone(),
        now: std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map_or(0, |d| d.as_secs() as i64),
    };
    let mut bar = progress::Bar::new(!settings.quiet, progress::ctrl_c_flag());
    let began = std::time::Instant::now();
    let run = match podcast::publish(&options, &config, settings.jobs(), &mut bar) {
        Ok(run) => run,
        Err(err) => {
            eprintln!("error: {err}");
            return ExitCode::from(err.exit_code());
        }
    };
    drop(bar);
    let mut worst = 0;
    if let Some(path) = &args.report {
        let report = run.report(began.elapsed());
        if let Err(err) = write_atomically(path, &format!("{report:#}\n")) {
            eprintln!("error: {}: cannot write the report: {err}", path.display());
            worst = 1;
        }
    }
    for item in &run.items {
        match &item.status {
            Status::Rendered(done) => {
                let cached = done.cache.filter(|c| c.hits > 0).map(|c| {
                    format!(
                        "; {} of {} utterances from the cache",
                        c.hits,
                        c.hits + c.misses
                    )
                });
                eprintln!(
                    "{}: wrote {} ({:.1} s{})",
                    item.name,
                    done.files(),
                    done.seconds,
                    cached.unwrap_or_default()
                );
                for reason in &done.retried {
                    eprintln!("note: {}: retried after: {reason}", item.name);
                }
            }
            Status::Unchanged => eprintln!("{}: unchanged", item.name),
            Status::NotKept => {}
            Status::Failed(err) => {
                eprintln!("error: {}: item \"{}\": {err}", args.feed, item.name);
                let code = match err {
                    podcast::ItemError::Render(e) if e.exit_code() == 130 => 130,
                    _ => 1,
                };
                worst = worst.max(code);
            }
        }
    }
    for episode in &run.removed {
        eprintln!(
            "{}: removed (older than the newest {} kept)",
            episode.title,
            run.episodes.len()
        );
    }
    if run.duplicates > 0 {
        eprintln!(
            "note: {}: {} items repeat an earlier guid and were left out",
            args.feed, run.duplicates
        );
    }
    let count = |f: fn(&Status) -> bool| run.items.iter().filter(|i| f(&i.status)).count();
    match &run.feed_xml {
        Some(path) => eprintln!(
            "{}: {} episodes ({} rendered, {} unchanged, {} failed)",
            path.display(),
            run.episodes.len(),
            count(|s| matches!(s, Status::Rendered(_))),
            count(|s| matches!(s, Status::Unchanged)),
            run.failed()
        ),
        None => eprintln!(
            "error: {}: no episode to publish; feed.xml not written",
            args.feed
        ),
    }
    ExitCode::from(worst)
}

pub fn show(args: &cli::InspectArgs) -> ExitCode {
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
