//! Links libespeak-ng, found through pkg-config, when the `espeak` feature is on.

fn main() {
    println!("cargo:rerun-if-changed=build.rs");
    if std::env::var_os("CARGO_FEATURE_ESPEAK").is_none() {
        return;
    }
    if let Err(err) = pkg_config::Config::new()
        .atleast_version("1.49")
        .probe("espeak-ng")
    {
        panic!(
            "libespeak-ng was not found through pkg-config ({err}).\n\
             Install it with `sudo apt-get install -y libespeak-ng-dev pkg-config`, \
             or build without the default engine: `cargo build --no-default-features`."
        );
    }
}
