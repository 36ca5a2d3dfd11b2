//! A wasmtime host for core's wasm build (`qanat_core.wasm`), so a suite can
//! run the same requests natively and in the module Workers and browsers run.
//!
//! The module's ABI is `core/src/ffi.rs`: copy a JSON request into a buffer
//! from `qanat_alloc(len)`, call `qanat_call(ptr, len)`, read the response at
//! the `ptr << 32 | len` it returns, and free both buffers with
//! `qanat_dealloc(ptr, len)`. The module must import nothing; a host that had
//! to supply imports would be testing something other than what ships.
//!
//! The module is compiled once per [`CoreModule`] and one instance serves
//! every call. A trap (a panic in core is `unreachable` under wasm) may leave
//! the instance's allocator mid-update, so after one the host starts a fresh
//! instance from the compiled module.

use std::fmt;
use std::path::{Path, PathBuf};

use wasmtime::{Config, Engine, Instance, Memory, Module, Store, TypedFunc};

/// How to build the module; the error for a missing file says so.
pub const BUILD_COMMAND: &str =
    "cargo build -p qanat-core --target wasm32-unknown-unknown --release";

#[derive(Debug)]
pub enum WasmError {
    /// The `.wasm` file is not there: the wasm build has not run.
    Missing(PathBuf),
    /// The file is there but is not a module this host can run.
    Load(String),
    /// The guest trapped during a call.
    Trap(String),
    /// The guest answered with something that is not a response.
    BadResponse(String),
}

impl fmt::Display for WasmError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            WasmError::Missing(path) => write!(
                f,
                "core's wasm module is missing at {}: run `{BUILD_COMMAND}` first \
                 (scripts/test.sh does), or point QANAT_CORE_WASM at the file",
                path.display()
            ),
            WasmError::Load(e) => write!(f, "cannot load core's wasm module: {e}"),
            WasmError::Trap(e) => write!(f, "core's wasm module trapped: {e}"),
            WasmError::BadResponse(e) => write!(f, "bad response from core's wasm module: {e}"),
        }
    }
}

impl std::error::Error for WasmError {}

/// Where the wasm build puts the module: `$QANAT_CORE_WASM` if set, else
/// `<target dir>/wasm32-unknown-unknown/release/qanat_core.wasm`.
///
/// The target dir is found from the running test binary
/// (`<target>/<profile>/deps/<test>`), which is right whatever
/// `CARGO_TARGET_DIR` was, even relative; failing that, from
/// `$CARGO_TARGET_DIR` or the workspace's `target/`.
pub fn default_module_path() -> PathBuf {
    if let Some(path) = std::env::var_os("QANAT_CORE_WASM") {
        return PathBuf::from(path);
    }
    let from_exe = std::env::current_exe().ok().and_then(|exe| {
        let deps = exe.parent()?;
        (deps.file_name()? == "deps").then_some(())?;
        Some(deps.parent()?.parent()?.to_path_buf())
    });
    let target = from_exe
        .or_else(|| std::env::var_os("CARGO_TARGET_DIR").map(PathBuf::from))
        .unwrap_or_else(|| crate::repo_root().join("target"));
    target.join("wasm32-unknown-unknown/release/qanat_core.wasm")
}

/// One compiled core module and its live instance.
pub struct CoreModule {
    path: PathBuf,
    engine: Engine,
    module: Module,
    live: Live,
}

/// What a call needs from an instance; rebuilt after a trap.
struct Live {
    store: Store<()>,
    memory: Memory,
    alloc: TypedFunc<u32, u32>,
    dealloc: TypedFunc<(u32, u32), ()>,
    call: TypedFunc<(u32, u32), u64>,
}

impl CoreModule {
    /// Loads the module at [`default_module_path`].
    pub fn load_default() -> Result<CoreModule, WasmError> {
        CoreModule::load(&default_module_path())
    }

    /// Compiles the module at `path` and instantiates it with no imports.
    pub fn load(path: &Path) -> Result<CoreModule, WasmError> {
        if !path.is_file() {
            return Err(WasmError::Missing(path.to_path_buf()));
        }
        let engine = Engine::new(&Config::new()).map_err(|e| WasmError::Load(format!("{e:#}")))?;
        let module = Module::from_file(&engine, path)
            .map_err(|e| WasmError::Load(format!("{}: {e:#}", path.display())))?;
        let imports: Vec<String> = module
            .imports()
            .map(|i| format!("{}.{}", i.module(), i.name()))
            .collect();
        if !imports.is_empty() {
            return Err(WasmError::Load(format!(
                "{} imports {}; core's module must import nothing",
                path.display(),
                imports.join(", ")
            )));
        }
        let live = instantiate(&engine, &module)?;
        Ok(CoreModule {
            path: path.to_path_buf(),
            engine,
            module,
            live,
        })
    }

    /// The file this module was loaded from.
    pub fn path(&self) -> &Path {
        &self.path
    }

    /// Sends one JSON request and returns the JSON response.
    pub fn call(&mut self, request: &str) -> Result<String, WasmError> {
        self.call_parts(&[request.as_bytes()])
    }

    /// Sends the concatenation of `parts` as one request, copying each
    /// straight into guest memory (a suite can keep a large dataset's JSON
    /// as one cached part instead of building a request string per call).
    pub fn call_parts(&mut self, parts: &[&[u8]]) -> Result<String, WasmError> {
        let result = self.live.call_parts(parts);
        if matches!(result, Err(WasmError::Trap(_))) {
            // A trap leaves the instance in an unknown state; start afresh.
            self.live = instantiate(&self.engine, &self.module)?;
        }
        result
    }
}

fn instantiate(engine: &Engine, module: &Module) -> Result<Live, WasmError> {
    let load = |e: wasmtime::Error| WasmError::Load(format!("{e:#}"));
    let mut store = Store::new(engine, ());
    let instance = Instance::new(&mut store, module, &[]).map_err(load)?;
    let memory = instance
        .get_memory(&mut store, "memory")
        .ok_or_else(|| WasmError::Load("the module exports no \"memory\"".into()))?;
    let alloc = instance
        .get_typed_func(&mut store, "qanat_alloc")
        .map_err(load)?;
    let dealloc = instance
        .get_typed_func(&mut store, "qanat_dealloc")
        .map_err(load)?;
    let call = instance
        .get_typed_func(&mut store, "qanat_call")
        .map_err(load)?;
    Ok(Live {
        store,
        memory,
        alloc,
        dealloc,
        call,
    })
}

impl Live {
    fn call_parts(&mut self, parts: &[&[u8]]) -> Result<String, WasmError> {
        let trap = |e: wasmtime::Error| WasmError::Trap(format!("{e:#}"));
        let len: usize = parts.iter().map(|p| p.len()).sum();
        let len32 = u32::try_from(len)
            .map_err(|_| WasmError::BadResponse(format!("a {len}-byte request is too big")))?;
        let ptr = self.alloc.call(&mut self.store, len32).map_err(trap)?;
        let memory = self.memory.data_mut(&mut self.store);
        let mut at = ptr as usize;
        for part in parts {
            memory
                .get_mut(at..at + part.len())
                .ok_or_else(|| {
                    WasmError::BadResponse("qanat_alloc gave memory out of bounds".into())
                })?
                .copy_from_slice(part);
            at += part.len();
        }
        let packed = self
            .call
            .call(&mut self.store, (ptr, len32))
            .map_err(trap)?;
        let (out_ptr, out_len) = ((packed >> 32) as u32, packed as u32);
        let response = self
            .memory
            .data(&self.store)
            .get(out_ptr as usize..out_ptr as usize + out_len as usize)
            .ok_or_else(|| WasmError::BadResponse("response out of bounds".into()))
            .and_then(|bytes| {
                String::from_utf8(bytes.to_vec())
                    .map_err(|_| WasmError::BadResponse("response is not UTF-8".into()))
            });
        self.dealloc
            .call(&mut self.store, (ptr, len32))
            .map_err(trap)?;
        self.dealloc
            .call(&mut self.store, (out_ptr, out_len))
            .map_err(trap)?;
        response
    }
}
