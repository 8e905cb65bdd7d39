fn main() {
    println!("hookline {}", env!("CARGO_PKG_VERSION"));
}
