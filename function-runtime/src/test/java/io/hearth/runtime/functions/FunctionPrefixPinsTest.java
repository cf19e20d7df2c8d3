package io.hearth.runtime.functions;

import io.hearth.engine.chat.ChatMessage;
import io.hearth.pool.PinnedPrefix;
import io.hearth.runtime.deploy.FixedPromptStart;
import io.hearth.runtime.deploy.FunctionManifest;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

/** What of a function's prompt is the same in every call, and so worth pinning. */
class FunctionPrefixPinsTest {
    private static FunctionManifest manifest(String rest) {
        return FunctionManifest.parse(("name: f\nversion: 1\nmodel: default\n" + rest).getBytes(StandardCharsets.UTF_8));
    }

    @Test
    void theFixedStartEndsAtTheFirstJinjaTag() {
        assertEquals("Summarize: ", FixedPromptStart.fixedStart("Summarize: {{ text }} please"));
        assertEquals("A ", FixedPromptStart.fixedStart("A {% if x %}{{ x }}{% endif %}"));
        assertEquals("", FixedPromptStart.fixedStart("{# note #}{{ text }}"));
        assertEquals("No variables at all", FixedPromptStart.fixedStart("No variables at all"));
    }

    @Test
    void aPromptFunctionPinsItsSystemPromptAndTemplateStartInItsTenantsScope() {
        PinnedPrefix p = FixedPromptStart.of(manifest("kind: prompt\ntenant: team-a\nprompt:\n  system: Be brief.\n  template: \"Q: {{ q }}\"\n"));
        assertEquals(List.of(new ChatMessage("system", "Be brief."), new ChatMessage("user", "Q: ")), p.messages());
        assertEquals("tenant:team-a", p.cacheSalt());
        assertNull(FixedPromptStart.of(manifest("kind: prompt\nprompt:\n  template: \"{{ q }}\"\n")), "nothing fixed to pin");
        assertNull(FixedPromptStart.of(manifest("kind: java\nhandler: com.example.F\n")), "a java function's prompts are its own");
    }
}
