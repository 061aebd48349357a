//! Any string as an HTML page: the article or a clean error, never a panic.
#![no_main]

use articast::article::{self, ParseOptions};
use articast::input::{Format, InputText, Source};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|page: &str| {
    let input = InputText::new(Source::Stdin, page.to_string());
    let options = ParseOptions {
        format: Some(Format::Html),
        ..ParseOptions::default()
    };
    if let Ok(article) = article::parse_with(&input, options) {
        assert!(article.paragraph_count() > 0);
    }
});
