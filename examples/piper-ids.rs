//! Prints the Piper phoneme ids articast gives each sentence: one JSON line per input line,
//! `[[ids of sentence 1], [ids of sentence 2], ...]`, for comparison with the Python piper
//! (`scripts/piper-compare.sh`).
//!
//! Usage: `cargo run --example piper-ids -- VOICE.onnx.json < text.txt`

use std::io::BufRead;

use articast::engine::espeak_ipa;
use articast::engine::piper::VoiceConfig;
use articast::engine::piper::phonemes::{self, IdMap};

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let path = std::env::args()
        .nth(1)
        .ok_or("usage: piper-ids VOICE.onnx.json < text.txt")?;
    let config = VoiceConfig::load(std::path::Path::new(&path))?;
    let ids = IdMap(config.phoneme_id_map.clone());
    for line in std::io::stdin().lock().lines() {
        let line = line?;
        if line.trim().is_empty() {
            continue;
        }
        let clauses = espeak_ipa::clauses(&line, &config.espeak_voice)?;
        let sentences: Vec<Vec<i64>> = phonemes::sentences(&clauses)
            .iter()
            .map(|s| ids.ids(s.symbols()))
            .collect();
        println!("{}", serde_json::to_string(&sentences)?);
    }
    Ok(())
}
