//! `articast speak` against speech-dispatcher with a null audio sink (ALSA's `null` device), as a
//! headless machine has no sound card. Skipped, with the reason, when the service cannot start.
#![cfg(feature = "speak")]

use crate::common;

use common::articast;

#[test]
fn speak_reads_every_paragraph_through_speech_dispatcher() {
    let home = tempfile::tempdir().unwrap();
    let conf_dir = home.path().join(".config/speech-dispatcher");
    std::fs::create_dir_all(&conf_dir).unwrap();
    let Ok(system) = std::fs::read_to_string("/etc/speech-dispatcher/speechd.conf") else {
        // CI installs speech-dispatcher (scripts/setup.sh): there, its absence is a failure.
        assert!(
            std::env::var_os("CI").is_none(),
            "speech-dispatcher is not installed, and CI must run this test"
        );
        println!(
            "skipped: speech-dispatcher is not installed (/etc/speech-dispatcher/speechd.conf)"
        );
        return;
    };
    let conf: String = system
        .lines()
        .map(|l| {
            if l.trim_start()
                .trim_start_matches('#')
                .trim_start()
                .starts_with("AudioOutputMethod")
            {
                "AudioOutputMethod \"alsa\"".to_string()
            } else {
                l.to_string()
            }
        })
        .collect::<Vec<_>>()
        .join("\n");
    std::fs::write(conf_dir.join("speechd.conf"), conf).unwrap();
    std::fs::write(
        home.path().join(".asoundrc"),
        "pcm.!default { type null }\n",
    )
    .unwrap();
    let article = home.path().join("short.txt");
    std::fs::write(
        &article,
        "A Title\n\nA short paragraph to speak aloud now.\n\nAnd a second one.\n",
    )
    .unwrap();
    let out = articast()
        .env("HOME", home.path())
        .env("XDG_CONFIG_HOME", home.path().join(".config"))
        .env("XDG_RUNTIME_DIR", home.path())
        .env_remove("SPEECHD_ADDRESS")
        .arg("speak")
        .arg(&article)
        .timeout(std::time::Duration::from_secs(120))
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    if stderr.contains("speech service is not available") {
        println!("skipped: the speech service cannot start here: {stderr}");
        return;
    }
    assert!(out.status.success(), "{stderr}");
    assert!(stderr.contains("spoken 3/3"), "{stderr}");
}

#[test]
fn speak_help_says_it_cannot_write_files() {
    let out = articast().args(["speak", "--help"]).output().unwrap();
    assert!(String::from_utf8_lossy(&out.stdout).contains("cannot write files"));
}
