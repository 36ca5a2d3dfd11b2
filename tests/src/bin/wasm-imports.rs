//! `wasm-imports <file.wasm>`: fails unless the module imports nothing and
//! exports something.
//!
//! Core's wasm build runs under wasmtime in the conformance suites and ships
//! to Workers; an import (a `wbindgen` shim, `getrandom`'s JS glue, a WASI
//! clock) would mean core reaches outside itself, which DESIGN.md forbids and
//! which wasmtime could not satisfy anyway. A module with no exports proves
//! nothing, so that fails too.
//!
//! The binary format is read by hand (sections, LEB128, names): the two
//! sections we need are simple, and it keeps the test build free of a parser
//! crate. Reference: the WebAssembly core specification, "Binary Format".
//!
//! Exit codes: 0 clean, 1 the module breaks a rule, 2 the file cannot be read
//! or is not a wasm module.

use std::{fmt, process::ExitCode};

const MAGIC: &[u8; 4] = b"\0asm";
const VERSION_1: [u8; 4] = [1, 0, 0, 0];
const SECTION_IMPORT: u8 = 2;
const SECTION_EXPORT: u8 = 7;

#[derive(Debug, Clone, PartialEq, Eq)]
struct Entry {
    /// `module.field` for an import, the export name for an export.
    name: String,
    kind: &'static str,
}

impl fmt::Display for Entry {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} ({})", self.name, self.kind)
    }
}

#[derive(Debug, Default, PartialEq, Eq)]
struct Module {
    imports: Vec<Entry>,
    exports: Vec<Entry>,
}

#[derive(Debug, PartialEq, Eq)]
enum ParseError {
    NotWasm,
    UnsupportedVersion([u8; 4]),
    Truncated { offset: usize },
    BadLeb { offset: usize },
    BadName { offset: usize },
    UnknownKind { kind: u8, offset: usize },
    SectionOverrun { id: u8 },
}

impl fmt::Display for ParseError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            ParseError::NotWasm => write!(f, "not a WebAssembly module (no \\0asm header)"),
            ParseError::UnsupportedVersion(v) => write!(f, "unsupported wasm version {v:?}"),
            ParseError::Truncated { offset } => write!(f, "file ends early at byte {offset}"),
            ParseError::BadLeb { offset } => write!(f, "malformed LEB128 number at byte {offset}"),
            ParseError::BadName { offset } => write!(f, "name is not UTF-8 at byte {offset}"),
            ParseError::UnknownKind { kind, offset } => {
                write!(
                    f,
                    "unknown import/export kind 0x{kind:02x} at byte {offset}"
                )
            }
            ParseError::SectionOverrun { id } => {
                write!(f, "section {id}'s contents do not match its declared size")
            }
        }
    }
}

/// A cursor over the module's bytes that reports where it failed.
struct Reader<'a> {
    bytes: &'a [u8],
    pos: usize,
}

impl<'a> Reader<'a> {
    fn new(bytes: &'a [u8], pos: usize) -> Self {
        Reader { bytes, pos }
    }

    fn at_end(&self) -> bool {
        self.pos >= self.bytes.len()
    }

    fn byte(&mut self) -> Result<u8, ParseError> {
        let b = *self
            .bytes
            .get(self.pos)
            .ok_or(ParseError::Truncated { offset: self.pos })?;
        self.pos += 1;
        Ok(b)
    }

    fn take(&mut self, n: usize) -> Result<&'a [u8], ParseError> {
        let end = self
            .pos
            .checked_add(n)
            .filter(|&end| end <= self.bytes.len())
            .ok_or(ParseError::Truncated { offset: self.pos })?;
        let slice = &self.bytes[self.pos..end];
        self.pos = end;
        Ok(slice)
    }

    /// Unsigned LEB128 of at most `bits` bits.
    fn uleb(&mut self, bits: u32) -> Result<u64, ParseError> {
        let start = self.pos;
        let mut result = 0u64;
        let mut shift = 0u32;
        loop {
            let b = self.byte()?;
            if shift >= bits {
                return Err(ParseError::BadLeb { offset: start });
            }
            result |= u64::from(b & 0x7f) << shift;
            shift += 7;
            if b & 0x80 == 0 {
                return Ok(result);
            }
        }
    }

    fn u32(&mut self) -> Result<u32, ParseError> {
        let start = self.pos;
        u32::try_from(self.uleb(32)?).map_err(|_| ParseError::BadLeb { offset: start })
    }

    /// Signed LEB128 (heap types are s33); only its length matters here.
    fn skip_sleb(&mut self) -> Result<(), ParseError> {
        let start = self.pos;
        for _ in 0..10 {
            if self.byte()? & 0x80 == 0 {
                return Ok(());
            }
        }
        Err(ParseError::BadLeb { offset: start })
    }

    fn len(&mut self) -> Result<usize, ParseError> {
        let start = self.pos;
        usize::try_from(self.u32()?).map_err(|_| ParseError::BadLeb { offset: start })
    }

    fn name(&mut self) -> Result<String, ParseError> {
        let len = self.len()?;
        let start = self.pos;
        let bytes = self.take(len)?;
        String::from_utf8(bytes.to_vec()).map_err(|_| ParseError::BadName { offset: start })
    }

    /// A value or reference type: one byte, or `(ref null? ht)` with an s33 heap type.
    fn skip_valtype(&mut self) -> Result<(), ParseError> {
        match self.byte()? {
            0x63 | 0x64 => self.skip_sleb(),
            _ => Ok(()),
        }
    }

    /// Table and memory limits: a flags byte, a minimum and maybe a maximum.
    /// Flags bit 0 = has maximum; bit 2 = 64-bit (memory64, table64).
    fn skip_limits(&mut self) -> Result<(), ParseError> {
        let flags = self.byte()?;
        let bits = if flags & 0x04 != 0 { 64 } else { 32 };
        self.uleb(bits)?;
        if flags & 0x01 != 0 {
            self.uleb(bits)?;
        }
        Ok(())
    }
}

fn parse(bytes: &[u8]) -> Result<Module, ParseError> {
    if bytes.len() < 8 || &bytes[..4] != MAGIC {
        return Err(ParseError::NotWasm);
    }
    let version = [bytes[4], bytes[5], bytes[6], bytes[7]];
    if version != VERSION_1 {
        return Err(ParseError::UnsupportedVersion(version));
    }

    let mut module = Module::default();
    let mut r = Reader::new(bytes, 8);
    while !r.at_end() {
        let id = r.byte()?;
        let size = r.len()?;
        let body = r.take(size)?;
        // A section is parsed from its own slice so a bad count cannot read
        // into the next section; positions stay file offsets for messages.
        let mut s = Reader::new(&bytes[..r.pos], r.pos - body.len());
        match id {
            SECTION_IMPORT => {
                for _ in 0..s.u32()? {
                    let module_name = s.name()?;
                    let field = s.name()?;
                    let kind_at = s.pos;
                    let kind = match s.byte()? {
                        0x00 => {
                            s.u32()?;
                            "func"
                        }
                        0x01 => {
                            s.skip_valtype()?;
                            s.skip_limits()?;
                            "table"
                        }
                        0x02 => {
                            s.skip_limits()?;
                            "memory"
                        }
                        0x03 => {
                            s.skip_valtype()?;
                            s.byte()?; // mutability
                            "global"
                        }
                        0x04 => {
                            s.byte()?; // attribute, always 0
                            s.u32()?;
                            "tag"
                        }
                        kind => {
                            return Err(ParseError::UnknownKind {
                                kind,
                                offset: kind_at,
                            })
                        }
                    };
                    module.imports.push(Entry {
                        name: format!("{module_name}.{field}"),
                        kind,
                    });
                }
            }
            SECTION_EXPORT => {
                for _ in 0..s.u32()? {
                    let name = s.name()?;
                    let kind_at = s.pos;
                    let kind = match s.byte()? {
                        0x00 => "func",
                        0x01 => "table",
                        0x02 => "memory",
                        0x03 => "global",
                        0x04 => "tag",
                        kind => {
                            return Err(ParseError::UnknownKind {
                                kind,
                                offset: kind_at,
                            })
                        }
                    };
                    s.u32()?;
                    module.exports.push(Entry { name, kind });
                }
            }
            // Custom sections (0) and the rest say nothing about imports.
            _ => continue,
        }
        if !s.at_end() {
            return Err(ParseError::SectionOverrun { id });
        }
    }
    Ok(module)
}

/// The rules: no imports at all, at least one export.
fn check(module: &Module) -> Result<(), String> {
    if !module.imports.is_empty() {
        let list: Vec<String> = module.imports.iter().map(|i| format!("  {i}")).collect();
        return Err(format!(
            "the module imports {} item(s); core must import nothing (no JS glue, no WASI) \
             so it runs under wasmtime and on Workers alike:\n{}",
            module.imports.len(),
            list.join("\n")
        ));
    }
    if module.exports.is_empty() {
        return Err(
            "the module exports nothing, so it proves nothing: is the crate a `cdylib` \
             with its `extern \"C\"` functions exported?"
                .to_owned(),
        );
    }
    Ok(())
}

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let [path] = args.as_slice() else {
        eprintln!("usage: wasm-imports <file.wasm>");
        return ExitCode::from(2);
    };
    let bytes = match std::fs::read(path) {
        Ok(bytes) => bytes,
        Err(e) => {
            eprintln!("wasm-imports: cannot read {path}: {e}");
            return ExitCode::from(2);
        }
    };
    let module = match parse(&bytes) {
        Ok(module) => module,
        Err(e) => {
            eprintln!("wasm-imports: {path}: {e}");
            return ExitCode::from(2);
        }
    };

    println!("{path}: {} bytes", bytes.len());
    println!("imports: {}", module.imports.len());
    for import in &module.imports {
        println!("  {import}");
    }
    println!("exports: {}", module.exports.len());
    for export in &module.exports {
        println!("  {export}");
    }
    match check(&module) {
        Ok(()) => {
            println!("ok: no imports, {} export(s)", module.exports.len());
            ExitCode::SUCCESS
        }
        Err(message) => {
            eprintln!("wasm-imports: {path}: {message}");
            ExitCode::from(1)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Builds a module from `(section id, contents)` pairs.
    fn module(sections: &[(u8, &[u8])]) -> Vec<u8> {
        let mut bytes = b"\0asm\x01\0\0\0".to_vec();
        for &(id, contents) in sections {
            bytes.push(id);
            bytes.push(u8::try_from(contents.len()).expect("small section"));
            bytes.extend_from_slice(contents);
        }
        bytes
    }

    // type 0 = () -> ()
    const TYPES: &[u8] = &[1, 0x60, 0, 0];
    // one function of type 0
    const FUNCS: &[u8] = &[1, 0];
    // export "f" = func 0
    const EXPORT_F: &[u8] = &[1, 1, b'f', 0x00, 0];
    // body of func 0: no locals, `end`
    const CODE: &[u8] = &[1, 2, 0, 0x0b];

    #[test]
    fn a_clean_module_passes() {
        let bytes = module(&[(1, TYPES), (3, FUNCS), (7, EXPORT_F), (10, CODE)]);
        let parsed = parse(&bytes).expect("parses");
        assert_eq!(parsed.imports, vec![]);
        assert_eq!(
            parsed.exports,
            vec![Entry {
                name: "f".into(),
                kind: "func"
            }]
        );
        assert_eq!(check(&parsed), Ok(()));
    }

    #[test]
    fn an_import_fails() {
        // import "env" "g" as a function of type 0, and re-export it.
        let imports: &[u8] = &[1, 3, b'e', b'n', b'v', 1, b'g', 0x00, 0];
        let bytes = module(&[(1, TYPES), (2, imports), (7, EXPORT_F)]);
        let parsed = parse(&bytes).expect("parses");
        assert_eq!(
            parsed.imports,
            vec![Entry {
                name: "env.g".into(),
                kind: "func"
            }]
        );
        let message = check(&parsed).expect_err("an import must fail");
        assert!(message.contains("env.g (func)"), "{message}");
    }

    #[test]
    fn every_import_kind_is_listed() {
        let imports: &[u8] = &[
            4, // count
            1, b'a', 1, b't', 0x01, 0x70, 0x00, 1, // table funcref, min 1
            1, b'a', 1, b'm', 0x02, 0x01, 1, 2, // memory, min 1 max 2
            1, b'a', 1, b'g', 0x03, 0x7f, 0x00, // global i32, immutable
            1, b'a', 1, b'r', 0x01, 0x63, 0x70, 0x00, 0, // table (ref null func)
        ];
        let parsed = parse(&module(&[(2, imports), (7, EXPORT_F)])).expect("parses");
        let kinds: Vec<_> = parsed.imports.iter().map(|i| i.kind).collect();
        assert_eq!(kinds, ["table", "memory", "global", "table"]);
    }

    #[test]
    fn no_exports_fails() {
        let bytes = module(&[(1, TYPES), (3, FUNCS), (10, CODE)]);
        let parsed = parse(&bytes).expect("parses");
        let message = check(&parsed).expect_err("no exports must fail");
        assert!(message.contains("exports nothing"), "{message}");
    }

    #[test]
    fn custom_sections_are_skipped() {
        let custom: &[u8] = &[4, b'n', b'a', b'm', b'e', 0xde, 0xad];
        let bytes = module(&[
            (0, custom),
            (1, TYPES),
            (3, FUNCS),
            (7, EXPORT_F),
            (10, CODE),
        ]);
        assert_eq!(check(&parse(&bytes).expect("parses")), Ok(()));
    }

    #[test]
    fn malformed_input_is_an_error_not_a_pass() {
        assert_eq!(parse(b"hello world"), Err(ParseError::NotWasm));
        assert_eq!(
            parse(b"\0asm\x02\0\0\0"),
            Err(ParseError::UnsupportedVersion([2, 0, 0, 0]))
        );
        // Import section claims 5 bytes but the file ends after 2.
        let mut truncated = b"\0asm\x01\0\0\0".to_vec();
        truncated.extend_from_slice(&[2, 5, 1, 3]);
        assert!(matches!(
            parse(&truncated),
            Err(ParseError::Truncated { .. })
        ));
        // A count larger than the section's contents cannot read past it.
        let lying = module(&[(2, &[2, 1, b'a', 1, b'b', 0x00, 0]), (7, EXPORT_F)]);
        assert!(parse(&lying).is_err());
        // Bytes left over in a section.
        let padded = module(&[(7, &[1, 1, b'f', 0x00, 0, 0xff])]);
        assert_eq!(parse(&padded), Err(ParseError::SectionOverrun { id: 7 }));
    }

    #[test]
    fn an_empty_module_fails() {
        let parsed = parse(&module(&[])).expect("parses");
        assert!(check(&parsed).is_err());
    }
}
