package io.hearth.pool;

import java.time.LocalTime;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.List;

/**
 * Daily windows (server local time) during which a model keeps at least one replica warm, as ops set them for
 * known busy hours: {@code 08:30-18:00}, several separated by commas; a window may wrap midnight ({@code 22:00-02:00}).
 */
public record PrewarmSchedule(List<Window> windows) {
    public static final PrewarmSchedule NONE = new PrewarmSchedule(List.of());

    public record Window(LocalTime from, LocalTime to) {
        boolean contains(LocalTime t) {
            return from.isBefore(to) ? !t.isBefore(from) && t.isBefore(to) : !t.isBefore(from) || t.isBefore(to);
        }
    }

    public PrewarmSchedule {
        windows = List.copyOf(windows);
    }

    public boolean active(LocalTime now) {
        return windows.stream().anyMatch(w -> w.contains(now));
    }

    /** The windows as {@link #parse} reads them. */
    public String text() {
        return String.join(",", windows.stream().map(w -> w.from() + "-" + w.to()).toList());
    }

    public static PrewarmSchedule parse(String text) {
        if (text == null || text.isBlank()) return NONE;
        List<Window> windows = new ArrayList<>();
        for (String part : text.split(",")) {
            String[] ends = part.trim().split("-");
            try {
                if (ends.length != 2) throw new DateTimeParseException("", part, 0);
                windows.add(new Window(LocalTime.parse(ends[0].trim()), LocalTime.parse(ends[1].trim())));
            } catch (DateTimeParseException e) {
                throw new IllegalArgumentException("'" + part.trim() + "' is not a daily window: write HH:mm-HH:mm, e.g. 08:30-18:00");
            }
        }
        return new PrewarmSchedule(windows);
    }
}
