//! A small XML pull reader for the ICD-10-CM index schema. The compiler (native) and the page
//! (wasm, where the user's own Alphabetic Index file is parsed) read the same files, so the
//! reader lives in the core and needs no XML crate. It is strict where safety matters: element
//! depth is bounded, end tags must match, declared entities are never expanded (an unknown
//! `&name;` is an error) and a document type declaration is skipped without being interpreted.

use std::borrow::Cow;
use std::fmt;

/// Where and why the text is not well-formed XML.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct XmlError {
    /// 1-based line of the problem.
    pub line: usize,
    pub message: String,
    /// The element nesting limit was exceeded (reported separately by the loader).
    pub too_deep: bool,
}

impl fmt::Display for XmlError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "line {}: {}", self.line, self.message)
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Event<'a> {
    /// An element starts; `attrs` are its attributes, values with entities decoded.
    Start { name: &'a str, attrs: Vec<(&'a str, Cow<'a, str>)> },
    /// An element ends (also sent right after `Start` for `<empty/>`).
    End { name: &'a str },
    /// Character data (entities decoded, CDATA as is), only inside the root element.
    Text(Cow<'a, str>),
}

pub struct Reader<'a> {
    src: &'a str,
    pos: usize,
    stack: Vec<&'a str>,
    max_depth: usize,
    pending_end: Option<&'a str>,
    root_seen: bool,
}

impl<'a> Reader<'a> {
    pub fn new(src: &'a str, max_depth: usize) -> Reader<'a> {
        let src = src.strip_prefix('\u{feff}').unwrap_or(src);
        Reader { src, pos: 0, stack: Vec::new(), max_depth, pending_end: None, root_seen: false }
    }

    /// Current element depth (1 inside the root element).
    pub fn depth(&self) -> usize {
        self.stack.len()
    }

    fn error(&self, at: usize, message: impl Into<String>) -> XmlError {
        let at = at.min(self.src.len());
        let line = 1 + self.src.as_bytes()[..at].iter().filter(|&&b| b == b'\n').count();
        XmlError { line, message: message.into(), too_deep: false }
    }

    fn rest(&self) -> &'a str {
        &self.src[self.pos..]
    }

    /// The next event, `Ok(None)` at a well-formed end of the document.
    #[allow(clippy::should_implement_trait)]
    pub fn next(&mut self) -> Result<Option<Event<'a>>, XmlError> {
        if let Some(name) = self.pending_end.take() {
            self.stack.pop();
            return Ok(Some(Event::End { name }));
        }
        loop {
            if self.pos >= self.src.len() {
                return match self.stack.last() {
                    Some(open) => Err(self.error(self.pos, format!("the file ends inside <{open}>"))),
                    None if !self.root_seen => Err(self.error(self.pos, "no element found")),
                    None => Ok(None),
                };
            }
            let rest = self.rest();
            if !rest.starts_with('<') {
                let end = rest.find('<').map_or(self.src.len(), |i| self.pos + i);
                let raw = &self.src[self.pos..end];
                let start = self.pos;
                self.pos = end;
                if self.stack.is_empty() {
                    if !raw.trim().is_empty() {
                        return Err(self.error(start, "text outside the root element"));
                    }
                    continue;
                }
                return Ok(Some(Event::Text(self.decode(raw, start)?)));
            }
            if rest.starts_with("<!--") {
                let end = rest.find("-->").ok_or_else(|| self.error(self.pos, "unclosed comment"))?;
                self.pos += end + 3;
                continue;
            }
            if rest.starts_with("<?") {
                let end = rest.find("?>").ok_or_else(|| self.error(self.pos, "unclosed processing instruction"))?;
                self.pos += end + 2;
                continue;
            }
            if let Some(body) = rest.strip_prefix("<![CDATA[") {
                if self.stack.is_empty() {
                    return Err(self.error(self.pos, "CDATA outside the root element"));
                }
                let end = body.find("]]>").ok_or_else(|| self.error(self.pos, "unclosed CDATA section"))?;
                self.pos += 9 + end + 3;
                return Ok(Some(Event::Text(Cow::Borrowed(&body[..end]))));
            }
            if rest.starts_with("<!DOCTYPE") || rest.starts_with("<!doctype") {
                if self.root_seen {
                    return Err(self.error(self.pos, "a document type declaration after the root element"));
                }
                self.skip_doctype()?;
                continue;
            }
            if rest.starts_with("<!") {
                return Err(self.error(self.pos, "unknown markup declaration"));
            }
            if rest.starts_with("</") {
                return self.end_tag().map(Some);
            }
            return self.start_tag().map(Some);
        }
    }

    /// Skips `<!DOCTYPE ...>` including an internal subset, without interpreting it.
    fn skip_doctype(&mut self) -> Result<(), XmlError> {
        let start = self.pos;
        let bytes = self.src.as_bytes();
        let mut i = self.pos + 2;
        let mut bracket = 0usize;
        let mut quote: Option<u8> = None;
        while i < bytes.len() {
            let b = bytes[i];
            match quote {
                Some(q) if b == q => quote = None,
                Some(_) => {}
                None => match b {
                    b'"' | b'\'' => quote = Some(b),
                    b'[' => bracket += 1,
                    b']' => bracket = bracket.saturating_sub(1),
                    b'>' if bracket == 0 => {
                        self.pos = i + 1;
                        return Ok(());
                    }
                    _ => {}
                },
            }
            i += 1;
        }
        Err(self.error(start, "unclosed document type declaration"))
    }

    fn name_end(s: &str) -> usize {
        s.find(|c: char| c.is_whitespace() || c == '/' || c == '>' || c == '=').unwrap_or(s.len())
    }

    fn check_name(&self, name: &str, at: usize) -> Result<(), XmlError> {
        let ok = name.chars().next().is_some_and(|c| c.is_alphabetic() || c == '_' || c == ':')
            && name.chars().all(|c| c.is_alphanumeric() || matches!(c, '_' | ':' | '-' | '.'));
        if ok {
            Ok(())
        } else {
            Err(self.error(at, format!("bad element or attribute name {:?}", truncate(name))))
        }
    }

    fn end_tag(&mut self) -> Result<Event<'a>, XmlError> {
        let start = self.pos;
        let rest = &self.rest()[2..];
        let n = Self::name_end(rest);
        let name = &rest[..n];
        let after = rest[n..].trim_start();
        if !after.starts_with('>') {
            return Err(self.error(start, format!("malformed end tag </{}", truncate(name))));
        }
        let consumed = 2 + (rest.len() - after.len()) + 1;
        match self.stack.last() {
            Some(open) if *open == name => {
                self.stack.pop();
                self.pos += consumed;
                Ok(Event::End { name })
            }
            Some(open) => Err(self.error(start, format!("</{}> closes <{open}>", truncate(name)))),
            None => Err(self.error(start, format!("</{}> without a matching start tag", truncate(name)))),
        }
    }

    fn start_tag(&mut self) -> Result<Event<'a>, XmlError> {
        let start = self.pos;
        if self.stack.is_empty() && self.root_seen {
            return Err(self.error(start, "a second root element"));
        }
        let body = &self.rest()[1..];
        let n = Self::name_end(body);
        let name = &body[..n];
        self.check_name(name, start)?;
        let mut i = n;
        let mut attrs = Vec::new();
        let bytes = body.as_bytes();
        let self_closing;
        loop {
            while i < bytes.len() && (bytes[i] as char).is_ascii_whitespace() {
                i += 1;
            }
            if i >= bytes.len() {
                return Err(self.error(start, format!("the file ends inside the tag <{}", truncate(name))));
            }
            if bytes[i] == b'>' {
                self_closing = false;
                i += 1;
                break;
            }
            if body[i..].starts_with("/>") {
                self_closing = true;
                i += 2;
                break;
            }
            let an = Self::name_end(&body[i..]);
            let aname = &body[i..i + an];
            self.check_name(aname, start)?;
            i += an;
            while i < bytes.len() && (bytes[i] as char).is_ascii_whitespace() {
                i += 1;
            }
            if i >= bytes.len() || bytes[i] != b'=' {
                return Err(self.error(start, format!("attribute {} without a value", truncate(aname))));
            }
            i += 1;
            while i < bytes.len() && (bytes[i] as char).is_ascii_whitespace() {
                i += 1;
            }
            let quote = match bytes.get(i) {
                Some(&q @ (b'"' | b'\'')) => q,
                _ => return Err(self.error(start, format!("attribute {} value is not quoted", truncate(aname)))),
            };
            let vstart = i + 1;
            let vend = body[vstart..]
                .find(quote as char)
                .map(|k| vstart + k)
                .ok_or_else(|| self.error(start, "unclosed attribute value"))?;
            let raw = &body[vstart..vend];
            if raw.contains('<') {
                return Err(self.error(start, "'<' inside an attribute value"));
            }
            let value = self.decode(raw, self.pos + 1 + vstart)?;
            if attrs.iter().any(|(a, _)| *a == aname) {
                return Err(self.error(start, format!("attribute {} given twice", truncate(aname))));
            }
            attrs.push((aname, value));
            i = vend + 1;
        }
        if self.stack.len() >= self.max_depth {
            let mut e = self.error(start, format!("elements nested deeper than {} levels", self.max_depth));
            e.too_deep = true;
            return Err(e);
        }
        self.pos += 1 + i;
        self.root_seen = true;
        self.stack.push(name);
        if self_closing {
            self.pending_end = Some(name);
        }
        Ok(Event::Start { name, attrs })
    }

    /// Decodes the five predefined entities and character references.
    fn decode(&self, raw: &'a str, at: usize) -> Result<Cow<'a, str>, XmlError> {
        if !raw.contains('&') {
            return Ok(Cow::Borrowed(raw));
        }
        let mut out = String::with_capacity(raw.len());
        let mut rest = raw;
        while let Some(amp) = rest.find('&') {
            out.push_str(&rest[..amp]);
            let after = &rest[amp + 1..];
            let semi = after
                .find(';')
                .filter(|&k| k <= 12)
                .ok_or_else(|| self.error(at, "a '&' that starts no entity (write &amp;)"))?;
            let entity = &after[..semi];
            let ch = match entity {
                "lt" => '<',
                "gt" => '>',
                "amp" => '&',
                "quot" => '"',
                "apos" => '\'',
                _ => {
                    let num = if let Some(hex) = entity.strip_prefix("#x").or_else(|| entity.strip_prefix("#X")) {
                        u32::from_str_radix(hex, 16).ok()
                    } else if let Some(dec) = entity.strip_prefix('#') {
                        dec.parse::<u32>().ok()
                    } else {
                        return Err(self.error(at, format!("unknown entity &{};", truncate(entity))));
                    };
                    num.and_then(char::from_u32)
                        .filter(|&c| c != '\0')
                        .ok_or_else(|| self.error(at, format!("bad character reference &{};", truncate(entity))))?
                }
            };
            out.push(ch);
            rest = &after[semi + 1..];
        }
        out.push_str(rest);
        Ok(Cow::Owned(out))
    }
}

fn truncate(s: &str) -> String {
    if s.chars().count() > 40 {
        format!("{}…", s.chars().take(40).collect::<String>())
    } else {
        s.to_string()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn events(src: &str) -> Result<Vec<String>, XmlError> {
        let mut r = Reader::new(src, 8);
        let mut out = Vec::new();
        while let Some(e) = r.next()? {
            out.push(match e {
                Event::Start { name, attrs } => {
                    format!("<{name}{}>", attrs.iter().map(|(k, v)| format!(" {k}={v}")).collect::<String>())
                }
                Event::End { name } => format!("</{name}>"),
                Event::Text(t) => t.into_owned(),
            });
        }
        Ok(out)
    }

    #[test]
    fn reads_elements_attributes_text_and_entities() {
        let got = events("<?xml version=\"1.0\"?>\n<!-- c --><a x='1'><b>T &amp; &lt;s&gt; &#65;&#x42;</b><c/><![CDATA[<i>]]></a>\n").unwrap();
        assert_eq!(got, vec!["<a x=1>", "<b>", "T & <s> AB", "</b>", "<c>", "</c>", "<i>", "</a>"]);
    }

    #[test]
    fn refuses_malformed_documents() {
        for bad in ["", "hello", "<a>", "<a></b>", "<a x=1></a>", "<a>&foo;</a>", "<a></a><b></b>", "<a>&#0;</a>", "<a><</a>", "<a>x</a>trailing"] {
            assert!(events(bad).is_err(), "{bad:?} was accepted");
        }
    }

    #[test]
    fn bounds_the_depth_and_never_expands_declared_entities() {
        let deep = format!("{}{}", "<a>".repeat(9), "</a>".repeat(9));
        let e = events(&deep).unwrap_err();
        assert!(e.too_deep, "{e}");
        let laughs = "<!DOCTYPE r [<!ENTITY a \"aaaa\"><!ENTITY b \"&a;&a;&a;\">]><r>&b;</r>";
        assert!(events(laughs).unwrap_err().message.contains("unknown entity"));
        assert_eq!(events("<!DOCTYPE r><r/>").unwrap(), vec!["<r>", "</r>"]);
    }

    #[test]
    fn reports_the_line() {
        let e = events("<a>\n<b>\n</c></a>").unwrap_err();
        assert_eq!(e.line, 3, "{e}");
    }
}
