// Shared by Hearth's CUDA entry points, which all return the cudaError_t of the first call that failed (0: success).
#pragma once
#include <cuda_runtime.h>

// Returns the error of `call` from the enclosing entry point if it failed; goes on otherwise.
#define HEARTH_TRY(call)                                  \
    do {                                                  \
        cudaError_t hearth_error_ = (call);               \
        if (hearth_error_ != cudaSuccess) return (int) hearth_error_; \
    } while (0)
