//! Any string as a voice profile and as a lexicon: a value or an error that points inside the
//! text, never a panic.
#![no_main]

use articast::engine::profile;
use articast::script::Lexicon;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|text: &str| {
    if let Err(e) = profile::parse(text, "fuzz", "fuzz.toml") {
        assert!(!e.to_string().contains('\n'), "a two-line error: {e}");
    }
    match Lexicon::parse(text, "fuzz.toml") {
        Ok(lexicon) => {
            let said = lexicon.apply_for("A [[x]] sentence with words in it.", true);
            assert!(!said.contains("[[ "));
        }
        Err(e) => assert!(!e.to_string().contains('\n'), "a two-line error: {e}"),
    }
});
