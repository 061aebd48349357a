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

/// What `--name` may say of an article besides its path: read only when the template asks.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct About {
    /// The article's title (`{title}`).
    pub title: Option<String>,
    /// Its date as the article writes it (`{date}`), if found.
    pub date: Option<String>,
}

/// Lists the inputs of `args` (files, folders, patterns, `-`) then of each list in `lists`,
/// in that order, named as the module says; `template` (`--name`) renames them, asking
/// `about` for an article's title and date when it names `{title}` or `{date}`.
pub fn expand(
    args: &[String],
    lists: &[String],
    template: Option<&str>,
    about: &dyn Fn(&Source) -> About,
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
                Some(template) => {
                    let wanted = template.contains("{title}") || template.contains("{date}");
                    let about = if wanted {
                        about(&source)
                    } else {
                        About::default()
                    };
                    let fields = Fields {
                        n: i + 1,
                        width,
                        title: about.title.unwrap_or_else(|| source.stem()),
                        date: about
                            .date
                            .as_deref()
                            .and_then(iso_date)
                            .or_else(|| modified_date(&source))
                            .unwrap_or_else(|| "undated".to_string()),
                    };
                    fill(template, &name, &fields)
                }
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
    safe_name(file.strip_prefix(base).unwrap_or(file), true)
}

/// `path` with every part made safe, and without `..`, root or prefix; without the last
/// part's extension if `strip_extension`.
fn safe_name(path: &Path, strip_extension: bool) -> PathBuf {
    let mut name = PathBuf::new();
    let parts: Vec<Component> = path.components().collect();
    for (i, part) in parts.iter().enumerate() {
        let Component::Normal(part) = part else {
            continue; // no `..`, root or prefix in a name
        };
        let part = Path::new(part);
        let text = match strip_extension && i + 1 == parts.len() {
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

/// The fields of `--name` that do not come from the input's path.
struct Fields {
    /// Its number in the run.
    n: usize,
    /// Digits of the largest number.
    width: usize,
    /// The article's title, else its stem.
    title: String,
    /// `YYYY-MM-DD`: the article's date, else the file's modification date.
    date: String,
}

/// `--name`: `{stem}` (the file's name), `{dir}` (its folders, as mirrored), `{n}` (its
/// number in the run, zero-padded), `{title}`, `{date}`; the result is made safe part by part
/// (a title's slashes make no folders).
fn fill(template: &str, name: &Path, fields: &Fields) -> PathBuf {
    let stem = name
        .file_name()
        .map(|s| s.to_string_lossy().into_owned())
        .unwrap_or_default();
    let dir = name
        .parent()
        .map(|d| d.to_string_lossy().into_owned())
        .unwrap_or_default();
    let title: String = fields
        .title
        .chars()
        .map(|c| if matches!(c, '/' | '\\') { '-' } else { c })
        .take(80)
        .collect();
    let (n, width) = (fields.n, fields.width);
    let text = template
        .replace("{stem}", &stem)
        .replace("{dir}", &dir)
        .replace("{n}", &format!("{n:0width$}"))
        .replace("{title}", title.trim())
        .replace("{date}", &fields.date);
    // The name has no extension: a dot in a title or stem stays ("v1.2 notes").
    safe_name(Path::new(&text), false)
}

/// `YYYY-MM-DD` from a date as articles write it: `2015-04-21`, `April 21, 2015`,
/// `Apr. 21, 2015`, `21 April 2015`, `Tuesday 21 Apr 2015 10:00`.
fn iso_date(text: &str) -> Option<String> {
    const MONTHS: [&str; 12] = [
        "january",
        "february",
        "march",
        "april",
        "may",
        "june",
        "july",
        "august",
        "september",
        "october",
        "november",
        "december",
    ];
    let iso = regex::Regex::new(r"\b(\d{4})-(\d{2})-(\d{2})").ok()?;
    if let Some(c) = iso.captures(text) {
        let (y, m, d) = (c[1].parse().ok()?, c[2].parse().ok()?, c[3].parse().ok()?);
        return valid(y, m, d);
    }
    let words: Vec<String> = text
        .split(|c: char| !c.is_alphanumeric())
        .filter(|w| !w.is_empty())
        .map(str::to_lowercase)
        .collect();
    // A month's whole name or an abbreviation of three letters or more ("Sept").
    let month = words.iter().find_map(|w| {
        let at = MONTHS
            .iter()
            .position(|m| w.len() >= 3 && m.starts_with(w.as_str()))?;
        Some(at + 1)
    })?;
    let numbers: Vec<u32> = words.iter().filter_map(|w| w.parse().ok()).collect();
    let year = *numbers.iter().find(|&&n| (1000..=9999).contains(&n))?;
    let day = *numbers.iter().find(|&&n| (1..=31).contains(&n))?;
    valid(year, month as u32, day)
}

fn valid(year: u32, month: u32, day: u32) -> Option<String> {
    ((1..=12).contains(&month) && (1..=31).contains(&day))
        .then(|| format!("{year:04}-{month:02}-{day:02}"))
}

/// The modification date (UTC) of a file input.
fn modified_date(source: &Source) -> Option<String> {
    let Source::File(path) = source else {
        return None;
    };
    let modified = std::fs::metadata(path).ok()?.modified().ok()?;
    let secs = modified
        .duration_since(std::time::UNIX_EPOCH)
        .ok()?
        .as_secs();
    let (y, m, d) = civil_from_days((secs / 86_400) as i64);
    Some(format!("{y:04}-{m:02}-{d:02}"))
}

/// The proleptic Gregorian date of a day counted from 1970-01-01 (H. Hinnant's
/// `civil_from_days`, <https://howardhinnant.github.io/date_algorithms.html>).
fn civil_from_days(days: i64) -> (i64, u32, u32) {
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z.rem_euclid(146_097);
    let yoe = (doe - doe / 1_460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let day = (doy - (153 * mp + 2) / 5 + 1) as u32;
    let month = if mp < 10 { mp + 3 } else { mp - 9 } as u32;
    let year = yoe + era * 400 + i64::from(month <= 2);
    (year, month, day)
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

    fn none(_: &Source) -> About {
        About::default()
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
        let inputs = expand(&[arg], &[], None, &none).unwrap();
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
        let inputs = expand(&[pattern], &[], None, &none).unwrap();
        assert_eq!(names(&inputs), ["x/index", "y/index"]);
    }

    #[test]
    fn the_same_name_twice_is_suffixed_in_the_order_given() {
        let dir = tree(&["one/index.html", "two/index.html"]);
        let args: Vec<String> = ["one/index.html", "two/index.html"]
            .iter()
            .map(|f| dir.path().join(f).to_string_lossy().into_owned())
            .collect();
        let inputs = expand(&args, &[], None, &none).unwrap();
        assert_eq!(names(&inputs), ["index", "index-2"]);
        assert!(inputs[1].renamed.as_deref().unwrap().contains("index-2"));
        let named = expand(&args, &[], Some("{n}-{stem}"), &none).unwrap();
        assert_eq!(names(&named), ["1-index", "2-index"]);
    }

    #[test]
    fn a_list_skips_blanks_and_comments_and_is_relative_to_its_folder() {
        let dir = tree(&["a/one.txt", "two.md"]);
        let list = dir.path().join("inputs.list");
        std::fs::write(&list, "# the run\n\na/one.txt\n  two.md  \n").unwrap();
        let inputs = expand(&[], &[list.to_string_lossy().into_owned()], None, &none).unwrap();
        assert_eq!(names(&inputs), ["a/one", "two"]);
        assert_eq!(inputs[0].source, Source::File(dir.path().join("a/one.txt")));
        let missing = expand(&[], &["/no/such/list".to_string()], None, &none).unwrap_err();
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
        let fields = Fields {
            n: 1,
            width: 1,
            title: "Up/../and away".to_string(),
            date: "2015-04-21".to_string(),
        };
        assert_eq!(
            fill("{dir}/../{stem}", Path::new("a/b"), &fields),
            Path::new("a/b")
        );
        assert_eq!(
            fill("{date}/{title}", Path::new("a/b"), &fields),
            Path::new("2015-04-21/Up-..-and away")
        );
        assert_eq!(
            fill("{stem}", Path::new("v1.2 notes"), &fields),
            Path::new("v1.2 notes")
        );
    }

    #[test]
    fn titles_and_dates_name_outputs() {
        let dir = tree(&["one/index.html", "two/index.html"]);
        let args: Vec<String> = ["one/index.html", "two/index.html"]
            .iter()
            .map(|f| dir.path().join(f).to_string_lossy().into_owned())
            .collect();
        let about = |source: &Source| About {
            title: Some(format!(
                "A Story: {}",
                source.display_name().contains("one")
            )),
            date: source
                .display_name()
                .contains("one")
                .then(|| "April 21, 2015".to_string()),
        };
        let named = expand(&args, &[], Some("{date}-{title}"), &about).unwrap();
        let today = modified_date(&Source::File(PathBuf::from(&args[1]))).unwrap();
        assert_eq!(names(&named)[0], "2015-04-21-A Story_ true");
        assert_eq!(names(&named)[1], format!("{today}-A Story_ false"));
    }

    #[test]
    fn dates_as_articles_write_them() {
        for (text, iso) in [
            ("April 21, 2015", "2015-04-21"),
            ("Apr. 3, 2015", "2015-04-03"),
            ("Published 21 April 2015, 10:31", "2015-04-21"),
            ("2024-02-29T10:00:00Z", "2024-02-29"),
            ("Tuesday 5 Nov 2024", "2024-11-05"),
        ] {
            assert_eq!(iso_date(text).as_deref(), Some(iso), "{text}");
        }
        assert_eq!(iso_date("last week"), None);
        assert_eq!(civil_from_days(0), (1970, 1, 1));
        assert_eq!(civil_from_days(19_782), (2024, 2, 29));
    }
}
