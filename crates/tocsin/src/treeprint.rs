//! Draws a tree the way amtool does (it uses the `treeprint` Go package):
//! a `.` root line, then `├── ` / `└── ` branches indented by `│` plus two no-break spaces
//! and a space, or four spaces, each line ending in a newline.

/// One node: its text and its children, in order.
#[derive(Debug, Default)]
pub struct Node {
    pub text: String,
    pub children: Vec<Node>,
}

impl Node {
    pub fn new(text: impl Into<String>) -> Self {
        Node {
            text: text.into(),
            children: Vec::new(),
        }
    }
}

/// Renders `roots` under an anonymous `.` root, exactly as
/// `treeprint.New()` + `AddBranch` + `String()` does.
pub fn render(roots: &[Node]) -> String {
    let mut out = String::from(".\n");
    render_children(roots, "", &mut out);
    out
}

fn render_children(nodes: &[Node], prefix: &str, out: &mut String) {
    for (i, node) in nodes.iter().enumerate() {
        let last = i + 1 == nodes.len();
        out.push_str(prefix);
        out.push_str(if last { "└── " } else { "├── " });
        out.push_str(&node.text);
        out.push('\n');
        // treeprint pads the vertical bar with two no-break spaces.
        let child_prefix = format!("{prefix}{}", if last { "    " } else { "│\u{a0}\u{a0} " });
        render_children(&node.children, &child_prefix, out);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn draws_like_treeprint() {
        let mut a = Node::new("a");
        let mut b = Node::new("b");
        b.children.push(Node::new("b1"));
        a.children.push(b);
        a.children.push(Node::new("c"));
        let expected = ".\n└── a\n    ├── b\n    │\u{a0}\u{a0} └── b1\n    └── c\n";
        assert_eq!(render(&[a]), expected);
    }
}
