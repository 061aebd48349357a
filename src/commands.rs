//! The subcommands that read articles: `render`, `podcast` and `inspect`, with their reports.

use std::io::Write;
use std::process::ExitCode;

use articast::render::{ReadAhead, Renderer};
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
    // `--name {title}` / `{date}`: the article is read for them (an unreadable one keeps its
    // stem and the file's date; its render reports why).
    let options = config.parse;
    let about = |source: &input::Source| {
        if !matches!(source, input::Source::File(_)) {
            // Standard input and web pages are read once, by the render.
            return input::expand::About::default();
        }
        let article = input::read_as(source, options.encoding)
            .ok()
            .and_then(|text| article::parse_with(&text, options).ok());
        input::expand::About {
            title: article.as_ref().and_then(|a| a.title.clone()),
            date: article.and_then(|a| a.date),
        }
    };
    let expanded =
        input::expand::expand(&args.inputs, &args.from_list, args.name.as_deref(), &about);
    let inputs = match expanded {
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
    // The first article is read while the engines start.
    let (renderers, ahead) = std::thread::scope(|scope| {
        let ahead = inputs
            .first()
            .map(|first| scope.spawn(|| ReadAhead::file(&first.source, &config)));
        let renderers: Result<Vec<Renderer>, _> =
            (0..articles).map(|_| Renderer::new(&config)).collect();
        (renderers, ahead.and_then(|h| h.join().ok()).flatten())
    });
    let mut renderers = match renderers {
        Ok(renderers) => renderers,
        Err(err) => {
            eprintln!("error: {err}");
            return ExitCode::from(1);
        }
    };
    if let (Some(ahead), Some(first)) = (ahead, renderers.first_mut()) {
        first.read_ahead(ahead);
    }
    let detail = progress::Detail {
        bars: !args.settings.quiet,
        timings: args.settings.verbose || args.settings.timings,
    };
    let mut reporter = progress::Reporter::new(inputs.len(), detail, progress::ctrl_c_flag());
    let began = std::time::Instant::now();
    let options = batch::Options {
        force: args.settings.force,
    };
    let outcomes = batch::render_all(&inputs, &mut renderers, options, &mut reporter);
    reporter.finish();
    let mut code = batch::exit_code(&outcomes);
    if let Some(path) = &args.report {
        let report = batch::report(&inputs, &outcomes, began.elapsed());
        if let Err(err) =
            articast::files::write_atomically(path, format!("{report:#}\n").as_bytes())
        {
            eprintln!("error: {}: cannot write the report: {err}", path.display());
            code = code.max(1);
        }
    }
    if code == 130 {
        let finished = outcomes.iter().filter(|o| o.result.is_ok()).count();
        eprintln!(
            "interrupted: {finished} of {} articles finished, no partial file left; run the same \
             command again to resume (finished articles are kept, spoken utterances come from \
             the cache)",
            outcomes.len()
        );
    }
    ExitCode::from(code)
}

/// `articast cache stats|clear|prune|verify`.
pub fn cache(args: &cli::CacheArgs) -> ExitCode {
    use articast::engine::cache;
    let Some(dir) = args.cache_dir.clone().or_else(cache::default_dir) else {
        eprintln!(
            "error: no cache folder: this system names no cache folder; give --cache-dir DIR"
        );
        return ExitCode::from(2);
    };
    let shown = dir.display();
    let result = match &args.action {
        cli::CacheAction::Stats => cache::stats(&dir).map(|u| {
            format!(
                "folder:  {shown}\nentries: {}\nsize:    {} ({} bytes)\n",
                u.entries,
                cache::human_size(u.bytes),
                u.bytes
            )
        }),
        cli::CacheAction::Clear => cache::clear(&dir).map(|u| {
            format!(
                "removed {} entries ({}) from {shown}\n",
                u.entries,
                cache::human_size(u.bytes)
            )
        }),
        cli::CacheAction::Prune { max_size } => cache::prune(&dir, *max_size).and_then(|u| {
            let left = cache::stats(&dir)?;
            Ok(format!(
                "removed {} least recently used entries ({}) from {shown}; {} entries ({}) left\n",
                u.entries,
                cache::human_size(u.bytes),
                left.entries,
                cache::human_size(left.bytes)
            ))
        }),
        cli::CacheAction::Verify => cache::verify_all(&dir).map(|(all, bad)| {
            let mut text = String::new();
            for (path, why) in &bad {
                text.push_str(&format!("damaged: {}: {why}\n", path.display()));
            }
            text.push_str(&format!(
                "{} of {} entries in {shown} verify\n",
                all.entries - bad.len() as u64,
                all.entries
            ));
            if !bad.is_empty() {
                text.push_str("damaged entries are spoken again and replaced when next used\n");
            }
            text
        }),
    };
    match result {
        Ok(text) => print_quietly(&text),
        Err(err) => {
            eprintln!("error: cache folder {shown}: {err}");
            ExitCode::from(1)
        }
    }
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
    if settings.audio.is_empty() {
        // Podcast apps take MP3 (and read its ID3 chapters); WAV only when asked for.
        config.audio_formats = vec![articast::audio::format::AudioFormat::Mp3];
    }
    // The episodes' audio is in the format the render config asks for; of the files written,
    // `podcast::episode_audio` publishes the first podcast format (MP3, M4A, Opus, then WAV).
    let options = podcast::Options {
        feed: args.feed.clone(),
        base_url,
        keep: args.keep.map(|n| n as usize),
        meta: args.channel.clone(),
        now: std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map_or(0, |d| d.as_secs() as i64),
    };
    // The episodes are listed below, once the feed is written: only Ctrl-C is watched here.
    let mut watch = progress::Cancel(progress::ctrl_c_flag());
    let began = std::time::Instant::now();
    let run = match podcast::publish(&options, &config, settings.jobs(), &mut watch) {
        Ok(run) => run,
        Err(err) => {
            eprintln!("error: {err}");
            return ExitCode::from(err.exit_code());
        }
    };
    let mut worst = 0;
    if let Some(path) = &args.report {
        let report = run.report(began.elapsed());
        if let Err(err) =
            articast::files::write_atomically(path, format!("{report:#}\n").as_bytes())
        {
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
