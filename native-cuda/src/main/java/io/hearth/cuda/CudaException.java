package io.hearth.cuda;

/** A CUDA call that failed: which call, the runtime's error code and its text. */
public final class CudaException extends RuntimeException {
    private final String call;
    private final int code;

    public CudaException(String call, int code, String text) {
        super(call + " failed: CUDA error " + code + " (" + text + ")");
        this.call = call;
        this.code = code;
    }

    public String call() {
        return call;
    }

    public int code() {
        return code;
    }
}
