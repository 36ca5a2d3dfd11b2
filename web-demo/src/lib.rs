//! The in-browser GROQ playground. Filled in by the web-demo issue; for now it only links core.
