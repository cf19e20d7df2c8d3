package io.hearth.runtime.audit;

import io.hearth.runtime.invoke.InvocationResult;
import jakarta.enterprise.context.RequestScoped;

/**
 * The invocation a request ran, whichever API it came through ({@code /fn} or {@code /v1}), for the request's audit
 * entry: the resource records it, the audit filter reads it when the response goes out. A streamed answer is audited
 * when its stream opens, before there is one.
 */
@RequestScoped
public class AuditedInvocation {
    private InvocationResult result;
    private String endUser;

    public void record(InvocationResult result) {
        this.result = result;
    }

    /** The end user the caller named (OpenAI's {@code user} field), for the entry. */
    public void endUser(String user) {
        this.endUser = user;
    }

    InvocationResult result() {
        return result;
    }

    String endUser() {
        return endUser;
    }
}
