//! `articast speak`: live listening through the platform speech service.

use std::process::ExitCode;

use articast::{article, input};

use crate::{cli, progress};

/// `speak`: the article's title, byline and paragraphs through the platform speech service.
pub fn run(args: &cli::SpeakArgs) -> ExitCode {
    let source = input::Source::from_arg(&args.input);
    let options = args.read.options();
    let article = match input::read_as(&source, options.encoding)
        .map_err(|e| e.to_string())
        .and_then(|text| article::parse_with(&text, options).map_err(|e| e.to_string()))
    {
        Ok(article) => article,
        Err(err) => {
            eprintln!("error: {}: {err}", source.display_name());
            return ExitCode::from(2);
        }
    };
    let script = articast::script::build(&article, &Default::default());
    let texts: Vec<String> = script.utterances.iter().map(|u| u.text.clone()).collect();
    let stop = progress::ctrl_c_flag();
    let mut report = |done: usize, total: usize| eprint!("\rspoken {done}/{total}");
    match articast::live::speak(&texts, &stop, &mut report) {
        Ok(_) => {
            eprintln!();
            ExitCode::SUCCESS
        }
        Err(err) => {
            eprintln!("\nerror: {}: {err}", source.display_name());
            ExitCode::from(1)
        }
    }
}
