//! Bytes → decoded text → article (as text, Markdown or HTML, by the first byte) → script.
//! Nothing may panic; the script keeps its own promises.
#![no_main]

use articast::article::{self, ParseOptions};
use articast::input::{self, Format, InputText, Source};
use articast::script::{self, MAX_UTTERANCE_CHARS, ScriptOptions};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Some((&choice, bytes)) = data.split_first() else {
        return;
    };
    let Ok((text, encoding)) = input::decode_as(bytes, None) else {
        return;
    };
    let format = match choice % 4 {
        0 => Some(Format::Text),
        1 => Some(Format::Markdown),
        2 => Some(Format::Html),
        _ => None,
    };
    let input = InputText {
        source: Source::Stdin,
        text,
        encoding,
    };
    let options = ParseOptions {
        keep_all: choice & 0x80 != 0,
        format,
        encoding: None,
    };
    let Ok(article) = article::parse_with(&input, options) else {
        return;
    };
    let script = script::build(&article, &ScriptOptions::default());
    for u in &script.utterances {
        assert!(!u.text.is_empty());
        assert!(
            u.text.chars().count() <= MAX_UTTERANCE_CHARS,
            "{}",
            u.text.len()
        );
    }
    for m in &script.marks {
        assert!(m.first <= m.last && m.last < script.utterances.len());
    }
});
