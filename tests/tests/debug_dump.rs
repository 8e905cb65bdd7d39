#[test]
#[ignore]
fn dump() {
    let f = std::env::var("SCN").unwrap();
    let (_s, r, v) = hookline_tests::run_scenario(std::path::Path::new(&f)).unwrap();
    for e in &r.trace {
        println!(
            "{:>6} op{} p{} {}",
            e.at,
            e.operation,
            e.pass,
            serde_json::to_string(&e.event).unwrap()
        );
    }
    for o in &r.operations {
        println!(
            "OP {} {:?} {:?} results={}",
            o.index,
            o.phase,
            o.message,
            serde_json::to_string(&o.results).unwrap()
        );
    }
    println!("{:?}", v);
}
