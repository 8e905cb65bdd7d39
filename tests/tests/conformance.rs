//! Every scenario of ../shared/conformance passes (`hookline test` semantics).

#[test]
fn shared_conformance_scenarios_pass() {
    hookline_tests::assert_scenarios_pass(&hookline_tests::shared_dir().join("conformance"));
}
