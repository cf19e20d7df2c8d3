package io.hearth.runtime.keys;

/** A key was asked for under a name another key has (409): names are unique, since tenants default to them. */
public class KeyNameTakenException extends RuntimeException {
    public KeyNameTakenException(String message) {
        super(message);
    }
}
