use super::*;

#[test]
fn smoke() {
    let re = GoRegex::new_anchored("a|b").unwrap();
    assert!(re.is_match("a"));
}
