//! List-loading calls in inline scripts: Hanweb `jpage({…})` configurations
//! and data requests (`$.ajax`, `$.get`, `$.post`, `$.getJSON`, `fetch`,
//! `axios`), read from their literals.
//!
//! Nothing runs. An object literal is read as far as its values are literals
//! (strings, numbers, booleans, nested objects and arrays); anything else (a
//! variable, a call, a concatenation) is [`Lit::Other`] with its source text,
//! so a caller can say *which* part it could not know.

use super::{strip_comments, unescape_js};

/// Deepest literal nesting read. A deeper value is [`Lit::Other`]: the
/// call's URL (read at the top) is kept, and a list whose parameters hold
/// such a value is unreadable with the reason, so no URL is dropped silently
/// and no cap is reported.
const MAX_DEPTH: usize = 8;
/// Most calls read from one script (of one name, and in all).
pub const MAX_CALLS: usize = 20;

/// A JavaScript value as written.
#[derive(Debug, Clone, PartialEq)]
pub enum Lit {
    /// A string literal (escapes decoded).
    Str(String),
    /// A number literal.
    Num(f64),
    /// `true` / `false`.
    Bool(bool),
    /// `null` / `undefined`.
    Null,
    /// An object literal, keys in order.
    Obj(Vec<(String, Lit)>),
    /// An array literal.
    Arr(Vec<Lit>),
    /// Anything else, as written (trimmed, at most 80 characters).
    Other(String),
}

impl Lit {
    /// The value of `key` in an object.
    pub fn get(&self, key: &str) -> Option<&Lit> {
        match self {
            Lit::Obj(v) => v.iter().find(|(k, _)| k == key).map(|(_, v)| v),
            _ => None,
        }
    }

    /// The value of the first of `keys` present, compared case-insensitively.
    pub fn get_ci(&self, keys: &[&str]) -> Option<(&str, &Lit)> {
        match self {
            Lit::Obj(v) => v
                .iter()
                .find(|(k, _)| keys.iter().any(|w| k.eq_ignore_ascii_case(w)))
                .map(|(k, v)| (k.as_str(), v)),
            _ => None,
        }
    }

    /// A string, or a number written as text.
    pub fn text(&self) -> Option<String> {
        match self {
            Lit::Str(s) => Some(s.clone()),
            Lit::Num(n) if n.fract() == 0.0 && n.abs() < 1e15 => Some(format!("{}", *n as i64)),
            Lit::Num(n) => Some(n.to_string()),
            Lit::Bool(b) => Some(b.to_string()),
            _ => None,
        }
    }

    /// A non-negative whole number (also from a string of digits).
    pub fn number(&self) -> Option<u64> {
        match self {
            Lit::Num(n) if *n >= 0.0 && n.fract() == 0.0 && *n < 1e15 => Some(*n as u64),
            Lit::Str(s) => s.trim().parse().ok(),
            _ => None,
        }
    }

    /// Whether every value inside is a literal.
    pub fn is_literal(&self) -> bool {
        match self {
            Lit::Other(_) => false,
            Lit::Obj(v) => v.iter().all(|(_, x)| x.is_literal()),
            Lit::Arr(v) => v.iter().all(Lit::is_literal),
            _ => true,
        }
    }
}

/// A tiny reader of JavaScript literals over a string.
struct Reader<'s> {
    s: &'s str,
    pos: usize,
}

impl<'s> Reader<'s> {
    fn rest(&self) -> &'s str {
        self.s.get(self.pos..).unwrap_or("")
    }

    fn peek(&self) -> Option<char> {
        self.rest().chars().next()
    }

    fn bump(&mut self) -> Option<char> {
        let c = self.peek()?;
        self.pos += c.len_utf8();
        Some(c)
    }

    fn ws(&mut self) {
        while self.peek().is_some_and(char::is_whitespace) {
            self.bump();
        }
    }

    /// A quoted string starting at the current quote (template literals
    /// with `${` are not literals).
    fn string(&mut self) -> Option<Lit> {
        let q = self.bump()?;
        let start = self.pos;
        let mut escaped = false;
        while let Some(c) = self.bump() {
            if escaped {
                escaped = false;
            } else if c == '\\' {
                escaped = true;
            } else if c == q {
                let raw = self.s.get(start..self.pos - c.len_utf8()).unwrap_or("");
                if q == '`' && raw.contains("${") {
                    return Some(Lit::Other(short(raw)));
                }
                return Some(Lit::Str(unescape_js(raw).into_owned()));
            } else if c == '\n' && q != '`' {
                return None;
            }
        }
        None
    }

    /// Skips an expression up to a top-level `,`, `}`, `]` or `)`.
    fn other(&mut self) -> Lit {
        let start = self.pos;
        let mut depth = 0usize;
        while let Some(c) = self.peek() {
            match c {
                '\'' | '"' | '`' => {
                    if self.string().is_none() {
                        break;
                    }
                    continue;
                }
                '(' | '[' | '{' => depth += 1,
                ')' | ']' | '}' if depth == 0 => break,
                ')' | ']' | '}' => depth -= 1,
                ',' if depth == 0 => break,
                _ => {}
            }
            self.bump();
        }
        Lit::Other(short(self.s.get(start..self.pos).unwrap_or("")))
    }

    fn value(&mut self, depth: usize) -> Lit {
        self.ws();
        let start = self.pos;
        let lit = match self.peek() {
            Some('\'' | '"' | '`') => match self.string() {
                Some(l) => l,
                None => return Lit::Other(String::new()),
            },
            Some('{') if depth < MAX_DEPTH => self.object(depth + 1),
            Some('[') if depth < MAX_DEPTH => self.array(depth + 1),
            Some(c) if c.is_ascii_digit() || c == '-' || c == '.' => {
                let t: String = self
                    .rest()
                    .chars()
                    .take_while(|c| c.is_ascii_digit() || matches!(c, '.' | '-' | 'e' | 'E' | '+'))
                    .collect();
                self.pos += t.len();
                match t.parse::<f64>() {
                    Ok(n) => Lit::Num(n),
                    Err(_) => {
                        self.pos = start;
                        return self.other();
                    }
                }
            }
            Some(_) => {
                let word: String = self
                    .rest()
                    .chars()
                    .take_while(|c| c.is_ascii_alphanumeric() || *c == '_' || *c == '$')
                    .collect();
                self.pos += word.len();
                match word.as_str() {
                    "true" => Lit::Bool(true),
                    "false" => Lit::Bool(false),
                    "null" | "undefined" => Lit::Null,
                    _ => {
                        self.pos = start;
                        return self.other();
                    }
                }
            }
            None => return Lit::Other(String::new()),
        };
        // `'a' + b`, `1 * n`: an expression, not a literal.
        self.ws();
        if self
            .peek()
            .is_some_and(|c| !matches!(c, ',' | '}' | ']' | ')' | ';'))
        {
            self.pos = start;
            return self.other();
        }
        lit
    }

    fn object(&mut self, depth: usize) -> Lit {
        let start = self.pos;
        self.bump(); // {
        let mut out = Vec::new();
        loop {
            self.ws();
            match self.peek() {
                Some('}') => {
                    self.bump();
                    return Lit::Obj(out);
                }
                Some(',') => {
                    self.bump();
                    continue;
                }
                None => break,
                _ => {}
            }
            let key = match self.peek() {
                Some('\'' | '"') => match self.string() {
                    Some(Lit::Str(k)) => k,
                    _ => break,
                },
                _ => {
                    let k: String = self
                        .rest()
                        .chars()
                        .take_while(|c| c.is_alphanumeric() || *c == '_' || *c == '$')
                        .collect();
                    if k.is_empty() {
                        break;
                    }
                    self.pos += k.len();
                    k
                }
            };
            self.ws();
            match self.peek() {
                Some(':') => {
                    self.bump();
                    let v = self.value(depth);
                    out.push((key, v));
                }
                // Shorthand `{ page }` or a method: not a literal value.
                _ => {
                    let v = self.other();
                    out.push((key, v));
                }
            }
            if out.len() > 200 {
                break;
            }
        }
        self.pos = start;
        self.other()
    }

    fn array(&mut self, depth: usize) -> Lit {
        let start = self.pos;
        self.bump(); // [
        let mut out = Vec::new();
        loop {
            self.ws();
            match self.peek() {
                Some(']') => {
                    self.bump();
                    return Lit::Arr(out);
                }
                Some(',') => {
                    self.bump();
                }
                None => break,
                _ => {
                    let before = self.pos;
                    out.push(self.value(depth));
                    if self.pos == before || out.len() > 5_000 {
                        break;
                    }
                }
            }
        }
        self.pos = start;
        self.other()
    }

    /// Comma-separated call arguments up to the closing `)`.
    fn args(&mut self) -> Vec<Lit> {
        let mut out = Vec::new();
        loop {
            self.ws();
            match self.peek() {
                Some(')') | None => return out,
                Some(',') => {
                    self.bump();
                }
                _ => {
                    let before = self.pos;
                    out.push(self.value(0));
                    if self.pos == before || out.len() > 8 {
                        return out;
                    }
                }
            }
        }
    }
}

fn short(s: &str) -> String {
    let t = s.split_whitespace().collect::<Vec<_>>().join(" ");
    match t.char_indices().nth(80) {
        Some((i, _)) => format!("{}…", t.get(..i).unwrap_or("")),
        None => t,
    }
}

/// Reads the literal that starts `s` (after whitespace).
pub fn literal(s: &str) -> Lit {
    Reader { s, pos: 0 }.value(0)
}

/// The arguments of every call of `name(` in `code` (not `xname(`), at most
/// [`MAX_CALLS`], with the offset of the name.
fn calls(code: &str, name: &str) -> Vec<(usize, Vec<Lit>)> {
    let mut out = calls_cut(code, name);
    out.truncate(MAX_CALLS);
    out
}

/// As [`calls`], with one call more when there are more than [`MAX_CALLS`].
fn calls_cut(code: &str, name: &str) -> Vec<(usize, Vec<Lit>)> {
    let mut out = Vec::new();
    for i in standalone(code, name, false) {
        let mut r = Reader {
            s: code,
            pos: i + name.len(),
        };
        r.ws();
        if r.peek() != Some('(') {
            continue;
        }
        r.bump();
        out.push((i, r.args()));
        if out.len() > MAX_CALLS {
            break;
        }
    }
    out
}

/// A Hanweb `jpage({…})` pager configuration.
#[derive(Debug, Clone, PartialEq)]
pub struct JPage {
    /// `proxyUrl`, as written.
    pub proxy_url: Option<String>,
    /// `perPage`.
    pub per_page: Option<u64>,
    /// `groupSize`: pages per group fetched at once.
    pub group_size: Option<u64>,
    /// `totalRecord`.
    pub total_record: Option<u64>,
    /// `ajaxParam`: the form the pager POSTs to the proxy, when every value
    /// is a literal (as `key=value` pairs); None when absent.
    pub ajax_param: Option<Vec<(String, String)>>,
    /// `ajaxParam` is present but not all literal: its source text.
    pub ajax_param_unknown: Option<String>,
    /// The `dataStore` value when it is an array of HTML strings (old pages).
    pub data_store: Vec<String>,
    /// The `dataStore` value names a variable (`InitData123`).
    pub data_store_var: Option<String>,
}

/// The Hanweb `jpage({…})` configuration of a script, if it has one.
pub fn jpage(script: &str) -> Option<JPage> {
    if !script.contains("jpage") {
        return None;
    }
    let code = strip_comments(script);
    let (_, args) = calls(&code, "jpage").into_iter().next()?;
    let cfg = args.into_iter().next()?;
    if !matches!(cfg, Lit::Obj(_)) {
        return None;
    }
    let num = |k: &str| cfg.get_ci(&[k]).and_then(|(_, v)| v.number());
    let (ajax_param, ajax_param_unknown) = match cfg.get_ci(&["ajaxParam"]) {
        Some((_, o @ Lit::Obj(_))) if o.is_literal() => (Some(form_pairs(o)), None),
        Some((_, Lit::Str(s))) => (
            Some(
                url::form_urlencoded::parse(s.as_bytes())
                    .map(|(k, v)| (k.into_owned(), v.into_owned()))
                    .collect(),
            ),
            None,
        ),
        Some((_, other)) => (None, Some(source(other))),
        None => (None, None),
    };
    let mut data_store = Vec::new();
    let mut data_store_var = None;
    match cfg.get_ci(&["dataStore"]) {
        Some((_, Lit::Arr(a))) => data_store = a.iter().filter_map(Lit::text).collect(),
        Some((_, Lit::Other(name))) if !name.is_empty() => {
            data_store_var = Some(name.clone());
            // `var InitData123 = ['<li>…</li>', …];` earlier in the script.
            if let Some(Lit::Arr(a)) = assigned(&code, name) {
                data_store = a.iter().filter_map(Lit::text).collect();
            }
        }
        _ => {}
    }
    Some(JPage {
        proxy_url: cfg.get_ci(&["proxyUrl"]).and_then(|(_, v)| match v {
            Lit::Str(s) => Some(s.clone()),
            _ => None,
        }),
        per_page: num("perPage"),
        group_size: num("groupSize"),
        total_record: num("totalRecord"),
        ajax_param,
        ajax_param_unknown,
        data_store,
        data_store_var,
    })
}

/// The offsets of `name` in `code` where it is not the tail of a longer
/// identifier (`xname`, `$name`, `_name`), nor of a property access
/// (`a.name`) when `not_property`.
fn standalone<'a>(
    code: &'a str,
    name: &'a str,
    not_property: bool,
) -> impl Iterator<Item = usize> + 'a {
    code.match_indices(name).map(|(i, _)| i).filter(move |&i| {
        let prev = code.get(..i).and_then(|p| p.chars().next_back());
        !prev.is_some_and(|c| {
            c.is_alphanumeric() || c == '_' || c == '$' || (not_property && c == '.')
        })
    })
}

/// The literal assigned to `name` (`var name = …` / `name = …`).
fn assigned(code: &str, name: &str) -> Option<Lit> {
    for i in standalone(code, name, true) {
        let rest = code.get(i + name.len()..)?.trim_start();
        if let Some(v) = rest.strip_prefix('=').filter(|r| !r.starts_with('=')) {
            return Some(literal(v));
        }
    }
    None
}

/// An object literal as form pairs (nested values as JSON text).
pub fn form_pairs(o: &Lit) -> Vec<(String, String)> {
    match o {
        Lit::Obj(v) => v
            .iter()
            .map(|(k, v)| {
                let val = match v {
                    Lit::Null => String::new(),
                    other => other.text().unwrap_or_else(|| to_json(other)),
                };
                (k.clone(), val)
            })
            .collect(),
        _ => Vec::new(),
    }
}

/// A literal as JSON text (`Other` as null).
pub fn to_json(v: &Lit) -> String {
    fn conv(v: &Lit) -> serde_json::Value {
        match v {
            Lit::Str(s) => serde_json::Value::String(s.clone()),
            Lit::Num(n) if n.fract() == 0.0 && n.abs() < 1e15 => serde_json::Value::from(*n as i64),
            Lit::Num(n) => serde_json::Number::from_f64(*n)
                .map_or(serde_json::Value::Null, serde_json::Value::Number),
            Lit::Bool(b) => serde_json::Value::Bool(*b),
            Lit::Obj(o) => {
                serde_json::Value::Object(o.iter().map(|(k, v)| (k.clone(), conv(v))).collect())
            }
            Lit::Arr(a) => serde_json::Value::Array(a.iter().map(conv).collect()),
            Lit::Null | Lit::Other(_) => serde_json::Value::Null,
        }
    }
    conv(v).to_string()
}

/// How a data request sends its parameters.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Verb {
    /// In the query string.
    Get,
    /// In a form body.
    Post,
}

/// A data request found in a script.
#[derive(Debug, Clone, PartialEq)]
pub struct DataCall {
    /// The function called (`$.ajax`, `fetch` …), for reasons.
    pub via: &'static str,
    /// The URL when it is a literal; else the source text of the expression.
    pub url: Result<String, String>,
    /// GET or POST.
    pub verb: Verb,
    /// The parameters, when they are literals (an object, or a query string).
    pub data: Option<Lit>,
    /// The parameters are present but not literals: their source text.
    pub data_unknown: Option<String>,
    /// The body is sent as JSON (`JSON.stringify`, `contentType: 'application/json'`, axios).
    pub json_body: bool,
}

/// Reads `url`, `type`/`method`, `data`/`params`/`body` and `contentType` from an options object.
fn from_options(via: &'static str, url: Option<&Lit>, opts: Option<&Lit>, verb: Verb) -> DataCall {
    let o = opts.cloned().unwrap_or(Lit::Obj(Vec::new()));
    let url = url.or_else(|| o.get_ci(&["url"]).map(|(_, v)| v));
    let url = match url {
        Some(Lit::Str(s)) => Ok(s.clone()),
        Some(other) => Err(source(other)),
        None => Err(String::new()),
    };
    let verb = match o
        .get_ci(&["type", "method"])
        .and_then(|(_, v)| v.text())
        .map(|t| t.to_ascii_uppercase())
    {
        Some(m) if m == "POST" => Verb::Post,
        Some(m) if m == "GET" => Verb::Get,
        _ => verb,
    };
    let mut json_body = o
        .get_ci(&["contentType"])
        .and_then(|(_, v)| v.text())
        .is_some_and(|t| t.contains("json"))
        || via.starts_with("axios");
    let (data, data_unknown) = match o.get_ci(&["data", "params", "body"]) {
        Some((_, v)) => split_data(v, &mut json_body),
        None => (None, None),
    };
    DataCall {
        via,
        url,
        verb,
        data,
        data_unknown,
        json_body,
    }
}

/// Literal parameters, or the source text of unknown ones. `JSON.stringify({…})`
/// is read as its object, sent as JSON.
fn split_data(v: &Lit, json_body: &mut bool) -> (Option<Lit>, Option<String>) {
    match v {
        Lit::Obj(_) | Lit::Str(_) if v.is_literal() => (Some(v.clone()), None),
        Lit::Other(t) => {
            if let Some(inner) = t
                .strip_prefix("JSON.stringify(")
                .and_then(|r| r.strip_suffix(')'))
            {
                let l = literal(inner);
                if matches!(l, Lit::Obj(_)) && l.is_literal() {
                    *json_body = true;
                    return (Some(l), None);
                }
            }
            (None, Some(t.clone()))
        }
        other => (None, Some(source(other))),
    }
}

/// A value as its source text (for reasons), as far as it is known.
fn source(v: &Lit) -> String {
    match v {
        Lit::Other(t) => t.clone(),
        l => short(&to_json(l)),
    }
}

/// The data requests of a script, in order.
pub fn data_calls(script: &str) -> Vec<DataCall> {
    data_calls_cut(script).0
}

/// The data requests of a script, in order, at most [`MAX_CALLS`]; true
/// when it makes more (those were not read).
pub fn data_calls_cut(script: &str) -> (Vec<DataCall>, bool) {
    let has = |n: &str| script.contains(n);
    if !(has("ajax")
        || has("$.get")
        || has("$.post")
        || has("fetch")
        || has("axios")
        || has("getJSON"))
    {
        return (Vec::new(), false);
    }
    let code = strip_comments(script);
    let mut found: Vec<(usize, DataCall)> = Vec::new();
    for (name, via, verb) in [
        ("$.ajax", "$.ajax", Verb::Get),
        ("jQuery.ajax", "$.ajax", Verb::Get),
        ("$.getJSON", "$.getJSON", Verb::Get),
        ("$.get", "$.get", Verb::Get),
        ("$.post", "$.post", Verb::Post),
        ("fetch", "fetch", Verb::Get),
        ("axios.get", "axios.get", Verb::Get),
        ("axios.post", "axios.post", Verb::Post),
    ] {
        for (at, args) in calls_cut(&code, name) {
            let call = match via {
                "$.ajax" => match args.first() {
                    Some(o @ Lit::Obj(_)) => from_options(via, None, Some(o), verb),
                    Some(u) => from_options(via, Some(u), args.get(1), verb),
                    None => continue,
                },
                "$.get" | "$.post" | "$.getJSON" => {
                    let mut c = from_options(via, args.first(), None, verb);
                    if let Some(d) = args
                        .get(1)
                        .filter(|d| matches!(d, Lit::Obj(_) | Lit::Str(_) | Lit::Other(_)))
                    {
                        // `$.get(url, function(){…})`: a callback, no data.
                        if !matches!(d, Lit::Other(t) if t.starts_with("function") || t.contains("=>"))
                        {
                            let mut json = false;
                            (c.data, c.data_unknown) = split_data(d, &mut json);
                        }
                    }
                    c
                }
                "fetch" => from_options(via, args.first(), args.get(1), verb),
                _ => {
                    // axios.get(url, { params }) / axios.post(url, data)
                    let opts = if verb == Verb::Post {
                        args.get(1)
                            .map(|d| Lit::Obj(vec![("data".into(), d.clone())]))
                    } else {
                        args.get(1).cloned()
                    };
                    from_options(via, args.first(), opts.as_ref(), verb)
                }
            };
            if !found.iter().any(|(a, _)| *a == at) {
                found.push((at, call));
            }
        }
    }
    found.sort_by_key(|(a, _)| *a);
    let cut = found.len() > MAX_CALLS;
    let calls = found.into_iter().map(|(_, c)| c).take(MAX_CALLS).collect();
    (calls, cut)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn more_data_calls_than_read_are_said_cut() {
        let calls = |n: usize| -> String {
            (0..n)
                .map(|i| format!("$.post('/visit/hit{i}.do', {{}});\n"))
                .collect()
        };
        let (c, cut) = data_calls_cut(&calls(MAX_CALLS));
        assert_eq!((c.len(), cut), (MAX_CALLS, false));
        let (c, cut) = data_calls_cut(&calls(MAX_CALLS + 1));
        assert_eq!((c.len(), cut), (MAX_CALLS, true));
        // Across names, and look-alikes (`$.getJSON` is not `$.get(`,
        // `xfetch(` is not `fetch(`) are not calls.
        let mixed = format!(
            "{}$.getJSON('/a.json', {{}}); xfetch('/b'); $.getJSON('/c.json');",
            calls(MAX_CALLS - 2)
        );
        let (c, cut) = data_calls_cut(&mixed);
        assert_eq!((c.len(), cut), (MAX_CALLS, false));
        let (_, cut) = data_calls_cut(&format!("{mixed} fetch('/d.json');"));
        assert!(cut);
    }

    #[test]
    fn literals() {
        assert_eq!(literal(" 'a\\'b' "), Lit::Str("a'b".into()));
        assert_eq!(literal("12"), Lit::Num(12.0));
        assert_eq!(
            literal("{a: 1, 'b': \"x\", c: [true, null], d: {e: -2.5}}"),
            Lit::Obj(vec![
                ("a".into(), Lit::Num(1.0)),
                ("b".into(), Lit::Str("x".into())),
                ("c".into(), Lit::Arr(vec![Lit::Bool(true), Lit::Null])),
                ("d".into(), Lit::Obj(vec![("e".into(), Lit::Num(-2.5))])),
            ])
        );
        let mixed = literal("{page: n, size: 10, url: '/a?x=' + id}");
        assert_eq!(mixed.get("page"), Some(&Lit::Other("n".into())));
        assert_eq!(mixed.get("size"), Some(&Lit::Num(10.0)));
        assert_eq!(mixed.get("url"), Some(&Lit::Other("'/a?x=' + id".into())));
        assert!(!mixed.is_literal());
        assert_eq!(literal("`a${b}`"), Lit::Other("a${b}".into()));
    }

    #[test]
    fn hostile_literals_do_not_panic() {
        for s in [
            "{",
            "[",
            "{a:",
            "'",
            "{'a",
            "[1,",
            "{a:{b:{c:{d:{e:{f:{g:{h:{i:{}}}}}}}}}}",
            "{,,,}",
            "（中文）",
        ] {
            let _ = literal(s);
            let _ = data_calls(&format!("$.ajax({s}"));
            let _ = jpage(&format!("$('#1').jpage({s}"));
        }
        let deep = "[".repeat(10_000);
        let _ = literal(&deep);
    }

    #[test]
    fn hanweb_jpage_post_configuration() {
        let js = r#"$(function(){ $('#8127').jpage({ themeName: 'default', showMode: 'full', totalRecord: 137,
            dataStore: InitData8127, dataBefore: '', dataAfter: '', groupSize: 3, perPage: 15,
            proxyUrl: '/module/web/jpage/dataproxy.jsp', barPosition: 'bottom',
            ajaxParam: {col: 1, appid: 1, webid: 3, path: '/', columnid: 1229214366, sourceContentType: 1, unitid: '8127', webname: '市知识产权局', permissiontype: 0} }); });
            var InitData8127 = ['<li><a href="/art/1.html">一</a></li>', "<li><a href='/art/2.html'>二</a></li>"];"#;
        let j = jpage(js).unwrap();
        assert_eq!(
            j.proxy_url.as_deref(),
            Some("/module/web/jpage/dataproxy.jsp")
        );
        assert_eq!(
            (j.per_page, j.group_size, j.total_record),
            (Some(15), Some(3), Some(137))
        );
        let form = j.ajax_param.unwrap();
        assert_eq!(form[0], ("col".into(), "1".into()));
        assert!(form.contains(&("columnid".into(), "1229214366".into())));
        assert!(form.contains(&("webname".into(), "市知识产权局".into())));
        assert_eq!(j.data_store_var.as_deref(), Some("InitData8127"));
        assert_eq!(j.data_store.len(), 2);
        assert!(jpage("var x = 1;").is_none());
        let unknown = jpage("$('#1').jpage({perPage: 15, ajaxParam: getParams()})").unwrap();
        assert!(unknown.ajax_param.is_none());
        assert!(unknown.ajax_param_unknown.is_some());
    }

    #[test]
    fn data_requests() {
        let js = r#"
        $.ajax({ url: '/api/notice/list', type: 'POST', dataType: 'json',
                 data: { channelId: '1203', pageNo: 1, pageSize: 10 },
                 success: function (res) { render(res.data.list); } });
        $.getJSON("/data/news.json", { page: 1 }, function (d) {});
        $.get('/counter.jsp', function () {});
        fetch('/api/docs?page=1&size=20').then(r => r.json());
        fetch('/api/search', { method: 'POST', body: JSON.stringify({ pageIndex: 0, channel: 'tzgg' }) });
        axios.post('/api/v2/list', { current: 1, size: 15 });
        $.ajax({ url: base + '/list', data: { page: p } });
        // $.ajax({ url: '/commented' });
        "#;
        let calls = data_calls(js);
        let urls: Vec<_> = calls.iter().map(|c| c.url.clone()).collect();
        assert_eq!(
            urls,
            vec![
                Ok("/api/notice/list".to_string()),
                Ok("/data/news.json".to_string()),
                Ok("/counter.jsp".to_string()),
                Ok("/api/docs?page=1&size=20".to_string()),
                Ok("/api/search".to_string()),
                Ok("/api/v2/list".to_string()),
                Err("base + '/list'".to_string()),
            ]
        );
        assert_eq!(calls[0].verb, Verb::Post);
        assert_eq!(
            calls[0].data.as_ref().and_then(|d| d.get("pageNo")),
            Some(&Lit::Num(1.0))
        );
        assert_eq!(
            calls[1].data.as_ref().and_then(|d| d.get("page")),
            Some(&Lit::Num(1.0))
        );
        assert!(calls[2].data.is_none() && calls[2].data_unknown.is_none());
        assert_eq!(calls[4].verb, Verb::Post);
        assert!(calls[4].json_body);
        assert_eq!(
            calls[4].data.as_ref().and_then(|d| d.get("pageIndex")),
            Some(&Lit::Num(0.0))
        );
        assert!(calls[5].json_body && calls[5].verb == Verb::Post);
        assert!(calls[6].data.is_none());
        assert!(calls[6].data_unknown.is_some());
    }
}
