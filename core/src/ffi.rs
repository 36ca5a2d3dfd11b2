//! The C ABI of core's wasm module: `qanat_alloc`/`qanat_dealloc` for buffers
//! and `qanat_call` for [`crate::api::call`]. A host copies a JSON request into
//! memory it got from `qanat_alloc`, calls `qanat_call(ptr, len)`, and reads the
//! response at the pointer and length packed into the result
//! (`ptr << 32 | len`), then frees both buffers with `qanat_dealloc`.
//!
//! Nothing here imports from the host, so the module runs unchanged under
//! wasmtime, in a Worker and in Node.
#![allow(unsafe_code)]

/// Returns a buffer of `len` bytes owned by the caller until `qanat_dealloc`.
#[no_mangle]
pub extern "C" fn qanat_alloc(len: usize) -> *mut u8 {
    let mut buf = vec![0u8; len].into_boxed_slice();
    let ptr = buf.as_mut_ptr();
    std::mem::forget(buf);
    ptr
}

/// Frees a buffer from `qanat_alloc` or a response of `qanat_call`.
///
/// # Safety
/// `ptr` and `len` must be exactly those of a buffer this module handed out
/// and not yet freed.
#[no_mangle]
pub unsafe extern "C" fn qanat_dealloc(ptr: *mut u8, len: usize) {
    if !ptr.is_null() {
        // SAFETY: the caller returns a boxed slice this module leaked, unchanged.
        drop(unsafe { Box::from_raw(std::ptr::slice_from_raw_parts_mut(ptr, len)) });
    }
}

/// Runs one JSON request; returns the response buffer as `ptr << 32 | len`.
///
/// # Safety
/// `ptr..ptr+len` must be readable memory (a buffer from `qanat_alloc`).
#[no_mangle]
pub unsafe extern "C" fn qanat_call(ptr: *const u8, len: usize) -> u64 {
    // SAFETY: the caller guarantees the input range is valid for reads.
    let input = unsafe { std::slice::from_raw_parts(ptr, len) };
    let response = match std::str::from_utf8(input) {
        Ok(text) => crate::api::call(text),
        Err(_) => {
            r#"{"error":{"type":"badRequest","description":"request is not UTF-8"}}"#.to_string()
        }
    };
    let out = response.into_bytes().into_boxed_slice();
    let (out_ptr, out_len) = (out.as_ptr() as u64, out.len() as u64);
    std::mem::forget(out);
    (out_ptr << 32) | out_len
}
