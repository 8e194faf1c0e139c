//! A hand-written parser for the common shape of a declaration, tried before pest.
//!
//! It reads the same grammar (`grammar/ehp.pest`) by recursive descent and builds the same tree
//! the lowering of pest's pairs builds, spans included. It gives up (`None`) wherever it is not
//! certain to agree with pest: on any syntax error, on anything the lowering would report
//! (a missing `,` in a list, an unknown escape, a number too large, an interpolated key, an
//! override out of place), and on rare forms it leaves to pest rather than read them a second
//! way (`"""` strings and their dedent, a byte-order mark between tokens, a comment inside a
//! range type, a line break inside `${ }`). Pest then parses the declaration again and says
//! what is wrong, so a giving-up costs time, never a different answer. `parse_chunk` checks in
//! debug builds that both parsers build the same tree for every declaration this one reads;
//! `tests/robustness.rs` holds it to pest over every source of the repository and mutations of
//! them, and so does the `hand_parser` fuzz target.
//!
//! Each method starts at its first token (blanks and comments before it already skipped) and
//! stops right after its last one, so a node's span is the text from its first token to its
//! last, as pest's pairs are once their trailing blanks are cut.

mod values;

use super::doc_text;
use super::items::add_entry;
use crate::source::{FileId, Span};
use crate::syntax::ast::{
    AppDecl, Block, Entry, EnvDecl, Expr, ExprKind, Ident, Item, Key, Override, PrivateOverride,
    PromotionDecl, TemplateDecl, ValuesPart,
};

thread_local! {
    /// The entries of the blocks being read, innermost last, kept between declarations: each
    /// block's entries are moved off it into a list of exactly their number (every entry of a
    /// project is held until the end, and a list grown entry by entry has room for up to twice
    /// as many).
    static ENTRIES: std::cell::Cell<Vec<Entry>> = const { std::cell::Cell::new(Vec::new()) };
}

/// Parses one top-level declaration (a chunk of a file starting at `offset`), or gives up.
pub(super) fn item(file: FileId, offset: usize, source: &str) -> Option<Item> {
    let mut cursor = Cursor {
        text: source,
        at: 0,
        file,
        offset,
        entries: ENTRIES.take(),
    };
    let item = cursor.skip().and_then(|()| cursor.item());
    let whole = cursor.skip().is_some() && cursor.at == source.len();
    cursor.entries.clear();
    ENTRIES.set(cursor.entries);
    item.filter(|_| whole)
}

/// The reading position in one declaration's text.
struct Cursor<'s> {
    text: &'s str,
    at: usize,
    file: FileId,
    offset: usize,
    /// See [`ENTRIES`].
    entries: Vec<Entry>,
}

/// Whether a byte may continue a name (`ident_char`).
fn is_name_byte(byte: u8) -> bool {
    byte.is_ascii_alphanumeric() || byte == b'_' || byte == b'-'
}

/// Whether a byte may start a name.
fn starts_name(byte: u8) -> bool {
    byte.is_ascii_alphabetic() || byte == b'_'
}

impl<'s> Cursor<'s> {
    fn byte_at(&self, at: usize) -> Option<u8> {
        self.text.as_bytes().get(at).copied()
    }

    fn peek(&self) -> Option<u8> {
        self.byte_at(self.at)
    }

    fn span(&self, start: usize, end: usize) -> Span {
        Span::new(self.file, self.offset + start, self.offset + end)
    }

    /// Takes `byte` when it is next.
    fn eat(&mut self, byte: u8) -> bool {
        let next = self.peek() == Some(byte);
        self.at += usize::from(next);
        next
    }

    /// Takes `byte`, which must be next.
    fn expect(&mut self, byte: u8) -> Option<()> {
        self.eat(byte).then_some(())
    }

    /// Skips blanks and comments (pest's `WHITESPACE`), stopping before a doc comment. Gives
    /// up on a byte-order mark, whose place pest's spans keep.
    fn skip(&mut self) -> Option<()> {
        loop {
            match self.peek() {
                Some(b' ' | b'\t' | b'\n' | b'\r') => self.at += 1,
                Some(b'/') if self.byte_at(self.at + 1) == Some(b'/') => {
                    if self.at_doc() {
                        return Some(());
                    }
                    self.at = self.line_end();
                }
                Some(0xEF) => return None,
                _ => return Some(()),
            }
        }
    }

    /// Where the current line ends (its `\n`, or the end of the text).
    fn line_end(&self) -> usize {
        self.text
            .get(self.at..)
            .and_then(|rest| rest.find('\n'))
            .map_or(self.text.len(), |newline| self.at + newline)
    }

    /// Whether a doc comment starts here: `///`, but not `////`.
    fn at_doc(&self) -> bool {
        self.text.get(self.at..).is_some_and(|rest| {
            rest.starts_with("///") && rest.as_bytes().get(3).copied() != Some(b'/')
        })
    }

    /// The doc comments here, each followed by blanks and comments.
    fn docs(&mut self) -> Option<Vec<String>> {
        let mut docs = Vec::new();
        while self.at_doc() {
            let end = self.line_end();
            docs.push(doc_text(self.text.get(self.at..end)?));
            self.at = end;
            self.skip()?;
        }
        Some(docs)
    }

    /// A name (`name`): its text and start.
    fn name(&mut self) -> Option<(&'s str, usize)> {
        let start = self.at;
        if !starts_name(self.peek()?) {
            return None;
        }
        let bytes = self.text.as_bytes();
        let length = bytes
            .get(start..)?
            .iter()
            .position(|&byte| !is_name_byte(byte))
            .unwrap_or(bytes.len() - start);
        self.at = start + length;
        Some((self.text.get(start..self.at)?, start))
    }

    fn ident(&mut self) -> Option<Ident> {
        let (name, start) = self.name()?;
        Some(Ident {
            name: name.into(),
            span: self.span(start, self.at),
        })
    }

    /// The name here, without taking it.
    fn peek_name(&mut self) -> Option<&'s str> {
        let start = self.at;
        let name = self.name().map(|(name, _)| name);
        self.at = start;
        name
    }

    /// Whether, after blanks and comments, `byte` comes next; the position is kept.
    fn next_is(&mut self, byte: u8) -> bool {
        let start = self.at;
        let found = self.skip().is_some() && self.peek() == Some(byte);
        self.at = start;
        found
    }

    fn item(&mut self) -> Option<Item> {
        let docs = self.docs()?;
        let start = self.at;
        let (keyword, _) = self.name()?;
        let item = match keyword {
            "abstract" => {
                self.skip()?;
                (self.name()?.0 == "env").then_some(())?;
                Item::Env(self.env(start, docs, true)?)
            }
            "env" => Item::Env(self.env(start, docs, false)?),
            "template" => Item::Template(self.template(start, docs)?),
            "app" => Item::App(self.app(start, docs)?),
            "promotion" => {
                let keyword = self.span(start, self.at);
                self.skip()?;
                let body = self.block()?;
                let span = self.span(start, self.at);
                Item::Promotion(PromotionDecl {
                    docs,
                    keyword,
                    body,
                    span,
                })
            }
            "in" => {
                self.skip()?;
                let env = self.ident()?;
                self.skip()?;
                let body = self.block()?;
                let span = self.span(start, self.at);
                Item::Private(PrivateOverride {
                    docs,
                    env,
                    body,
                    span,
                })
            }
            _ => return None,
        };
        Some(item)
    }

    /// `NAME [extends PARENT]` after `env` or `template`, and the blanks after them.
    fn name_and_parent(&mut self) -> Option<(Ident, Option<Ident>)> {
        self.skip()?;
        let name = self.ident()?;
        self.skip()?;
        let mut parent = None;
        if self.peek_name() == Some("extends") {
            self.name()?;
            self.skip()?;
            parent = Some(self.ident()?);
            self.skip()?;
        }
        Some((name, parent))
    }

    fn env(&mut self, start: usize, docs: Vec<String>, is_abstract: bool) -> Option<EnvDecl> {
        let (name, parent) = self.name_and_parent()?;
        let body = self.block()?;
        Some(EnvDecl {
            docs,
            is_abstract,
            name,
            parent,
            body,
            span: self.span(start, self.at),
        })
    }

    fn template(&mut self, start: usize, docs: Vec<String>) -> Option<TemplateDecl> {
        let (name, parent) = self.name_and_parent()?;
        let mut decl = TemplateDecl {
            docs,
            name,
            parent,
            fields: Vec::new(),
            defaults: Vec::new(),
            values: Vec::new(),
            span: self.span(start, start),
        };
        self.members(|cursor, docs| cursor.template_member(docs, &mut decl))?;
        decl.span = self.span(start, self.at);
        Some(decl)
    }

    /// A template's member: `values { }`, a field declaration or an entry (an override is out
    /// of place there, and reported by pest's path).
    fn template_member(&mut self, docs: Vec<String>, decl: &mut TemplateDecl) -> Option<()> {
        let start = self.at;
        let word = self.peek_name();
        if word == Some("values") {
            self.name()?;
            if self.next_is(b'{') {
                self.skip()?;
                let block = self.block()?;
                decl.values.push(ValuesPart { block, entry: None });
                return Some(());
            }
            self.at = start;
        }
        if word == Some("in") && self.override_follows() {
            return None;
        }
        self.key()?;
        let field = self.next_is(b':');
        self.at = start;
        if field {
            decl.fields.push(self.field_decl(docs)?);
        } else {
            add_entry(decl, self.entry(docs)?);
        }
        Some(())
    }

    fn app(&mut self, start: usize, docs: Vec<String>) -> Option<AppDecl> {
        self.skip()?;
        let name = self.ident()?;
        self.skip()?;
        self.expect(b':')?;
        self.skip()?;
        let template = self.ident()?;
        self.skip()?;
        let mut overrides = Vec::new();
        let base = self.entries.len();
        self.members(|cursor, docs| {
            if cursor.override_follows() {
                overrides.push(cursor.env_override()?);
            } else {
                let entry = cursor.entry(docs)?;
                cursor.entries.push(entry);
            }
            Some(())
        })?;
        let entries = self.entries.drain(base..).collect();
        Some(AppDecl {
            docs,
            name,
            template,
            entries,
            overrides,
            span: self.span(start, self.at),
        })
    }

    /// `{ (DOCS MEMBER [,;])* }`, each member read by `member` with its doc comments.
    fn members(
        &mut self,
        mut member: impl FnMut(&mut Self, Vec<String>) -> Option<()>,
    ) -> Option<()> {
        self.expect(b'{')?;
        loop {
            self.skip()?;
            if self.eat(b'}') {
                return Some(());
            }
            let docs = self.docs()?;
            member(self, docs)?;
            self.skip()?;
            if !self.eat(b',') {
                self.eat(b';');
            }
        }
    }

    /// Whether an override (`in ENV ...`) starts here: `in`, then a name. (`in = 1`, `in.x`
    /// and `in { }` are entries with the key `in`.)
    fn override_follows(&mut self) -> bool {
        let start = self.at;
        let found = self.name().is_some_and(|(word, _)| word == "in")
            && self.skip().is_some()
            && self.peek().is_some_and(starts_name);
        self.at = start;
        found
    }

    /// `in ENV[, ENV...] { ... }` directly in an app.
    fn env_override(&mut self) -> Option<Override> {
        let start = self.at;
        self.name()?;
        let mut envs = Vec::new();
        loop {
            self.skip()?;
            envs.push(self.ident()?);
            self.skip()?;
            if !self.eat(b',') {
                break;
            }
        }
        let body = self.block()?;
        Some(Override {
            envs,
            body,
            span: self.span(start, self.at),
        })
    }

    /// `{ entries }`.
    fn block(&mut self) -> Option<Block> {
        let start = self.at;
        let base = self.entries.len();
        self.members(|cursor, docs| {
            if cursor.override_follows() {
                return None;
            }
            let entry = cursor.entry(docs)?;
            cursor.entries.push(entry);
            Some(())
        })?;
        Some(Block {
            entries: self.entries.drain(base..).collect(),
            span: self.span(start, self.at),
            replace: None,
        })
    }

    /// `key.path = value` or `key.path { ... }`.
    fn entry(&mut self, docs: Vec<String>) -> Option<Entry> {
        let start = self.at;
        let mut path = Vec::with_capacity(1);
        path.push(self.key()?);
        loop {
            let end = self.at;
            self.skip()?;
            if !self.eat(b'.') {
                self.at = end;
                break;
            }
            self.skip()?;
            path.push(self.key()?);
        }
        self.skip()?;
        let value = if self.peek() == Some(b'{') {
            let block = self.block()?;
            Expr {
                span: block.span,
                kind: ExprKind::Block(block),
            }
        } else {
            self.eq()?;
            self.skip()?;
            self.expr()?
        };
        Some(Entry {
            docs,
            path,
            value,
            span: self.span(start, self.at),
        })
    }

    /// `=` with its value starting on the same line (`eq`).
    fn eq(&mut self) -> Option<()> {
        self.expect(b'=')?;
        while matches!(self.peek(), Some(b' ' | b'\t')) {
            self.at += 1;
        }
        let rest = self.text.get(self.at..)?;
        let ends_line = rest.is_empty() || rest.starts_with(['\r', '\n']) || rest.starts_with("//");
        (!ends_line).then_some(())
    }

    /// A key: a name or a string without interpolation.
    fn key(&mut self) -> Option<Key> {
        let start = self.at;
        let name = if self.peek() == Some(b'"') {
            self.string()?.as_plain_str()?.into()
        } else {
            self.name()?.0.into()
        };
        Some(Key {
            name,
            span: self.span(start, self.at),
        })
    }
}

#[cfg(test)]
mod tests {
    use crate::syntax::hand_parser_agreement;

    /// Reads `text` with both parsers: every declaration must be read by hand, as pest reads it.
    fn read_by_hand(text: &str) {
        let agreement = hand_parser_agreement(text);
        assert!(
            agreement.disagreements.is_empty(),
            "{}",
            agreement.disagreements.join("\n")
        );
        assert_eq!(agreement.read, agreement.items, "gave up on some of {text}");
    }

    #[test]
    fn every_form_of_the_grammar_is_read_by_hand_as_pest_reads_it() {
        read_by_hand(
            "/// Doc.\n//// plain\nabstract env base { a.b = 1; c { d = -2.50 }, in = 3 }\n\
             env prod extends base { x = [1, \"two\", [], {},] y = 512Mi z = true n = null }\n\
             template t extends app {\n  /// A port.\n  port: port(1..) = 8080\n  \
             kinds: [\"a\" | \"b\"]? \"quoted key\": map(int(-1..10)) = {}\n  \
             r: { /// f\n f: string }\n  values { a = port }\n  values = { b = 1 }\n  \
             values.c = \"${ env . name }-\\${x}\\n\"\n  tag = \"1\"\n}\n\
             app a: t { in { k = 1 } in prod, base { c = replace { } } e = secret(\"n\", key = \"k\") \
             f = replace g = f (h) i = env.domain }\n\
             promotion { chain = [\"inttest\", \"prod\"] }\nin local { a { tag = \"dev\" } }\n",
        );
    }

    #[test]
    fn what_pest_reports_or_reads_otherwise_is_left_to_it() {
        for text in [
            "app a: t { x = [1 2] }",
            "app a: t { x = \"\\q\" }",
            "app a: t { x = 99999999999999999999 }",
            "app a: t { \"${k}\" = 1 }",
            "env e { in prod { x = 1 } }",
            "app a: t { x = \"\"\"\n  text\n  \"\"\" }",
            "app a: t { x =\n 1 }",
            "app a: t { x = a.b\u{FEFF} }",
            "template t { n: int( // ..\n 1..2) }",
        ] {
            let agreement = hand_parser_agreement(text);
            assert!(agreement.disagreements.is_empty(), "{text}");
            assert_eq!((agreement.items, agreement.read), (1, 0), "{text}");
        }
    }
}
