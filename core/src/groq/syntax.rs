//! The pest parser generated from `grammar.pest`. Nothing else lives here;
//! `parse` lowers its pairs into the syntax tree straight away.
#![allow(missing_docs)]

#[derive(pest_derive::Parser)]
#[grammar = "groq/grammar.pest"]
pub struct GroqParser;
