//! Many inputs from a command line: files, folders (searched recursively for articles), glob
//! patterns (expanded here too, for shells that leave them alone) and lists of paths, each with
//! the name its outputs get.
//!
//! Outputs mirror each input's path relative to the folder, pattern or list it came from:
//! `site/2024/post.html` given as the folder `site` is written as `<out>/2024/post.wav`. Every
//! part of a name is made safe ([`super::safe_stem`]). Two inputs that would get the same name
//! keep it in the order given: the later ones get `-2`, `-3`, … and the run says so.

use std::path::{Component, Path, PathBuf};

use super::Source;

/// File extensions of articles, looked for in folders.
pub const EXTENSIONS: [&str; 5] = ["txt", "md", "markdown", "html", "htm"];

/// One input and the name of its outputs.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Input {
    /// Where the article is read from.
    pub source: Source,
    /// Its outputs' name relative to the output folder, without extension (`2024/post`).
    pub name: PathBuf,
    /// Why the name differs from the one the input would have had, if it does.
    pub renamed: Option<String>,
}

/// Why the inputs could not be listed.
#[derive(Debug, thiserror::Error)]
pub enum ExpandError {
    /// A list of paths could not be read.
    #[error("{path}: cannot read the list of inputs: {source}")]
    List {
        /// The list (`-` for standard input).
        path: String,
        /// Why.
        #[source]
        source: std::io::Error,
    },
    /// A glob pattern is malformed.
    #[error("'{pattern}' is not a valid pattern: {reason}")]
    Pattern {
        /// The pattern.
        pattern: String,
        /// What is wrong with it.
        reason: String,
    },
}

/// Lists the inputs of `args` (files, folders, patterns, `-`) then of each list in `lists`,
/// in that order, named as the module says; `template` (`--name`) renames them.
pub fn expand(
    args: &[String],
    lists: &[String],
    template: Option<&str>,
) -> Result<Vec<Input>, ExpandError> {
    let mut found: Vec<(Source, PathBuf)> = Vec::new();
    for arg in args {
        found.extend(expand_arg(arg)?);
    }
    for list in lists {
        found.extend(read_list(list)?);
    }
    let width = found.len().to_string().len();
    let mut inputs: Vec<Input> = found
        .into_iter()
        .enumerate()
        .map(|(i, (source, name))| {
            let name = match template {
                Some(template) => fill(template, &name, i + 1, width),
                None => name,
            };
            Input {
                source,
                name,
                renamed: None,
            }
        })
        .collect();
    deduplicate(&mut inputs);
    Ok(inputs)
}

/// The inputs one command-line argument stands for.
fn expand_arg(arg: &str) -> Result<Vec<(Source, PathBuf)>, ExpandError> {
    if arg == "-" {
        return Ok(vec![(Source::Stdin, PathBuf::from("stdin"))]);
    }
    let path = Path::new(arg);
    if path.is_dir() {
        return Ok(articles_in(path)
            .into_iter()
            .map(|file| {
                let name = relative_name(&file, path);
                (Source::File(file), name)
            })
            .collect());
    }
    if !path.exists() && arg.contains(['*', '?', '[']) {
        let matches = glob::glob(arg).map_err(|e| ExpandError::Pattern {
            pattern: arg.to_string(),
            reason: e.msg.to_string(),
        })?;
        let base = literal_prefix(arg);
        let mut files: Vec<PathBuf> = matches
            .filter_map(Result::ok)
            .filter(|p| p.is_file())
            .collect();
        files.sort();
        if !files.is_empty() {
            return Ok(files
                .into_iter()
                .map(|file| {
                    let name = relative_name(&file, &base);
                    (Source::File(file), name)
                })
                .collect());
        }
    }
    let source = Source::from_arg(arg);
    let name = PathBuf::from(source.stem());
    Ok(vec![(source, name)])
}

/// The article files under `dir`, at any depth, in name order (hidden entries skipped).
fn articles_in(dir: &Path) -> Vec<PathBuf> {
    let mut files = Vec::new();
    let mut folders = vec![dir.to_path_buf()];
    while let Some(folder) = folders.pop() {
        let Ok(entries) = std::fs::read_dir(&folder) else {
            continue;
        };
        for entry in entries.flatten() {
            let path = entry.path();
            let hidden = entry.file_name().to_string_lossy().starts_with('.');
            match entry.file_type() {
                Ok(t) if t.is_dir() && !hidden => folders.push(path),
                Ok(t) if t.is_file() && !hidden && is_article(&path) => files.push(path),
                _ => {}
            }
        }
    }
    files.sort();
    files
}

fn is_article(path: &Path) -> bool {
    path.extension()
        .and_then(|e| e.to_str())
        .is_some_and(|e| EXTENSIONS.contains(&e.to_ascii_lowercase().as_str()))
}

/// The folders of a pattern before its first wildcard (`site/*/post.html` → `site`).
fn literal_prefix(pattern: &str) -> PathBuf {
    let mut base = PathBuf::new();
    for part in Path::new(pattern).components() {
        if part.as_os_str().to_string_lossy().contains(['*', '?', '[']) {
            break;
        }
        base.push(part);
    }
    if base.as_os_str() == pattern {
        base.pop();
    }
    base
}

/// `file` relative to `base`, without its extension, every part made safe.
fn relative_name(file: &Path, base: &Path) -> PathBuf {
    let relative = file.strip_prefix(base).unwrap_or(file);
    let mut name = PathBuf::new();
    let parts: Vec<Component> = relative.components().collect();
    for (i, part) in parts.iter().enumerate() {
        let Component::Normal(part) = part else {
            continue; // no `..`, root or prefix in a name
        };
        let part = Path::new(part);
        let text = match i + 1 == parts.len() {
            true => part.file_stem().unwrap_or(part.as_os_str()),
            false => part.as_os_str(),
        };
        name.push(super::safe_stem(&text.to_string_lossy()));
    }
    if name.as_os_str().is_empty() {
        name.push("article");
    }
    name
}

/// The inputs of a list file (`-`: standard input): one path per line, blank lines and `#`
/// comments skipped; relative paths are relative to the list's folder.
fn read_list(list: &str) -> Result<Vec<(Source, PathBuf)>, ExpandError> {
    let fail = |source| ExpandError::List {
        path: list.to_string(),
        source,
    };
    let (text, base) = if list == "-" {
        (
            std::io::read_to_string(std::io::stdin()).map_err(fail)?,
            PathBuf::new(),
        )
    } else {
        let path = Path::new(list);
        let base = path.parent().map(Path::to_path_buf).unwrap_or_default();
        (std::fs::read_to_string(path).map_err(fail)?, base)
    };
    Ok(text
        .lines()
        .map(str::trim)
        .filter(|l| !l.is_empty() && !l.starts_with('#'))
        .map(|line| {
            let given = Path::new(line);
            let file = match given.is_absolute() {
                true => given.to_path_buf(),
                false => base.join(given),
            };
            let name = match given.is_absolute() {
                true => relative_name(given, given.parent().unwrap_or(given)),
                false => relative_name(given, Path::new("")),
            };
            (Source::File(file), name)
        })
        .collect())
}

/// `--name`: `{stem}` (the file's name), `{dir}` (its folders, as mirrored), `{n}` (its
/// number in the run, zero-padded); the result is made safe part by part.
fn fill(template: &str, name: &Path, n: usize, width: usize) -> PathBuf {
    let stem = name
        .file_name()
        .map(|s| s.to_string_lossy().into_owned())
        .unwrap_or_default();
    let dir = name
        .parent()
        .map(|d| d.to_string_lossy().into_owned())
        .unwrap_or_default();
    let text = template
        .replace("{stem}", &stem)
        .replace("{dir}", &dir)
        .replace("{n}", &format!("{n:0width$}"));
    relative_name(Path::new(&text), Path::new(""))
}

/// Gives later inputs with a taken name (compared case-insensitively, as some file systems
/// do) the suffix `-2`, `-3`, …
fn deduplicate(inputs: &mut [Input]) {
    let mut taken: std::collections::HashSet<String> = std::collections::HashSet::new();
    for input in inputs.iter_mut() {
        let key = |name: &Path| name.to_string_lossy().to_lowercase();
        if taken.insert(key(&input.name)) {
            continue;
        }
        let base = input.name.clone();
        let file = base
            .file_name()
            .map(|s| s.to_string_lossy().into_owned())
            .unwrap_or_default();
        let mut n = 2;
        let free = loop {
            let candidate = base.with_file_name(format!("{file}-{n}"));
            if taken.insert(key(&candidate)) {
                break candidate;
            }
            n += 1;
        };
        input.renamed = Some(format!(
            "named {} because an earlier input of this run is named {}",
            free.display(),
            base.display()
        ));
        input.name = free;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn tree(files: &[&str]) -> tempfile::TempDir {
        let dir = tempfile::tempdir().unwrap();
        for file in files {
            let path = dir.path().join(file);
            std::fs::create_dir_all(path.parent().unwrap()).unwrap();
            std::fs::write(path, "Title\n\nText.\n").unwrap();
        }
        dir
    }

    fn names(inputs: &[Input]) -> Vec<String> {
        inputs
            .iter()
            .map(|i| i.name.display().to_string())
            .collect()
    }

    #[test]
    fn a_folder_gives_its_articles_at_any_depth_named_by_their_relative_paths() {
        let dir = tree(&[
            "b/post.html",
            "a.txt",
            "b/c/deep.md",
            "notes.pdf",
            ".hidden/x.txt",
        ]);
        let arg = dir.path().to_string_lossy().into_owned();
        let inputs = expand(&[arg], &[], None).unwrap();
        assert_eq!(names(&inputs), ["a", "b/c/deep", "b/post"]);
    }

    #[test]
    fn patterns_are_expanded_and_named_from_their_literal_folder() {
        let dir = tree(&["site/x/index.html", "site/y/index.html", "site/y/other.txt"]);
        let pattern = dir
            .path()
            .join("site/*/index.html")
            .to_string_lossy()
            .into_owned();
        let inputs = expand(&[pattern], &[], None).unwrap();
        assert_eq!(names(&inputs), ["x/index", "y/index"]);
    }

    #[test]
    fn the_same_name_twice_is_suffixed_in_the_order_given() {
        let dir = tree(&["one/index.html", "two/index.html"]);
        let args: Vec<String> = ["one/index.html", "two/index.html"]
            .iter()
            .map(|f| dir.path().join(f).to_string_lossy().into_owned())
            .collect();
        let inputs = expand(&args, &[], None).unwrap();
        assert_eq!(names(&inputs), ["index", "index-2"]);
        assert!(inputs[1].renamed.as_deref().unwrap().contains("index-2"));
        let named = expand(&args, &[], Some("{n}-{stem}")).unwrap();
        assert_eq!(names(&named), ["1-index", "2-index"]);
    }

    #[test]
    fn a_list_skips_blanks_and_comments_and_is_relative_to_its_folder() {
        let dir = tree(&["a/one.txt", "two.md"]);
        let list = dir.path().join("inputs.list");
        std::fs::write(&list, "# the run\n\na/one.txt\n  two.md  \n").unwrap();
        let inputs = expand(&[], &[list.to_string_lossy().into_owned()], None).unwrap();
        assert_eq!(names(&inputs), ["a/one", "two"]);
        assert_eq!(inputs[0].source, Source::File(dir.path().join("a/one.txt")));
        let missing = expand(&[], &["/no/such/list".to_string()], None).unwrap_err();
        assert!(
            missing
                .to_string()
                .starts_with("/no/such/list: cannot read"),
            "{missing}"
        );
    }

    #[test]
    fn names_never_climb_out_of_the_output_folder() {
        assert_eq!(
            relative_name(Path::new("../../etc/passwd.txt"), Path::new("")),
            Path::new("etc/passwd")
        );
        assert_eq!(
            fill("{dir}/../{stem}", Path::new("a/b"), 1, 1),
            Path::new("a/b")
        );
    }
}
