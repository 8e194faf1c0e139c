//! The hand-written parser's values (numbers, strings, lists, blocks, calls, references) and
//! types (field declarations and the shapes of a type). Like the rest of it, each method gives
//! up (`None`) where pest's path would report something or might read the text otherwise.

use super::{Cursor, is_name_byte, starts_name};
use crate::syntax::ast::{
    Arg, Expr, ExprKind, FieldDecl, Ident, Key, StrPart, TypeExpr, TypeExprKind,
};

impl Cursor<'_> {
    /// A value (`expr`).
    pub(super) fn expr(&mut self) -> Option<Expr> {
        match self.peek()? {
            b'"' => self.string(),
            b'0'..=b'9' | b'-' => self.number(),
            b'[' => self.list(),
            b'{' => {
                let block = self.block()?;
                Some(Expr {
                    span: block.span,
                    kind: ExprKind::Block(block),
                })
            }
            byte if starts_name(byte) => self.word(),
            _ => None,
        }
    }

    /// One or more digits.
    fn digits(&mut self) -> Option<()> {
        let start = self.at;
        while self.peek().is_some_and(|byte| byte.is_ascii_digit()) {
            self.at += 1;
        }
        (self.at > start).then_some(())
    }

    /// A number (`number`) or a number with a unit (`unit_number`).
    fn number(&mut self) -> Option<Expr> {
        let start = self.at;
        let negative = self.eat(b'-');
        self.digits()?;
        if self.peek() == Some(b'.')
            && self
                .byte_at(self.at + 1)
                .is_some_and(|b| b.is_ascii_digit())
        {
            self.at += 1;
            self.digits()?;
        }
        let number_end = self.at;
        let alphabetic = |byte: Option<u8>| byte.is_some_and(|byte| byte.is_ascii_alphabetic());
        let kind = if alphabetic(self.peek()) {
            while alphabetic(self.peek()) {
                self.at += 1;
            }
            if negative || self.peek().is_some_and(is_name_byte) {
                return None;
            }
            ExprKind::Unit {
                number: self.text.get(start..number_end)?.to_string(),
                unit: self.text.get(number_end..self.at)?.to_string(),
            }
        } else {
            if self.peek() == Some(b'_') {
                return None;
            }
            let text = self.text.get(start..self.at)?;
            if text.contains('.') {
                ExprKind::Float(text.parse().ok()?, text.to_string())
            } else {
                ExprKind::Int(text.parse().ok()?)
            }
        };
        Some(Expr {
            kind,
            span: self.span(start, self.at),
        })
    }

    /// A value starting with a name: a boolean, `null`, `replace { }`, a call or a reference.
    fn word(&mut self) -> Option<Expr> {
        let start = self.at;
        let name = self.ident()?;
        let kind = match name.name.as_str() {
            "true" => ExprKind::Bool(true),
            "false" => ExprKind::Bool(false),
            "null" => ExprKind::Null,
            "replace" if self.next_is(b'{') => {
                self.skip()?;
                let mut block = self.block()?;
                block.replace = Some(name.span);
                ExprKind::Block(block)
            }
            _ if self.next_is(b'(') => self.call(name)?,
            _ => {
                self.at = start;
                ExprKind::Ref(self.reference()?)
            }
        };
        Some(Expr {
            kind,
            span: self.span(start, self.at),
        })
    }

    /// `NAME(ARG, NAME = ARG, ...)`, after the name.
    fn call(&mut self, name: Ident) -> Option<ExprKind> {
        self.skip()?;
        self.expect(b'(')?;
        let mut args = self.separated(b')', Self::arg)?;
        args.shrink_to_fit();
        Some(ExprKind::Call { name, args })
    }

    /// Items separated by `,` (one may end them too) up to `close`, after the opening bracket.
    fn separated<T>(
        &mut self,
        close: u8,
        mut item: impl FnMut(&mut Self) -> Option<T>,
    ) -> Option<Vec<T>> {
        let mut items = Vec::new();
        loop {
            self.skip()?;
            if self.eat(close) {
                return Some(items);
            }
            items.push(item(self)?);
            self.skip()?;
            if self.eat(close) {
                return Some(items);
            }
            self.expect(b',')?;
        }
    }

    /// A call's argument, named (`NAME = VALUE`) or not.
    fn arg(&mut self) -> Option<Arg> {
        let start = self.at;
        if self.peek().is_some_and(starts_name) {
            let name = self.ident()?;
            if self.next_is(b'=') {
                self.skip()?;
                self.expect(b'=')?;
                self.skip()?;
                let value = self.expr()?;
                return Some(Arg {
                    name: Some(name),
                    value,
                });
            }
            self.at = start;
        }
        Some(Arg {
            name: None,
            value: self.expr()?,
        })
    }

    /// A dotted reference (`reference`): its names.
    pub(super) fn reference(&mut self) -> Option<Vec<Ident>> {
        let mut names = vec![self.ident()?];
        loop {
            let end = self.at;
            self.skip()?;
            if !self.eat(b'.') {
                self.at = end;
                names.shrink_to_fit();
                return Some(names);
            }
            self.skip()?;
            names.push(self.ident()?);
        }
    }

    /// `[a, b, ...]`, without a missing `,` (which pest's path reports).
    fn list(&mut self) -> Option<Expr> {
        let start = self.at;
        self.expect(b'[')?;
        let items = self.separated(b']', Self::expr)?;
        Some(Expr {
            kind: ExprKind::List(items),
            span: self.span(start, self.at),
        })
    }

    /// A one-line string (`plain_string`): its text, with escapes resolved, and its
    /// interpolations. A `"""` string is left to pest.
    pub(super) fn string(&mut self) -> Option<Expr> {
        let start = self.at;
        self.expect(b'"')?;
        if self.text.get(self.at..)?.starts_with("\"\"") {
            return None;
        }
        let mut parts = Vec::new();
        let mut text = String::new();
        loop {
            let rest = self.text.get(self.at..)?;
            let stop = rest.find(['"', '\\', '$', '\n'])?;
            text.push_str(rest.get(..stop)?);
            self.at += stop;
            match self.peek()? {
                b'"' => break,
                b'\\' => text.push(self.escape()?),
                b'$' if self.byte_at(self.at + 1) == Some(b'{') => {
                    if !text.is_empty() {
                        parts.push(StrPart::Text(std::mem::take(&mut text)));
                    }
                    parts.push(self.interp()?);
                }
                b'$' => {
                    text.push('$');
                    self.at += 1;
                }
                _ => return None,
            }
        }
        self.at += 1;
        // Most strings are one text: a list of exactly one part (every string of a project is
        // held until the end, and a list grown part by part has room for four).
        if parts.is_empty() && !text.is_empty() {
            parts = vec![StrPart::Text(text)];
        } else if !parts.is_empty() {
            if !text.is_empty() {
                parts.push(StrPart::Text(text));
            }
            parts.shrink_to_fit();
        }
        Some(Expr {
            kind: ExprKind::Str(parts),
            span: self.span(start, self.at),
        })
    }

    /// An escape the grammar knows (`\n`, `\t`, `\r`, `\\`, `\"`, `\$`), resolved.
    fn escape(&mut self) -> Option<char> {
        let escaped = match self.byte_at(self.at + 1)? {
            b'n' => '\n',
            b't' => '\t',
            b'r' => '\r',
            b'\\' => '\\',
            b'"' => '"',
            b'$' => '$',
            _ => return None,
        };
        self.at += 2;
        Some(escaped)
    }

    /// `${path}` in a string, with blanks around the path (pest allows comments and line breaks
    /// there too; those are left to it).
    fn interp(&mut self) -> Option<StrPart> {
        let start = self.at;
        self.at += 2;
        self.skip()?;
        let path = self.reference()?;
        self.skip()?;
        self.expect(b'}')?;
        // Pest's path cuts a span at a `//` on its last line that it takes to be outside
        // strings: a string broken over lines inside `${ }` would mislead it.
        if self.text.get(start..self.at)?.contains('\n') {
            return None;
        }
        Some(StrPart::Interp(path, self.span(start, self.at)))
    }

    /// `name: type [= default]` in a template or a record type.
    pub(super) fn field_decl(&mut self, docs: Vec<String>) -> Option<FieldDecl> {
        let start = self.at;
        let name = self.key()?;
        self.skip()?;
        self.expect(b':')?;
        self.skip()?;
        let ty = self.type_expr()?;
        let end = self.at;
        self.skip()?;
        let default = if self.peek() == Some(b'=') {
            self.eq()?;
            self.skip()?;
            Some(self.expr()?)
        } else {
            self.at = end;
            None
        };
        Some(FieldDecl {
            docs,
            name,
            ty,
            default,
            span: self.span(start, self.at),
        })
    }

    /// A type, optionally marked `?`.
    fn type_expr(&mut self) -> Option<TypeExpr> {
        let start = self.at;
        let kind = self.type_atom()?;
        let end = self.at;
        self.skip()?;
        let optional = self.eat(b'?');
        if !optional {
            self.at = end;
        }
        Some(TypeExpr {
            kind,
            optional,
            span: self.span(start, self.at),
        })
    }

    /// `[T]`, `map(T)`, `{ fields }`, `"a" | "b"`, `int(1..10)` or a named type.
    fn type_atom(&mut self) -> Option<TypeExprKind> {
        match self.peek()? {
            b'[' => {
                self.at += 1;
                self.skip()?;
                let inner = self.type_expr()?;
                self.skip()?;
                self.expect(b']')?;
                Some(TypeExprKind::List(Box::new(inner)))
            }
            b'{' => {
                let mut fields = Vec::new();
                self.members(|cursor, docs| {
                    fields.push(cursor.field_decl(docs)?);
                    Some(())
                })?;
                Some(TypeExprKind::Record(fields))
            }
            b'"' => self.enum_type(),
            _ => {
                let start = self.at;
                let base = self.ident()?;
                if !self.next_is(b'(') {
                    return Some(TypeExprKind::Named(base));
                }
                self.skip()?;
                self.expect(b'(')?;
                self.skip()?;
                if base.name == "map" {
                    let inner = self.type_expr()?;
                    self.skip()?;
                    self.expect(b')')?;
                    return Some(TypeExprKind::Map(Box::new(inner)));
                }
                self.range(start, base)
            }
        }
    }

    /// `"a" | "b" | ...`.
    fn enum_type(&mut self) -> Option<TypeExprKind> {
        let mut variants = Vec::new();
        loop {
            let start = self.at;
            let name = self.string()?.as_plain_str()?;
            variants.push(Key {
                name: name.into(),
                span: self.span(start, self.at),
            });
            let end = self.at;
            self.skip()?;
            if !self.eat(b'|') {
                self.at = end;
                return Some(TypeExprKind::Enum(variants));
            }
            self.skip()?;
        }
    }

    /// The bounds of `BASE(MIN..MAX)` (`BASE` at `start`), after the `(`. Pest's path finds the `..` by searching
    /// the text, comments included: a comment inside is left to it.
    fn range(&mut self, start: usize, base: Ident) -> Option<TypeExprKind> {
        let min = self.bound()?;
        self.skip()?;
        self.text.get(self.at..)?.starts_with("..").then_some(())?;
        self.at += 2;
        self.skip()?;
        let max = self.bound()?;
        self.skip()?;
        self.expect(b')')?;
        if self.text.get(start..self.at)?.contains("//") {
            return None;
        }
        Some(TypeExprKind::Range { base, min, max })
    }

    /// A range's bound (`range_bound`), when one is written.
    fn bound(&mut self) -> Option<Option<i64>> {
        let start = self.at;
        let negative = self.eat(b'-');
        if self.digits().is_none() {
            return (!negative).then_some(None);
        }
        Some(Some(self.text.get(start..self.at)?.parse().ok()?))
    }
}
