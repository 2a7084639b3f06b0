fn main() {
    let path = std::env::args().nth(1).expect("path");
    match tocsin_config::load_file(&path) {
        Ok(l) => {
            for w in &l.warnings {
                println!("{w}\n");
            }
            println!("OK\n{}", l.config.to_yaml());
        }
        Err(f) => {
            println!("{f}\n---\nupstream: {}", f.first_upstream_message());
        }
    }
}
